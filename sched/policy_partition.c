// SPDX-License-Identifier: GPL-2.0
/*
 * partition: the static-partitioning baseline. A pCPU holds at most one
 * entity (sched_add() fails with -EBUSY when no allowed pCPU is free), so
 * there is never anyone to switch to, pull or migrate.
 */
#include <stddef.h>
#include <stdint.h>

#include "sched/policy.h"

static void part_enqueue(struct sched_rq *rq, struct sched_entity *se)
{
	rq_append(rq, se);
}

static struct sched_entity *part_pick_next(struct sched_rq *rq)
{
	struct sched_entity *se = rq->head;

	if (se)
		rq_dequeue(rq, se);
	return se;
}

static bool part_wake(struct sched_rq *rq, struct sched_entity *se)
{
	(void)se;
	return !rq->curr || rq->curr->state != VCPU_RUNNING;
}

static bool part_tick(struct sched_rq *rq, uint64_t now)
{
	(void)rq;
	(void)now;
	return false;
}

const struct sched_policy sched_partition_policy = {
	.name		= "partition",
	.exclusive	= true,
	.enqueue	= part_enqueue,
	.pick_next	= part_pick_next,
	.wake		= part_wake,
	.tick		= part_tick,
};
