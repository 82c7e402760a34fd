/* SPDX-License-Identifier: GPL-2.0 */
#ifndef HV_VMX_INJECT_H
#define HV_VMX_INJECT_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;

#define X86_EXC_UD	6
#define X86_EXC_GP	13

/*
 * Deliver exception @vector to the guest at the next VM entry. The
 * faulting instruction is not skipped: the guest sees it fault.
 */
void vcpu_inject_exception(struct vcpu *v, uint8_t vector, bool has_error,
			   uint32_t error);

#endif
