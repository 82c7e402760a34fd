/* SPDX-License-Identifier: GPL-2.0 */
#ifndef HV_VMX_MMIO_H
#define HV_VMX_MMIO_H

#include <stdint.h>

struct vcpu;

/*
 * Emulate the instruction that touched emulated MMIO at @gpa: 0 when done
 * (or when a #PF was injected instead), -ENOENT when no device claims the
 * address, another -errno when the instruction cannot be emulated.
 */
int vmx_emulate_mmio(struct vcpu *v, uint64_t gpa);

#endif
