/* SPDX-License-Identifier: GPL-2.0 */
#ifndef HV_CORE_MMIO_H
#define HV_CORE_MMIO_H

#include <stdint.h>

struct vcpu;
struct gpt_ctx;

/*
 * Emulate the instruction that touched emulated MMIO at @gpa: 0 when done
 * (or when a #PF was injected instead), -ENOENT when no device claims the
 * address, another -errno when the instruction cannot be emulated.
 */
int vcpu_emulate_mmio(struct vcpu *v, uint64_t gpa);
/* A guest page-table walker for @v (its owner, with @v loaded). */
void vcpu_guest_walker(struct vcpu *v, struct gpt_ctx *g);

#endif
