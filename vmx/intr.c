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
 *
 * The VID guard (vid_guard, on by default). Bochs 2.7 delivers a
 * recognized virtual interrupt whenever a host interrupt arrives in VMX
 * non-root mode, without looking at the guest's RFLAGS.IF or its STI /
 * MOV-SS shadow (cpu/event.cc: InterruptAcknowledge() tests is_pending(),
 * not the masked form). A Linux guest that took a spinlock with
 * interrupts off then takes an interrupt whose handler spins on the same
 * lock: a hang. Real CPUs never do this, but the SDM's rule is enough to
 * work around it: a virtual interrupt is only recognized when RVI's class
 * beats VPPR's, at VM entry, and after a virtualized EOI, TPR write or
 * self-IPI. So the guard stages a vector in RVI only when the guest can
 * take it at the very first instruction (IF = 1, no shadow, no event
 * being injected, class above PPR); the CPU delivers it at once. When
 * another vector waits behind it, the CPU refills RVI with that one, so
 * every EOI that could unblock it exits (EOI-exit bitmap) and the next
 * entry decides again. A vector held back by IF waits for an
 * interrupt-window exit, one held back by ISR for an EOI exit, one held
 * back by TPR for an x2APIC TPR write exit (or, in xAPIC mode where TPR
 * writes never exit, a short poll). Self-IPIs exit, so no write can
 * raise RVI behind our back. Cost: an interrupt that arrives while the
 * guest has IF = 0 takes one more exit, as with event injection.
 */
#include <errno.h>
#include <string.h>
#include "src/arch/cpu.h"
#include "src/arch/printk.h"
#include "src/arch/x86.h"
#include "src/core/mmio.h"
#include "src/core/vendor.h"
#include "src/core/vm.h"
#include "src/core/intr.h"
#include "vmx/intr.h"
#include "vmx/vcpu.h"
#include "vmx/vmcs.h"
#include "vmx/vmx.h"

const struct intr_method *intr_method;
bool vid_guard = true;

static bool allowed1(uint64_t msr_val, uint32_t bits)
{
	return ((msr_val >> 32) & bits) == bits;
}

static void proc_bit(uint32_t bit, bool on)
{
	uint32_t proc = vmcs_read(PROC_CONTROLS);
	uint32_t want = on ? proc | bit : proc & ~bit;

	if (want != proc)
		vmcs_write(PROC_CONTROLS, want);
}

static void window(bool on)
{
	proc_bit(PROC_INTR_WINDOW, on);
}

static bool event_injecting(void)
{
	return vmcs_read(ENTRY_INTR_INFO) & INTR_INFO_VALID;
}

/*
 * A pending NMI goes in only when nothing else is being injected and the
 * guest does not block NMIs (an NMI handler still running, or an STI /
 * MOV-SS shadow, SDM 26.3.1.5); otherwise an NMI-window exit (virtual
 * NMIs) or an interrupt-window exit brings us back. Returns true when it
 * was injected.
 */
static void nmi_window(struct vcpu *v, bool on)
{
	proc_bit(PROC_NMI_WINDOW, on);
	vmx(v)->nmi_window = on;
}

static bool nmi_deliver(struct vcpu *v)
{
	bool vnmi, blocked;

	/* The common case, before every entry: no NMI, no window to close. */
	if (!vcpu_nmi_pending(v)) {
		if (vmx(v)->nmi_window)
			nmi_window(v, false);
		return false;
	}
	vnmi = vmcs_read(PIN_CONTROLS) & PIN_VIRTUAL_NMI;
	blocked = event_injecting() ||
		  (vmcs_read(GUEST_INTERRUPTIBILITY) &
		   (BLOCK_STI_MOVSS | (vnmi ? BLOCK_NMI : 0)));
	if (blocked) {
		if (vnmi)
			nmi_window(v, true);
		else
			window(true);
		return false;
	}
	if (vmx(v)->nmi_window)
		nmi_window(v, false);
	if (!vcpu_take_nmi(v))
		return false;
	vmcs_write(ENTRY_INTR_INFO, INTR_INFO_VALID | INTR_TYPE_NMI | 2);
	return true;
}

