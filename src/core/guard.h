/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guard watch: the pCPU loop's half of an interrupt guard (sched/).
 * While a vCPU takes an interrupt, nobody cuts it until its guard ends,
 * a fixed time (an early run's length) since the scheduler cannot see
 * the guest. The loop can: when another vCPU waits for that guard and
 * the guest is back in the user thread the interrupt found it in, with
 * nothing in service or pending, it is done, and the guard ends there.
 */
#ifndef HV_CORE_GUARD_H
#define HV_CORE_GUARD_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;

/* How often the loop looks, once the guest has re-armed its timer. */
#define GUARD_POLL_US	20
/* Looks after a timer write that go on whatever thread the vCPU is in. */
#define GUARD_LOOKS_ANY	2

struct guard_watch {
	uint32_t seq;		/* sched_guard()'s number of the guard, 0: none */
	bool user;		/* the guard found the vCPU in user mode, */
	uint64_t cr3, fs_base;	/* in this thread: where "done" returns to */
	uint64_t poll_at;	/* TSC of the next look, 0: none armed */
	uint32_t since_write;	/* looks since the guest's last timer write */
	uint64_t polls;		/* looks taken */
	uint64_t ends;		/* guards ended by a look */
};

/* Watch guards (hvisor.ini guard_watch), or not: off by default. */
void guard_watch_enable(bool on);
/*
 * Before each entry of @v on @cpu: note a new guard (the vCPU's state now
 * is where its interrupt found it) and return when to look next, or
 * UINT64_MAX.
 */
uint64_t guard_watch_next(struct vcpu *v, uint32_t cpu, uint64_t now);
/*
 * @v wrote its timer deadline (Linux does as its timer handler ends, and
 * as a thread goes back to sleep): the looks begin GUARD_POLL_US later.
 */
void guard_watch_wrote(struct vcpu *v, uint64_t now);
/*
 * The look armed by guard_watch_next() is due: true when it ended the
 * guard (the pCPU must pick again), false to re-enter @v.
 */
bool guard_watch_poll(struct vcpu *v, uint32_t cpu, uint64_t now);

#endif
