/* SPDX-License-Identifier: GPL-2.0 */
#ifndef HV_CORE_MSR_H
#define HV_CORE_MSR_H

struct vcpu;

/*
 * MTRRs as firmware leaves them: enabled, default type write-back, no
 * variable or fixed ranges. EPT decides the real memory type; the guest
 * needs enabled MTRRs only so that Linux also sets up its PAT.
 */
#define MTRR_DEF_TYPE_BOOT	0x806

/* RDMSR/WRMSR exits (RCX, EDX:EAX): emulate, or #GP. */
void vcpu_handle_rdmsr(struct vcpu *v);
void vcpu_handle_wrmsr(struct vcpu *v);

#endif