/* RFLAGS.IF set, no STI or MOV-SS shadow, nothing being injected. */
static bool guest_open(void)
{
	return (vmcs_read(GUEST_RFLAGS) & RFLAGS_IF) &&
	       !(vmcs_read(GUEST_INTERRUPTIBILITY) & BLOCK_STI_MOVSS) &&
	       !event_injecting();
}

/* ---- event injection ------------------------------------------------------ */

static bool inject_available(const struct vmx_caps *c)
{
	return true;
}

static void inject_setup(struct vcpu *v)
{
}

static void inject_deliver(struct vcpu *v)
{
	int vec;

	window(false);
	/* An event injected by this exit's handler, or re-injected, goes first. */
	if (nmi_deliver(v))
		return;
	vec = vcpu_intr_pending(v);
	if (vec < 0)
		return;
	if (guest_open()) {
		vmcs_write(ENTRY_INTR_INFO, INTR_INFO_VALID | INTR_TYPE_EXT | vec);
		vcpu_intr_ack(v, vec);
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

/*
 * x2APIC virtualization and APIC-access virtualization exclude each
 * other. @tpr_watch: a vector waits for TPR to drop, so x2APIC TPR writes
 * must exit.
 */
static void vid_mode(struct vcpu *v, bool x2, bool tpr_watch)
{
	uint32_t p2 = vmcs_read(PROC_CONTROLS2) & ~(PROC2_APIC_ACCESS | PROC2_X2APIC);
	uint64_t bm = v->vm->vendor->msr_bitmap;

	if (x2)
		bm = tpr_watch ? v->vm->vendor->msr_bitmap_x2vid_tpr : v->vm->vendor->msr_bitmap_x2vid;
	p2 |= x2 ? PROC2_X2APIC : PROC2_APIC_ACCESS;
	vmcs_write(PROC_CONTROLS2, p2);
	vmcs_write(MSR_BITMAP, bm);
	vmx(v)->intr_x2 = x2;
	vmx(v)->intr_tpr_watch = tpr_watch;
}

static void vid_setup(struct vcpu *v)
{
	vmcs_write(PROC_CONTROLS, vmcs_read(PROC_CONTROLS) | PROC_TPR_SHADOW);
	vmcs_write(PROC_CONTROLS2, vmcs_read(PROC_CONTROLS2) | PROC2_APIC_REG |
		   PROC2_VID);
	vmcs_write(VIRTUAL_APIC_ADDR, vcpu_apic_page(v));
	vmcs_write(APIC_ACCESS_ADDR, v->vm->vendor->apic_access_page);
	vmcs_write(TPR_THRESHOLD, 0);
	memset(vmx(v)->eoi_bm, 0, sizeof(vmx(v)->eoi_bm));
	for (int i = 0; i < 4; i++)
		vmcs_write(EOI_EXIT_BITMAP0 + 2 * i, 0);
	vid_mode(v, vcpu_apic_x2(v), false);
}

/*
 * No interrupt or NMI window armed, no TPR poll, nothing staged in RVI:
 * the VMCS waits for nothing. @st: the guest interrupt status read.
 */
static bool vid_unarmed(struct vcpu *v, uint64_t *st)
{
	struct vcpu_vendor *x = vmx(v);

	if (x->nmi_window || x->intr_poll ||
	    (vmcs_read(PROC_CONTROLS) & PROC_INTR_WINDOW))
		return false;
	*st = vmcs_read(GUEST_INTR_STATUS);
	return !(*st & 0xff);
}

static void vid_deliver_guarded(struct vcpu *v, bool guard)
{
	struct vcpu_vendor *x = vmx(v);
	struct intr_plan p;
	uint64_t st;
	bool x2;

	/*
	 * Nothing requested, nothing staged, no window armed, the CPU's SVI
	 * right: a plan would write what the VMCS holds (less, at most, an
	 * EOI-exit bit or TPR exit left from a plan with a vector, which
	 * costs one exit and a new plan). Leave it.
	 */
	if (vcpu_apic_x2(v) == x->intr_x2 && vid_unarmed(v, &st) &&
	    vcpu_intr_settled(v, (st >> 8) & 0xff))
		return;
	nmi_deliver(v);
	vcpu_intr_plan(v, guard, guest_open, &p);
	x2 = p.x2;
	if (x2 != vmx(v)->intr_x2 || p.tpr_watch != vmx(v)->intr_tpr_watch)
		vid_mode(v, x2, p.tpr_watch);
	for (int i = 0; i < 4; i++)
		if (p.eoi[i] != vmx(v)->eoi_bm[i]) {
			vmcs_write(EOI_EXIT_BITMAP0 + 2 * i, p.eoi[i]);
			vmx(v)->eoi_bm[i] = p.eoi[i];
		}
	vmcs_write(GUEST_INTR_STATUS, p.rvi | p.svi << 8);
	window(p.window);
	/* xAPIC TPR writes and MOV to CR8 never exit: look again soon. */
	vmx(v)->intr_poll = p.tpr_watch && !x2;
}

static void vid_deliver(struct vcpu *v)
{
	vid_deliver_guarded(v, vid_guard);
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
	vmcs_write(POSTED_INTR_DESC, vcpu_pi_desc(v));
	vcpu_pi_set_nv(v, VEC_POSTED);
	vmx(v)->pi_ndst = ~0u;
}

static void posted_deliver(struct vcpu *v)
{
	uint32_t ndst = vcpu_host_ndst();

	/* Notifications must find the pCPU the vCPU runs on now. */
	if (ndst != vmx(v)->pi_ndst) {
		vcpu_pi_set_ndst(v, ndst);
		vmx(v)->pi_ndst = ndst;
	}
	/* Posting raises RVI while the guest runs: no guard is possible. */
	vid_deliver_guarded(v, false);
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

bool intr_uses_guard(void)
{
	return intr_method == &vid_method;
}

bool intr_vid_guarded(void)
{
	return intr_uses_guard() && vid_guard;
}

void vcpu_deliver_interrupts(struct vcpu *v)
{
	if (!v->lapic)
		return;
	vcpu_intr_sync(v);
	intr_method->deliver(v);
}

/* vendor_intr_quiet(), with the guest interrupt status it read in @st. */
static bool quiet_status(struct vcpu *v, uint64_t *st)
{
	/* Event injection hands each vector over itself: never quiet. */
	if (!v->lapic || intr_method == &inject_method)
		return false;
	return !event_injecting() && vid_unarmed(v, st);
}

bool vendor_intr_quiet(struct vcpu *v)
{
	uint64_t st;

	return quiet_status(v, &st);
}

bool vendor_intr_idle(struct vcpu *v)
{
	uint64_t st;

	/* RVI is the low byte (0 once quiet), SVI the high one. */
	return quiet_status(v, &st) && !(st & 0xff00);
}

void vmx_handle_apic_access(struct vcpu *v)
{
	/* An access the CPU does not virtualize: emulate it on the model. */
	int r = vcpu_emulate_mmio(v, VM_APIC_GPA + (v->exit.qual & 0xfff));

	if (r)
		vm_stop(v->vm, HV_EXIT_GUEST_CRASH,
			"cannot emulate the APIC access at offset %#lx, RIP %#lx (error %d)",
			v->exit.qual & 0xfff, v->exit.rip, r);
}

void vmx_handle_apic_write(struct vcpu *v)
{
	/* Trap-like: the value is in the page already, RIP moved on. */
	vcpu_apic_write(v, v->exit.qual & 0xfff);
}

void vmx_handle_eoi_induced(struct vcpu *v)
{
	vcpu_apic_eoi(v, v->exit.qual & 0xff);
}

uint8_t vendor_notify_vector(void)
{
	return intr_method->notify_vector;
}
