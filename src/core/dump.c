// SPDX-License-Identifier: GPL-2.0
/* Per-vCPU exit records and dumps (see dump.h). */
#include "mm/gpt.h"
#include "src/arch/cpu.h"
#include "src/arch/lapic.h"
#include "src/arch/x86.h"
#include "src/arch/tsc.h"
#include "src/arch/percpu.h"
#include "src/arch/printk.h"
#include "src/core/dump.h"
#include "src/core/mmio.h"
#include "src/core/vcpu.h"
#include "src/core/vendor.h"
#include "src/core/vm.h"

#define STACK_WORDS	24

static const char *const state_names[] = {
	[VCPU_RUNNING] = "running", [VCPU_RUNNABLE] = "runnable",
	[VCPU_BLOCKED] = "blocked", [VCPU_STOPPED] = "stopped",
};

void vcpu_trace_exit(struct vcpu *v)
{
	struct exit_rec *r = &v->ring[v->ring_pos++ % EXIT_RING];

	r->tsc = v->exit.tsc;
	r->reason = v->exit.reason;
	r->rip = v->exit.rip;
	vendor_trace_exit(v, r);	/* RSP, RFLAGS and interrupt state */
	/* Taken since the entry (no longer in IRR): the wait starts over. */
	if (v->pending_vec >= 0 && v->lapic &&
	    !(vlapic_reg_peek(v->lapic, VAPIC_IRR + (v->pending_vec >> 5) * 0x10) &
	      (1u << (v->pending_vec & 31))))
		v->pending_vec = -1;
}

/* The words at the guest's RSP, through its page tables. */
static void dump_stack(struct vcpu *v)
{
	struct gpt_ctx g;
	bool lm;
	unsigned int size;
	uint64_t sp = vcpu_get_reg(v, VCPU_SS_BASE) + vcpu_get_reg(v, VCPU_RSP);
	uint8_t buf[STACK_WORDS * 8];
	uint32_t err;

	vcpu_guest_walker(v, &g);
	lm = g.efer & GPT_EFER_LMA;
	size = lm ? 8 : 4;
	if (!lm)
		sp = (uint32_t)sp;
	if (gpt_read_virt(&g, sp, buf, STACK_WORDS * size, 0, &err, NULL)) {
		pr_info("vcpu-dump %s: stack at %#lx unreadable (#PF error %#x)\n",
			v->name, sp, err);
		return;
	}
	for (unsigned int i = 0; i < STACK_WORDS; i += 4) {
		uint64_t w[4] = { 0 };

		for (unsigned int j = 0; j < 4; j++)
			for (unsigned int b = 0; b < size; b++)
				w[j] |= (uint64_t)buf[(i + j) * size + b] << (8 * b);
		pr_info("vcpu-dump %s: stack %#lx: %016lx %016lx %016lx %016lx\n",
			v->name, sp + i * size, w[0], w[1], w[2], w[3]);
	}
}

static void dump_lapic(struct vcpu *v)
{
	const struct vlapic *vl = v->lapic;
	uint32_t irr[8], isr[8];

	if (!vl)
		return;
	for (int i = 0; i < 8; i++) {
		irr[i] = vlapic_reg_peek(vl, VAPIC_IRR + i * 0x10);
		isr[i] = vlapic_reg_peek(vl, VAPIC_ISR + i * 0x10);
	}
	pr_info("vcpu-dump %s: lapic %s TPR %#x PPR %#x IRR %08x%08x%08x%08x%08x%08x%08x%08x ISR %08x%08x%08x%08x%08x%08x%08x%08x ON %d NMI %d\n",
		v->name, vlapic_x2apic(vl) ? "x2apic" : "xapic",
		vlapic_reg_peek(vl, VAPIC_TPR), vlapic_ppr(vl),
		irr[7], irr[6], irr[5], irr[4], irr[3], irr[2], irr[1], irr[0],
		isr[7], isr[6], isr[5], isr[4], isr[3], isr[2], isr[1], isr[0],
		pi_test_on(&vl->pi), vlapic_nmi_pending(vl));
}

void vcpu_dump(struct vcpu *v, bool live, const char *why)
{
	uint64_t now = rdtsc();
	unsigned int n = v->ring_pos < EXIT_RING ? v->ring_pos : EXIT_RING;

	pr_info("vcpu-dump %s: %s: %s on pCPU %u, %lu exits, %lu re-injected, parked %d, now %#lx\n",
		v->name, why, state_names[v->se.state], v->se.cpu, v->nr_exits,
		v->nr_reinjected, vcpu_parked(v), now);
	dump_lapic(v);
	vendor_dump(v, live);
	/* Oldest first; ages in microseconds before now. */
	for (unsigned int i = 0; i < n; i++) {
		const struct exit_rec *r =
			&v->ring[(v->ring_pos - n + i) % EXIT_RING];

		pr_info("vcpu-dump %s: exit -%lu us %-22s RIP %#lx RSP %#lx RFLAGS %#lx intr %#x rvi %#x svi %#x idt %#x\n",
			v->name, (now - r->tsc) * 1000 / tsc_khz,
			vendor_exit_name(r->reason), r->rip, r->rsp, r->rflags,
			r->intr_state, r->intr_status & 0xff,
			r->intr_status >> 8, r->idt_info);
	}
	if (live)
		dump_stack(v);
}

void vcpu_request_dump(struct vcpu *v, const char *why)
{
	uint32_t cpu;

	if (v->se.state == VCPU_RUNNING || v->se.state == VCPU_RUNNABLE) {
		v->dump_why = why;
		__atomic_store_n(&v->dump_req, true, __ATOMIC_RELEASE);
		cpu = __atomic_load_n(&v->se.cpu, __ATOMIC_RELAXED);
		if (cpu != this_cpu()->id)
			lapic_send_ipi(cpus[cpu].apic_id, VEC_RESCHED);
		return;
	}
	vcpu_dump(v, false, why);
}

void vcpu_serve_dump(struct vcpu *v)
{
	if (__atomic_exchange_n(&v->dump_req, false, __ATOMIC_ACQ_REL))
		vcpu_dump(v, true, v->dump_why);
}

void vcpu_watch_pending(struct vcpu *v, uint64_t now)
{
	int vec;

	if (!v->lapic || v->pending_dumped)
		return;
	vec = vlapic_highest_irr(v->lapic);
	if (vec < 0 || vec != v->pending_vec) {
		v->pending_vec = vec;
		v->pending_since = now;
		return;
	}
	if (now - v->pending_since < tsc_khz * PENDING_WATCH_MS)
		return;
	v->pending_dumped = true;
	pr_warn("hvisor: guest '%s': vCPU %u has had vector %#x pending for over 1 s without taking it\n",
		v->vm->name, v->id, vec);
	vcpu_dump(v, true, "interrupt pending for 1 s");
}
