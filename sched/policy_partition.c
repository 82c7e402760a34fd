// SPDX-License-Identifier: GPL-2.0
/*
 * partition: the static-partitioning baseline. A pCPU holds at most one
 * entity (sched_add() fails with -EBUSY when no allowed pCPU is free), so
 * there is never anyone to switch to, pull or migrate.
 */
#include <stddef.h>
#include <stdint.h>

#include "sched/policy.h"

static bool part_tick(struct sched_rq *rq, uint64_t now)
{
	(void)rq;
	(void)now;
	return false;
}

const struct sched_policy sched_partition_policy = {
	.name		= "partition",
	.exclusive	= true,
	.enqueue	= rq_fifo_enqueue,
	.pick_next	= rq_fifo_pick,
	.wake		= rq_fifo_wake,
	.tick		= part_tick,
};
