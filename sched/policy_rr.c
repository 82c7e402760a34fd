// SPDX-License-Identifier: GPL-2.0
/*
 * rr: plain round robin. Every entity gets `slice` in turn, weights are
 * ignored, and a woken entity queues at the tail without preempting, so
 * under CPU hogs its wake-up waits about a slice.
 */
#include <stddef.h>
#include <stdint.h>

#include "sched/policy.h"

static bool rr_tick(struct sched_rq *rq, uint64_t now)
{
	return now >= rq->slice_end && rq->nr_queued;
}

/* A yield or a preemption puts it back at the tail: nothing more to do. */
const struct sched_policy sched_rr_policy = {
	.name		= "rr",
	.enqueue	= rq_fifo_enqueue,
	.pick_next	= rq_fifo_pick,
	.wake		= rq_fifo_wake,
	.tick		= rr_tick,
};
