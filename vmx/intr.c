// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupt delivery. Everything reaches a vCPU through the posted-
 * interrupt descriptor in its vLAPIC; before each VM entry the owner
 * moves it into the virtual-APIC page and lets the guest see it by the
 * best method the CPU has:
 *   vid     virtual-interrupt delivery: RVI/SVI in the guest interrupt
 *           status, the CPU delivers and virtualizes EOI itself; level
 *           vectors exit on EOI for the vIOAPIC
 *   inject  event injection, with interrupt-window exiting when the
 *           guest cannot take the interrupt yet
 *   posted  virtual-interrupt delivery plus hardware posted interrupts:
 *           a sender on another pCPU sends the notification vector and
 *           the CPU merges the PIR into the running guest without an exit
 */
#include <errno.h>
#include <string.h>
#include "src/arch/cpu.h"
#include "src/arch/x86.h"
#include "src/printk.h"
#include "src/vm.h"
#include "src/vmirq.h"
#include "vmx/intr.h"
#include "vmx/mmio.h"
#include "vmx/vcpu.h"
#include "vmx/vmcs.h"
#include "vmx/vmx.h"

#define PIN_POSTED		(1u << 7)
#define PROC_INTR_WINDOW	(1u << 2)
#define PROC_TPR_SHADOW		(1u << 21)
#define PROC2_APIC_ACCESS	(1u << 0)
#define PROC2_X2APIC		(1u << 4)
#define PROC2_APIC_REG		(1u << 8)
#define PROC2_VID		(1u << 9)
#define INTR_INFO_VALID		(1u << 31)
#define INTR_TYPE_EXT		(0u << 8)
#define INTR_TYPE_NMI		(2u << 8)
#define BLOCK_STI_MOVSS		3u
#define XAPIC_GPA		0xfee00000ULL

const struct intr_method *intr_method;

static bool allowed1(uint64_t msr_val, uint32_t bits)
{
	return ((msr_val >> 32) & bits) == bits;
}

static void nmi(struct vcpu *v)
{
	vmcs_write(ENTRY_INTR_INFO, INTR_INFO_VALID | INTR_TYPE_NMI | 2);
}

/* ---- event injection ------------------------------------------------------ */

static void window(bool on)
{
	uint32_t proc = vmcs_read(PROC_CONTROLS);
	uint32_t want = on ? proc | PROC_INTR_WINDOW : proc & ~PROC_INTR_WINDOW;

	if (want != proc)
		vmcs_write(PROC_CONTROLS, want);
}

static bool inject_available(const struct vmx_caps *c)
{
	return true;
}

static void inject_setup(struct vcpu *v)
{
}

