// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupt delivery by event injection: the path every VMX CPU has.
 * Everything reaches a vCPU through its posted-interrupt descriptor; here
 * the owner moves it into the vLAPIC and injects through the VM-entry
 * interruption-information field, opening an interrupt window when the
 * guest cannot take it yet.
 */
#include "src/arch/x86.h"
#include "src/vmirq.h"
#include "vmx/intr.h"
#include "vmx/vcpu.h"
#include "vmx/vmcs.h"

#define PROC_INTR_WINDOW	(1u << 2)
#define INTR_INFO_VALID		(1u << 31)
#define INTR_TYPE_EXT		(0u << 8)
#define INTR_TYPE_NMI		(2u << 8)
#define BLOCK_STI_MOVSS		3u

static void window(bool on)
{
	uint32_t proc = vmcs_read(PROC_CONTROLS);
	uint32_t want = on ? proc | PROC_INTR_WINDOW : proc & ~PROC_INTR_WINDOW;

	if (want != proc)
		vmcs_write(PROC_CONTROLS, want);
}

bool vcpu_interrupt_pending(struct vcpu *v)
{
	if (!v->lapic)
		return false;
	vmirq_vcpu_pre_entry(v);
	vlapic_sync_pir(v->lapic);
	return vlapic_pending_vector(v->lapic) >= 0 ||
	       pi_test_on(&v->lapic->pi);
}

void vcpu_deliver_interrupts(struct vcpu *v)
{
	struct vlapic *vl = v->lapic;
	int vec;

	if (!vl)
		return;
	vmirq_vcpu_pre_entry(v);
	vlapic_sync_pir(vl);
	/* An exception injected by this exit's handler goes first. */
	if (vmcs_read(ENTRY_INTR_INFO) & INTR_INFO_VALID) {
		window(vlapic_pending_vector(vl) >= 0);
		return;
	}
	if (vlapic_take_nmi(vl)) {
		vmcs_write(ENTRY_INTR_INFO, INTR_INFO_VALID | INTR_TYPE_NMI | 2);
		return;
	}
	vec = vlapic_pending_vector(vl);
	if (vec < 0) {
		window(false);
		return;
	}
	if ((vmcs_read(GUEST_RFLAGS) & RFLAGS_IF) &&
	    !(vmcs_read(GUEST_INTERRUPTIBILITY) & BLOCK_STI_MOVSS)) {
		vmcs_write(ENTRY_INTR_INFO, INTR_INFO_VALID | INTR_TYPE_EXT | vec);
		vlapic_ack(vl, vec);
		window(false);
	} else {
		window(true);
	}
}
