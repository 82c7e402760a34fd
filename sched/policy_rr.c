// SPDX-License-Identifier: GPL-2.0
/*
 * rr: plain round robin. Every entity gets `slice` in turn, weights are
 * ignored, and a woken entity queues at the tail without preempting, so
 * under CPU hogs its wake-up waits about a slice.
 */
#include <stddef.h>
#include <stdint.h>

#include "sched/policy.h"

static void rr_enqueue(struct sched_rq *rq, struct sched_entity *se)
{
	rq_append(rq, se);
}

static struct sched_entity *rr_pick_next(struct sched_rq *rq)
{
	struct sched_entity *se = rq->head;

	if (se)
		rq_dequeue(rq, se);
	return se;
}

static bool rr_wake(struct sched_rq *rq, struct sched_entity *se)
{
	(void)se;
	/* Only an idle (or just blocked) CPU takes it at once. */
	return !rq->curr || rq->curr->state != VCPU_RUNNING;
}

static bool rr_tick(struct sched_rq *rq, uint64_t now)
{
	return now >= rq->slice_end && rq->nr_queued;
}

/* A yield or a preemption puts it back at the tail: nothing more to do. */
const struct sched_policy sched_rr_policy = {
	.name		= "rr",
	.enqueue	= rr_enqueue,
	.pick_next	= rr_pick_next,
	.wake		= rr_wake,
	.tick		= rr_tick,
};