static void inject_deliver(struct vcpu *v)
{
	struct vlapic *vl = v->lapic;
	int vec;

	vlapic_sync_pir(vl);
	/* An exception injected by this exit's handler goes first. */
	if (vmcs_read(ENTRY_INTR_INFO) & INTR_INFO_VALID) {
		window(vlapic_pending_vector(vl) >= 0);
		return;
	}
	if (vlapic_take_nmi(vl)) {
		nmi(v);
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

static const struct intr_method inject_method = {
	.name = "inject",
	.available = inject_available,
	.setup = inject_setup,
	.deliver = inject_deliver,
	.notify_vector = VEC_RESCHED,
};

/* ---- virtual-interrupt delivery ------------------------------------------ */

static bool vid_available(const struct vmx_caps *c)
{
	return c->vid && c->apic_reg_virt && allowed1(c->proc, PROC_TPR_SHADOW) &&
	       allowed1(c->proc2, PROC2_APIC_ACCESS | PROC2_X2APIC |
				  PROC2_APIC_REG | PROC2_VID);
}

/* x2APIC virtualization and APIC-access virtualization exclude each other. */
static void vid_mode(struct vcpu *v, bool x2)
{
	uint32_t p2 = vmcs_read(PROC_CONTROLS2) & ~(PROC2_APIC_ACCESS | PROC2_X2APIC);

	p2 |= x2 ? PROC2_X2APIC : PROC2_APIC_ACCESS;
	vmcs_write(PROC_CONTROLS2, p2);
	vmcs_write(MSR_BITMAP, x2 ? v->vm->msr_bitmap_x2vid : v->vm->msr_bitmap);
	v->intr_x2 = x2;
}

static void vid_setup(struct vcpu *v)
{
	vmcs_write(PROC_CONTROLS, vmcs_read(PROC_CONTROLS) | PROC_TPR_SHADOW);
	vmcs_write(PROC_CONTROLS2, vmcs_read(PROC_CONTROLS2) | PROC2_APIC_REG |
		   PROC2_VID);
	vmcs_write(VIRTUAL_APIC_ADDR, (uint64_t)v->lapic->regs);
	vmcs_write(APIC_ACCESS_ADDR, v->vm->apic_access_page);
	vmcs_write(TPR_THRESHOLD, 0);
	memset(v->eoi_bm, 0, sizeof(v->eoi_bm));
	for (int i = 0; i < 4; i++)
		vmcs_write(EOI_EXIT_BITMAP0 + 2 * i, 0);
	vid_mode(v, vlapic_x2apic(v->lapic));
}

static void vid_deliver(struct vcpu *v)
{
	struct vlapic *vl = v->lapic;
	uint64_t bm[4];
	int rvi, svi;

	if (vlapic_x2apic(vl) != v->intr_x2)
		vid_mode(v, vlapic_x2apic(vl));
	vlapic_sync_pir(vl);
	/* Level-triggered vectors must exit on EOI for the vIOAPIC. */
	vlapic_eoi_exit_bitmap(vl, bm);
	for (int i = 0; i < 4; i++)
		if (bm[i] != v->eoi_bm[i]) {
			vmcs_write(EOI_EXIT_BITMAP0 + 2 * i, bm[i]);
			v->eoi_bm[i] = bm[i];
		}
	rvi = vlapic_highest_irr(vl);
	svi = vlapic_highest_isr(vl);
	vmcs_write(GUEST_INTR_STATUS, (rvi < 0 ? 0 : rvi) |
		   (svi < 0 ? 0 : svi) << 8);
	if (!(vmcs_read(ENTRY_INTR_INFO) & INTR_INFO_VALID) &&
	    vlapic_take_nmi(vl))
		nmi(v);
}

static const struct intr_method vid_method = {
	.name = "vid",
	.available = vid_available,
	.setup = vid_setup,
	.deliver = vid_deliver,
	.apic_access_page = true,
	.notify_vector = VEC_RESCHED,
};

/* ---- posted interrupts ----------------------------------------------------- */

static bool posted_available(const struct vmx_caps *c)
{
	return c->posted_intr && vid_available(c);
}

static void posted_setup(struct vcpu *v)
{
	vid_setup(v);
	vmcs_write(PIN_CONTROLS, vmcs_read(PIN_CONTROLS) | PIN_POSTED);
	vmcs_write(POSTED_INTR_NV, VEC_POSTED);
	vmcs_write(POSTED_INTR_DESC, (uint64_t)&v->lapic->pi);
	pi_set_nv(&v->lapic->pi, VEC_POSTED);
	v->pi_ndst = ~0u;
}

static void posted_deliver(struct vcpu *v)
{
	uint32_t ndst = vcpu_host_ndst();

	/* Notifications must find the pCPU the vCPU runs on now. */
	if (ndst != v->pi_ndst) {
		pi_set_ndst(&v->lapic->pi, ndst);
		v->pi_ndst = ndst;
	}
	vid_deliver(v);
}

static const struct intr_method posted_method = {
	.name = "posted",
	.available = posted_available,
	.setup = posted_setup,
	.deliver = posted_deliver,
	.apic_access_page = true,
	.notify_vector = VEC_POSTED,
};

/* ---- selection and exits --------------------------------------------------- */

int intr_select(enum cfg_delivery want)
{
	switch (want) {
	case CFG_DELIVERY_POSTED:
		if (!posted_method.available(&vmx_caps)) {
			pr_err("hvisor: apic_delivery = posted: this CPU has no posted interrupts\n");
			return -ENOTSUP;
		}
		intr_method = &posted_method;
		break;
	case CFG_DELIVERY_VID:
		if (!vid_method.available(&vmx_caps)) {
			pr_err("hvisor: apic_delivery = vid: this CPU has no virtual-interrupt delivery\n");
			return -ENOTSUP;
		}
		intr_method = &vid_method;
		break;
	case CFG_DELIVERY_INJECT:
		intr_method = &inject_method;
		break;
	default:
		if (posted_method.available(&vmx_caps))
			intr_method = &posted_method;
		else if (vid_method.available(&vmx_caps))
			intr_method = &vid_method;
		else
			intr_method = &inject_method;
		break;
	}
	return 0;
}

void vcpu_deliver_interrupts(struct vcpu *v)
{
	if (!v->lapic)
		return;
	vmirq_vcpu_pre_entry(v);
	intr_method->deliver(v);
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

void vmx_handle_apic_access(struct vcpu *v)
{
	/* An access the CPU does not virtualize: emulate it on the model. */
	int r = vmx_emulate_mmio(v, XAPIC_GPA + (v->exit.qual & 0xfff));

	if (r)
		vm_stop(v->vm, HV_EXIT_GUEST_CRASH,
			"cannot emulate the APIC access at offset %#lx, RIP %#lx (error %d)",
			v->exit.qual & 0xfff, v->exit.rip, r);
}

void vmx_handle_apic_write(struct vcpu *v)
{
	/* Trap-like: the value is in the page already, RIP moved on. */
	vlapic_apic_write(v->lapic, v->exit.qual & 0xfff);
}

void vmx_handle_eoi_induced(struct vcpu *v)
{
	vlapic_eoi_exit(v->lapic, v->exit.qual & 0xff);
}
