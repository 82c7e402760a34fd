// SPDX-License-Identifier: GPL-2.0
/* The VMX lines of a vCPU dump and of its exit records (src/core/dump.c). */
#include "src/arch/printk.h"
#include "src/core/dump.h"
#include "src/core/vendor.h"
#include "vmx/intr.h"
#include "vmx/vcpu.h"
#include "vmx/vmcs.h"

static uint16_t intr_status(struct vcpu *v)
{
	return v->lapic && intr_method->apic_access_page ?
	       vmcs_read(GUEST_INTR_STATUS) : 0;
}

void vendor_trace_exit(struct vcpu *v, struct exit_rec *r)
{
	r->rsp = vmcs_read(GUEST_RSP);
	r->rflags = vmcs_read(GUEST_RFLAGS);
	r->intr_state = vmcs_read(GUEST_INTERRUPTIBILITY);
	r->idt_info = vmx(v)->idt_info;
	r->intr_status = intr_status(v);
}

void vendor_dump(struct vcpu *v, bool live)
{
	if (!live)
		return;
	pr_info("vcpu-dump %s: now RIP %#lx RSP %#lx RFLAGS %#lx CR3 %#lx intr-state %#lx intr-status %#x window %d\n",
		v->name, vmcs_read(GUEST_RIP), vmcs_read(GUEST_RSP),
		vmcs_read(GUEST_RFLAGS), vmcs_read(GUEST_CR3),
		vmcs_read(GUEST_INTERRUPTIBILITY), intr_status(v),
		!!(vmcs_read(PROC_CONTROLS) & PROC_INTR_WINDOW));
}
