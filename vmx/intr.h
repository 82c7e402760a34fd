/* SPDX-License-Identifier: GPL-2.0 */
#ifndef HV_VMX_INTR_H
#define HV_VMX_INTR_H

#include <stdbool.h>

struct vcpu;

/*
 * Before VM entry, on the vCPU's owner: serve its due vLAPIC timer and
 * INIT, move the posted-interrupt descriptor into the vLAPIC and inject
 * the highest deliverable interrupt (or ask for an interrupt window).
 */
void vcpu_deliver_interrupts(struct vcpu *v);
/* Does the vCPU have an interrupt it could take (HLT must not block)? */
bool vcpu_interrupt_pending(struct vcpu *v);

#endif
