// SPDX-License-Identifier: GPL-2.0
/*
 * fair: weighted virtual time, in the spirit of BVT and credit2.
 *
 * Each entity's vruntime grows by ran * 256 / weight for every TSC tick it
 * runs, charged exactly (the remainder is carried, so short runs of heavy
 * entities are not free). The queue is sorted by vruntime and the lowest
 * runs next, for one slice at most.
 *
 * A waking entity is placed at max(own vruntime, min_vruntime - latency):
 * a sleeper keeps at most `latency` of lag credit, whatever it slept. When
 * that leaves it more than latency / 4 behind the running entity it
 * preempts at once, so a vCPU that uses less than its share runs within
 * the latency bound of its wake-up instead of a slice later. (A wake-up
 * is an interrupt too: sched.c first gives it an early run as below, and
 * this rule decides only where the cap refuses that.)
 *
 * A vCPU that is runnable but waits (it was preempted) and gets an
 * interrupt runs at once for a short slice, and a running one that gets
 * one keeps its pCPU for at least that long, unless it is already a slice
 * plus `latency` ahead of the other: a busy vCPU still takes its timer
 * or IPI, and runs what it wakes, promptly; as its run is charged like
 * any other, fairness only moves in time. The cap keeps a vCPU that floods itself
 * with interrupts from running more than its share; it is above a
 * slice, since a vCPU that just ran a whole slice is that far ahead of
 * the one that runs now.
 */
#include <stddef.h>
#include <stdint.h>

#include "sched/policy.h"

#define FAIR_UNIT_WEIGHT	256

/* Lag credit a waking entity may keep, in vruntime. */
static uint64_t fair_credit(void)
{
	return sched_p.latency;
}

/* How far behind the running entity a wakee must be to preempt it. */
static uint64_t fair_wake_gran(void)
{
	return sched_p.latency / 4;
}

/* min_vruntime follows the smallest runnable vruntime, never back. */
static void fair_update_min(struct sched_rq *rq, struct sched_entity *run)
{
	struct sched_entity *low = run;

	if (rq->head && (!low || vr_before(rq->head->vruntime, low->vruntime)))
		low = rq->head;
	if (low && vr_before(rq->min_vruntime, low->vruntime))
		rq->min_vruntime = low->vruntime;
}

static void fair_add(struct sched_rq *rq, struct sched_entity *se)
{
	/* A newcomer starts level with the queue: no credit, no debt. */
	se->vruntime = rq->min_vruntime;
	se->vrem = 0;
}

static void fair_enqueue(struct sched_rq *rq, struct sched_entity *se)
{
	struct sched_entity *pos;

	/* After the equal ones: a tie goes to whoever waited. */
	for (pos = rq->head; pos; pos = pos->rq_next)
		if (vr_before(se->vruntime, pos->vruntime))
			break;
	rq_insert_before(rq, pos, se);
}

static struct sched_entity *fair_pick_next(struct sched_rq *rq)
{
	struct sched_entity *se = rq->head;

	/* A yield passes its turn once, if anyone else can use it. */
	if (rq->next)
		se = rq->next;
	else if (se && se == rq->skip && se->rq_next)
		se = se->rq_next;
	if (se) {
		rq_dequeue(rq, se);
		fair_update_min(rq, se);
	}
	return se;
}

static void fair_charge(struct sched_rq *rq, struct sched_entity *se,
			uint64_t ran)
{
	uint64_t w = se->weight, num;

	/* ran * 256 / w, exact over time and without overflow. */
	se->vruntime += ran / w * FAIR_UNIT_WEIGHT;
	num = ran % w * FAIR_UNIT_WEIGHT + se->vrem;
	se->vruntime += num / w;
	se->vrem = num % w;
	if (se == rq->curr)
		fair_update_min(rq, se);
}

static bool fair_wake(struct sched_rq *rq, struct sched_entity *se)
{
	struct sched_entity *curr = rq->curr;
	uint64_t floor = rq->min_vruntime - fair_credit();

	if (vr_before(se->vruntime, floor))
		se->vruntime = floor;
	if (!curr || curr->state != VCPU_RUNNING)
		return true;
	return vr_before(se->vruntime + fair_wake_gran(), curr->vruntime);
}

static bool fair_interrupt(struct sched_rq *rq, struct sched_entity *se,
			   struct sched_entity *other)
{
	return vr_before(se->vruntime,
			 other->vruntime + sched_p.slice + fair_credit());
}

static void fair_block(struct sched_rq *rq, struct sched_entity *se)
{
	(void)se;
	/* Only the queue is runnable now. */
	fair_update_min(rq, NULL);
}

static void fair_yield(struct sched_rq *rq, struct sched_entity *se)
{
	/*
	 * Its time is already charged; all a yield buys is that the next
	 * pick passes it over once. Nothing is credited back.
	 */
	rq->skip = se;
}

static bool fair_tick(struct sched_rq *rq, uint64_t now)
{
	return now >= rq->slice_end && rq->nr_queued;
}

static void fair_migrate(struct sched_rq *from, struct sched_rq *to,
			 struct sched_entity *se)
{
	/* Keep its lag relative to the queue it joins. */
	se->vruntime = se->vruntime - from->min_vruntime + to->min_vruntime;
}

const struct sched_policy sched_fair_policy = {
	.name		= "fair",
	.add		= fair_add,
	.enqueue	= fair_enqueue,
	.pick_next	= fair_pick_next,
	.charge		= fair_charge,
	.wake		= fair_wake,
	.interrupt	= fair_interrupt,
	.block		= fair_block,
	.yield		= fair_yield,
	.tick		= fair_tick,
	.migrate	= fair_migrate,
};
