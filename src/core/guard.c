// SPDX-License-Identifier: GPL-2.0
/*
 * The guard watch (guard.h). Measured before it on the 2:1 Linux rig
 * (docs/BENCHMARKS.md): a guest timer interrupt took Linux 60 to 150 us,
 * a guard 250 us; two vCPUs of a pCPU take their ticks together, so at
 * every tick the second waited out the first's whole guard.
 *
 * "Back where the interrupt found it" is the same user thread (CR3 less
 * its PCID bits, FS base): a thread the interrupt woke runs in user mode
 * too, and ending the guard before it had run would cut it off. A guard
 * that found the vCPU in its kernel, or one whose interrupt never
 * re-arms the timer (an IPI), runs its full length, as before.
 *
 * A look is an exit: guest time (under Bochs, every instruction of it)
 * taken from the vCPU being watched. So looks begin only after the
 * guest re-armed its timer (the end of Linux's timer handler) and only
 * while another waits; and while the vCPU runs another thread (the one
 * its interrupt woke, in its kernel for 60-80 us) they stop after
 * GUARD_LOOKS_ANY, until its next timer write: that thread re-arms its
 * timer as it goes back to sleep. Looking every 20 us all along, the
 * looks that found a woken cyclictest thread in its kernel outnumbered
 * all others (docs/BENCHMARK-LOG.md).
 */
#include "src/arch/tsc.h"
#include "src/core/guard.h"
#include "src/core/intr.h"
#include "src/core/vcpu.h"
#include "src/core/vendor.h"

#define CR3_PCID	0xfffULL

static bool watch_on;

void guard_watch_enable(bool on)
{
	watch_on = on;
}

/* The next look, GUARD_POLL_US from @now. */
static uint64_t look_after(uint64_t now)
{
	return now + GUARD_POLL_US * tsc_khz / 1000;
}

/* @same_thread: @v's FS base is the one the guard found. */
static bool back_where_found(struct vcpu *v, const struct guard_watch *w,
			     bool same_thread)
{
	return same_thread && vcpu_get_reg(v, VCPU_CPL) == 3 &&
	       (vcpu_get_reg(v, VCPU_CR3) & ~CR3_PCID) == w->cr3 &&
	       vcpu_intr_quiet(v) && vendor_intr_idle(v);
}

uint64_t guard_watch_next(struct vcpu *v, uint32_t cpu, uint64_t now)
{
	struct guard_watch *w = &v->guard;
	bool waited;
	uint32_t g;

	if (!watch_on)
		return UINT64_MAX;
	g = sched_guard(cpu, now, &waited);
	if (g != w->seq) {
		w->seq = g;
		w->poll_at = 0;
		w->since_write = 0;
		w->user = g && vcpu_get_reg(v, VCPU_CPL) == 3;
		if (w->user) {
			w->cr3 = vcpu_get_reg(v, VCPU_CR3) & ~CR3_PCID;
			w->fs_base = vcpu_get_reg(v, VCPU_FS_BASE);
		}
	}
	if (!w->user || !w->poll_at || !waited)
		return UINT64_MAX;
	return w->poll_at > now ? w->poll_at : now;
}

void guard_watch_wrote(struct vcpu *v, uint64_t now)
{
	struct guard_watch *w = &v->guard;

	if (w->seq && w->user) {
		w->poll_at = look_after(now);
		w->since_write = 0;
	}
}

bool guard_watch_poll(struct vcpu *v, uint32_t cpu, uint64_t now)
{
	struct guard_watch *w = &v->guard;
	bool waited, same_thread;

	w->polls++;
	if (sched_guard(cpu, now, &waited) != w->seq) {
		w->poll_at = 0;		/* over, or a new one: noted at entry */
		return false;
	}
	same_thread = vcpu_get_reg(v, VCPU_FS_BASE) == w->fs_base;
	if (waited && back_where_found(v, w, same_thread) &&
	    sched_irq_done(&v->se, now)) {
		w->poll_at = 0;
		w->ends++;
		return true;
	}
	/* In another thread: look again once that one re-arms its timer. */
	if (++w->since_write >= GUARD_LOOKS_ANY && !same_thread)
		w->poll_at = 0;
	else
		w->poll_at = look_after(now);
	return false;
}
