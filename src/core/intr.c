// SPDX-License-Identifier: GPL-2.0
/*
 * The vendor's window on a vCPU's vLAPIC (intr.h): thin calls into the
 * model, and the plan that decides which vector may be delivered and
 * which exits are needed when none can.
 */
#include <string.h>
#include "dev/pi.h"
#include "dev/vlapic.h"
#include "src/core/intr.h"
#include "src/core/vcpu.h"
#include "src/core/vmirq.h"

/* Vectors in service, as EOI-exit bits: the guest's next EOI may unblock. */
static void isr_bits(const struct vlapic *vl, uint64_t bm[4])
{
	for (int i = 0; i < 4; i++)
		bm[i] |= vlapic_reg_peek(vl, VAPIC_ISR + 2 * i * 0x10) |
			 (uint64_t)vlapic_reg_peek(vl, VAPIC_ISR +
						   (2 * i + 1) * 0x10) << 32;
}

/*
 * Is anything below @first in IRR? Word by word: this runs before every
 * entry, and under an emulator every instruction here is guest time.
 */
static bool irr_below(const struct vlapic *vl, int first)
{
	int word = first >> 5;
	uint32_t w = vlapic_reg_peek(vl, VAPIC_IRR + word * 0x10) &
		     ((1u << (first & 31)) - 1);

	while (!w && word > 0)
		w = vlapic_reg_peek(vl, VAPIC_IRR + --word * 0x10);
	return w != 0;
}

void vcpu_intr_plan(struct vcpu *v, bool guard, bool (*open)(void),
		    struct intr_plan *p)
{
	const struct vlapic *vl = v->lapic;
	int vec = vlapic_highest_irr(vl);
	int isr = vlapic_highest_isr(vl);
	uint32_t ppr = vlapic_ppr_of(vl, isr) & 0xf0;
	uint32_t cls;

	p->x2 = vlapic_x2apic(vl);
	vlapic_eoi_exit_bitmap(vl, p->eoi);
	p->svi = isr < 0 ? 0 : isr;
	p->rvi = 0;
	p->window = p->tpr_watch = false;
	if (vec < 0)
		return;
	if (!guard) {
		/* The architectural scheme: the CPU waits for IF itself. */
		p->rvi = vec;
		return;
	}
	cls = (uint32_t)vec & 0xf0;
	if (cls <= ppr) {
		/* Held back by priority: exit when that may change. */
		if (isr >= 0 && cls <= ((uint32_t)isr & 0xf0))
			isr_bits(vl, p->eoi);
		if (cls <= (vlapic_reg_peek(vl, VAPIC_TPR) & 0xf0))
			p->tpr_watch = true;
		return;
	}
	if (!open()) {
		p->window = true;
		return;
	}
	/* Delivered at the first instruction; RVI then holds the next one. */
	p->rvi = vec;
	if (irr_below(vl, vec)) {
		p->eoi[vec >> 6] |= 1ULL << (vec & 63);
		isr_bits(vl, p->eoi);
	}
}

void vcpu_intr_sync(struct vcpu *v)
{
	vmirq_vcpu_pre_entry(v);
	vlapic_take_pir(v->lapic);
}

bool vcpu_intr_settled(struct vcpu *v, int svi)
{
	const struct vlapic *vl = v->lapic;
	int isr;

	if (vlapic_highest_irr(vl) >= 0 || vlapic_nmi_pending(vl))
		return false;
	isr = vlapic_highest_isr(vl);
	return (isr < 0 ? 0 : isr) == svi;
}

bool vcpu_intr_quiet(struct vcpu *v)
{
	if (!v->lapic)
		return true;
	return !pi_test_on(&v->lapic->pi) && !vlapic_nmi_pending(v->lapic) &&
	       !__atomic_load_n(&v->lapic_timer_due, __ATOMIC_ACQUIRE) &&
	       !__atomic_load_n(&v->init_pending, __ATOMIC_ACQUIRE);
}

int vcpu_intr_pending(struct vcpu *v)
{
	return vlapic_pending_vector(v->lapic);
}

void vcpu_intr_ack(struct vcpu *v, uint8_t vec)
{
	vlapic_ack(v->lapic, vec);
}

bool vcpu_interrupt_pending(struct vcpu *v)
{
	if (!v->lapic)
		return false;
	vcpu_intr_sync(v);
	return vlapic_pending_vector(v->lapic) >= 0 ||
	       pi_test_on(&v->lapic->pi);
}

bool vcpu_nmi_pending(struct vcpu *v)
{
	return vlapic_nmi_pending(v->lapic);
}

bool vcpu_take_nmi(struct vcpu *v)
{
	return vlapic_take_nmi(v->lapic);
}

bool vcpu_apic_x2(struct vcpu *v)
{
	return vlapic_x2apic(v->lapic);
}

uint64_t vcpu_apic_page(struct vcpu *v)
{
	return (uint64_t)v->lapic->regs;
}

void vcpu_apic_write(struct vcpu *v, uint32_t off)
{
	vlapic_apic_write(v->lapic, off);
}

void vcpu_apic_eoi(struct vcpu *v, uint8_t vec)
{
	vlapic_eoi_exit(v->lapic, vec);
}

uint64_t vcpu_pi_desc(struct vcpu *v)
{
	return (uint64_t)&v->lapic->pi;
}

void vcpu_pi_set_nv(struct vcpu *v, uint8_t nv)
{
	pi_set_nv(&v->lapic->pi, nv);
}

void vcpu_pi_set_ndst(struct vcpu *v, uint32_t ndst)
{
	pi_set_ndst(&v->lapic->pi, ndst);
}
