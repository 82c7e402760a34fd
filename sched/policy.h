/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the scheduler: the per-pCPU run queue and the ops table each
 * policy fills. Only the files in sched/ include this.
 *
 * Locking: rq->lock guards the queue, rq->curr, the rq's scalars and every
 * entity whose se->cpu is this rq. se->cpu changes only with both the old
 * and the new rq locked; two rq locks are always taken in CPU order.
 * Policy ops run with rq->lock held and never take another lock.
 */
#ifndef HV_SCHED_POLICY_H
#define HV_SCHED_POLICY_H

#include <stdbool.h>
#include <stdint.h>
#include "sched/sched.h"

struct sched_rq {
	spinlock_t lock;
	uint32_t cpu;
	struct sched_entity *head, *tail;	/* runnable, not running */
	struct sched_entity *curr;	/* switched in by the last pick */
	struct sched_entity *skip;	/* yielded: pass over it once */
	struct sched_entity *next;	/* interrupted: runs next, briefly */
	struct sched_entity *after;	/* interrupted too: runs after next */
	uint32_t nr_queued;		/* entities on head..tail */
	uint32_t nr_assigned;		/* entities with se->cpu here, not STOPPED */
	uint64_t min_vruntime;		/* fair: monotonic floor of the queue */
	uint64_t slice_end;		/* TSC the current slice ends */
	uint64_t slice_began;		/* TSC it began (a long one: its first) */
	uint64_t irq_until;		/* curr takes an interrupt: no boost before */
	bool irq_stretched;		/* irq_until moved to the window once */
	uint32_t guard_seq;		/* bumped by each new irq_until guard */
	struct sched_entity *swap;	/* curr, cut by irq_steal(): leaves */
	uint32_t swap_cpu;		/* ...for this queue at the next pick */
	uint64_t next_balance;		/* TSC of the next periodic balance */
	bool need_resched;
	bool yielded;			/* curr gave up its slice */
};

struct sched_policy {
	const char *name;
	/* One entity per pCPU at most; no pulls, no migration. */
	bool exclusive;
	/* A new entity joins @rq: set up its policy state. */
	void (*add)(struct sched_rq *rq, struct sched_entity *se);
	/* Put runnable @se on @rq's queue where the policy wants it. */
	void (*enqueue)(struct sched_rq *rq, struct sched_entity *se);
	/* Take the entity that runs next off the queue, or NULL. */
	struct sched_entity *(*pick_next)(struct sched_rq *rq);
	/* @ran TSC ticks of running, exact, for @se (curr of @rq). */
	void (*charge)(struct sched_rq *rq, struct sched_entity *se,
		       uint64_t ran);
	/*
	 * @se (not queued yet) wakes up on @rq, whose curr is charged up to
	 * now. Place it; true when it should preempt rq->curr.
	 */
	bool (*wake)(struct sched_rq *rq, struct sched_entity *se);
	/*
	 * @se has an interrupt to take: may it run for a short slice ahead
	 * of @other? @se queued, @other the running rq->curr: @se preempts
	 * it. @se running, @other the head of the queue: @se's slice does not
	 * end before the short one. Both charged up to now. NULL: it waits
	 * its turn.
	 */
	bool (*interrupt)(struct sched_rq *rq, struct sched_entity *se,
			  struct sched_entity *other);
	/* @se, curr of @rq, blocks. */
	void (*block)(struct sched_rq *rq, struct sched_entity *se);
	/* @se, curr of @rq, gives up the rest of its slice. */
	void (*yield)(struct sched_rq *rq, struct sched_entity *se);
	/* Slice timer on @rq, curr charged: true when curr must make way. */
	bool (*tick)(struct sched_rq *rq, uint64_t now);
	/* Runnable @se leaves @from's queue for @to's (idle pull). */
	void (*migrate)(struct sched_rq *from, struct sched_rq *to,
			struct sched_entity *se);
};

extern const struct sched_policy sched_fair_policy;
extern const struct sched_policy sched_rr_policy;
extern const struct sched_policy sched_partition_policy;

/* The parameters sched_init() was given. */
extern struct sched_params sched_p;

/* Queue primitives for the policies (rq->lock held). */
void rq_insert_before(struct sched_rq *rq, struct sched_entity *pos,
		      struct sched_entity *se);
void rq_dequeue(struct sched_rq *rq, struct sched_entity *se);

static inline void rq_append(struct sched_rq *rq, struct sched_entity *se)
{
	rq_insert_before(rq, NULL, se);
}

/*
 * A plain FIFO, for the policies that keep no order of their own (rr,
 * partition): queue at the tail, run the head, and take a woken entity at
 * once only when the pCPU runs nothing else.
 */
void rq_fifo_enqueue(struct sched_rq *rq, struct sched_entity *se);
struct sched_entity *rq_fifo_pick(struct sched_rq *rq);
bool rq_fifo_wake(struct sched_rq *rq, struct sched_entity *se);

/* Virtual times wrap; compare them through the signed difference. */
static inline bool vr_before(uint64_t a, uint64_t b)
{
	return (int64_t)(a - b) < 0;
}

/* How long an entity run early for an interrupt (rq->next) keeps the pCPU. */
static inline uint64_t sched_boost_slice(void)
{
	return sched_p.boost ? sched_p.boost : sched_p.latency / 4;
}

/* stats.c */
void sched_hist_add(uint32_t *hist, uint64_t ticks);

#endif
