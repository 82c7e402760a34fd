/* SPDX-License-Identifier: GPL-2.0 */
#ifndef HV_VMX_MMIO_H
#define HV_VMX_MMIO_H

#include <stdint.h>

struct vcpu;
struct gpt_ctx;

/*
 * Emulate the instruction that touched emulated MMIO at @gpa: 0 when done
 * (or when a #PF was injected instead), -ENOENT when no device claims the
 * address, another -errno when the instruction cannot be emulated.
 */
int vmx_emulate_mmio(struct vcpu *v, uint64_t gpa);
/* A guest page-table walker for @v, from its VMCS (which must be loaded). */
void vmx_guest_walker(struct vcpu *v, struct gpt_ctx *g);

#endif
