// SPDX-License-Identifier: GPL-2.0
/*
 * Software timers: one list per pCPU sorted by deadline, each with its
 * own lock. Callbacks run with that lock dropped, so they may arm or
 * cancel timers (their own included) and wake vCPUs.
 *
 * A timer belongs to one owner at a time: arming and cancelling the same
 * timer from two CPUs at once is the caller's race to avoid. Timers start
 * zeroed, with fn and data set.
 */
#include <stddef.h>
#include <stdint.h>

#include "sched/sched.h"
#include "sched/timer.h"

struct timer_list {
	spinlock_t lock;
	struct sw_timer *head;
};

static struct timer_list lists[SCHED_MAX_CPUS];
static uint32_t timer_ncpus;

void timer_init(uint32_t n_cpus)
{
	uint32_t i;

	if (n_cpus > SCHED_MAX_CPUS)
		n_cpus = SCHED_MAX_CPUS;
	for (i = 0; i < SCHED_MAX_CPUS; i++) {
		spin_lock_init(&lists[i].lock, LOCK_TIMER);
		lists[i].head = NULL;
	}
	timer_ncpus = n_cpus;
}

/* With the list locked: take @t off it if it is there. */
static void unlink_locked(struct timer_list *l, struct sw_timer *t)
{
	struct sw_timer **pp;

	for (pp = &l->head; *pp; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	}
	t->next = NULL;
	t->armed = false;
}

void timer_cancel(struct sw_timer *t)
{
	struct timer_list *l;

	if (!t->armed || t->cpu >= timer_ncpus)
		return;
	l = &lists[t->cpu];
	spin_lock(&l->lock);
	if (t->armed)
		unlink_locked(l, t);
	spin_unlock(&l->lock);
}

void timer_arm(struct sw_timer *t, uint32_t cpu, uint64_t deadline)
{
	struct timer_list *l;
	struct sw_timer **pp;

	if (cpu >= timer_ncpus)
		return;
	timer_cancel(t);
	l = &lists[cpu];
	spin_lock(&l->lock);
	/* After the equal deadlines: timers due together run in arming order. */
	for (pp = &l->head; *pp && (*pp)->deadline <= deadline; pp = &(*pp)->next)
		;
	t->deadline = deadline;
	t->cpu = cpu;
	t->next = *pp;
	*pp = t;
	t->armed = true;
	spin_unlock(&l->lock);
}

uint64_t timer_next(uint32_t cpu)
{
	struct timer_list *l;
	uint64_t d;

	if (cpu >= timer_ncpus)
		return UINT64_MAX;
	l = &lists[cpu];
	spin_lock(&l->lock);
	d = l->head ? l->head->deadline : UINT64_MAX;
	spin_unlock(&l->lock);
	return d;
}

int timer_run(uint32_t cpu, uint64_t now)
{
	struct timer_list *l;
	struct sw_timer *t;
	int budget = 0, ran = 0;

	if (cpu >= timer_ncpus)
		return 0;
	l = &lists[cpu];
	spin_lock(&l->lock);
	for (t = l->head; t && t->deadline <= now; t = t->next)
		budget++;
	/*
	 * Run at most the timers that were due on entry: a callback that
	 * re-arms itself at or before @now waits for the next call instead
	 * of looping here forever.
	 */
	while (ran < budget) {
		t = l->head;
		if (!t || t->deadline > now)
			break;
		l->head = t->next;
		t->next = NULL;
		t->armed = false;
		spin_unlock(&l->lock);
		t->fn(t, now);
		ran++;
		spin_lock(&l->lock);
	}
	spin_unlock(&l->lock);
	return ran;
}
