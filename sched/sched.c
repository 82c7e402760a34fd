// SPDX-License-Identifier: GPL-2.0
/*
 * The scheduler core: per-pCPU run queues, vCPU states, exact TSC
 * accounting, pick/block/wake/yield/tick and the idle pull. Where an
 * entity goes in a queue and who runs next is the policy's business
 * (policy_*.c); this file keeps states, locks and statistics.
 *
 * Time is charged from the TSC at every state change and at every slice
 * tick, so no entity can hide run time between two samples.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sched/policy.h"
#include "sched/timer.h"
#include "sched/trace.h"

#define NO_CPU	UINT32_MAX
/* Periodic balancing runs on a pCPU once per this many slices. */
#define BALANCE_SLICES	4
/*
 * A running entity's slice while nobody waits for its pCPU, in slices:
 * long, since at 1:1 each renewal is an exit for nothing. A queue that
 * needs this pCPU to pull from it cuts it short (periodic_balance()).
 */
#define IDLE_QUEUE_SLICES	32

struct sched_params sched_p;
static const struct sched_arch *arch;
static const struct sched_policy *pol;
/* Bumped by each policy switch: an entity from before is set up anew. */
static uint32_t pol_gen;
static struct sched_rq rqs[SCHED_MAX_CPUS];
static uint64_t cpu_mask;		/* the pCPUs that exist */

const char *sched_policy_name(enum sched_policy_id id)
{
	switch (id) {
	case SCHED_FAIR:
		return "fair";
	case SCHED_RR:
		return "rr";
	case SCHED_PARTITION:
		return "partition";
	}
	return "?";
}

const char *sched_current_policy(void)
{
	return sched_policy_name(sched_p.policy);
}

static const struct sched_policy *policy_for(enum sched_policy_id id)
{
	switch (id) {
	case SCHED_FAIR:
		return &sched_fair_policy;
	case SCHED_RR:
		return &sched_rr_policy;
	case SCHED_PARTITION:
		return &sched_partition_policy;
	default:
		return NULL;
	}
}

int sched_init(const struct sched_params *p, const struct sched_arch *a)
{
	const struct sched_policy *np;
	uint32_t i;

	if (!p || !a || !a->kick || !a->this_cpu)
		return -EINVAL;
	if (!p->n_cpus || p->n_cpus > SCHED_MAX_CPUS || !p->tsc_khz ||
	    !p->slice || !p->latency || p->boost > p->latency)
		return -EINVAL;
	np = policy_for(p->policy);
	if (!np)
		return -EINVAL;
	sched_p = *p;
	arch = a;
	pol = np;
	pol_gen = 0;
	memset(rqs, 0, sizeof(rqs));
	for (i = 0; i < SCHED_MAX_CPUS; i++) {
		rqs[i].cpu = i;
		spin_lock_init(&rqs[i].lock, LOCK_RQ);
	}
	cpu_mask = p->n_cpus >= 64 ? ~0ULL : (1ULL << p->n_cpus) - 1;
	return 0;
}

/* ---- queues and locks ---------------------------------------------------- */

/* Counters other CPUs read without the lock, as hints. */
static inline void set_count(uint32_t *c, uint32_t v)
{
	__atomic_store_n(c, v, __ATOMIC_RELAXED);
}

void rq_insert_before(struct sched_rq *rq, struct sched_entity *pos,
		      struct sched_entity *se)
{
	se->rq_next = pos;
	se->rq_prev = pos ? pos->rq_prev : rq->tail;
	if (se->rq_prev)
		se->rq_prev->rq_next = se;
	else
		rq->head = se;
	if (pos)
		pos->rq_prev = se;
	else
		rq->tail = se;
	se->on_rq = true;
	set_count(&rq->nr_queued, rq->nr_queued + 1);
}

void rq_dequeue(struct sched_rq *rq, struct sched_entity *se)
{
	if (se->rq_prev)
		se->rq_prev->rq_next = se->rq_next;
	else
		rq->head = se->rq_next;
	if (se->rq_next)
		se->rq_next->rq_prev = se->rq_prev;
	else
		rq->tail = se->rq_prev;
	se->rq_next = NULL;
	se->rq_prev = NULL;
	se->on_rq = false;
	if (rq->next == se)
		rq->next = NULL;
	if (rq->after == se)
		rq->after = NULL;
	set_count(&rq->nr_queued, rq->nr_queued - 1);
}

void rq_fifo_enqueue(struct sched_rq *rq, struct sched_entity *se)
{
	rq_append(rq, se);
}

struct sched_entity *rq_fifo_pick(struct sched_rq *rq)
{
	struct sched_entity *se = rq->head;

	if (se)
		rq_dequeue(rq, se);
	return se;
}

bool rq_fifo_wake(struct sched_rq *rq, struct sched_entity *se)
{
	return !rq->curr || rq->curr->state != VCPU_RUNNING;
}

/* Lock the queue @se belongs to; se->cpu may change until we hold it. */
static struct sched_rq *lock_se_rq(struct sched_entity *se)
{
	for (;;) {
		uint32_t cpu = __atomic_load_n(&se->cpu, __ATOMIC_ACQUIRE);
		struct sched_rq *rq = &rqs[cpu];

		spin_lock(&rq->lock);
		if (__atomic_load_n(&se->cpu, __ATOMIC_RELAXED) == cpu)
			return rq;
		spin_unlock(&rq->lock);
	}
}

/* Two queues at once: always in CPU order, so two pullers cannot deadlock. */
static void lock_two(struct sched_rq *a, struct sched_rq *b)
{
	if (a->cpu > b->cpu) {
		struct sched_rq *t = a;

		a = b;
		b = t;
	}
	spin_lock(&a->lock);
	spin_lock(&b->lock);
}

static void unlock_two(struct sched_rq *a, struct sched_rq *b)
{
	spin_unlock(&a->lock);
	spin_unlock(&b->lock);
}

/* The owner CPU reads it without the lock in sched_need_resched(). */
static void set_state(struct sched_entity *se, enum vcpu_state st)
{
	__atomic_store_n(&se->state, st, __ATOMIC_RELAXED);
}

static void set_resched(struct sched_rq *rq)
{
	__atomic_store_n(&rq->need_resched, true, __ATOMIC_RELEASE);
}

/* An event for the trace, in the ring of the pCPU that decided it. */
static void tr(enum trace_type type, const struct sched_entity *se,
	       uint32_t arg, uint64_t now)
{
	if (trace_enabled())
		trace_rec(arch->this_cpu(), now, type, se ? se->tid : TRACE_NONE,
			  arg);
}

/* IPIs go out after the locks are dropped; a CPU never kicks itself. */
static void kick(uint32_t cpu)
{
	if (cpu != NO_CPU && cpu != arch->this_cpu())
		arch->kick(cpu);
}

/*
 * An entity was just queued on @rq, which runs another: the first one in
 * the queue means the running one may hold a long slice (sched_tick()),
 * cut back to one slice from now; its pCPU must come back to arm that.
 * The CPU to kick, or NO_CPU. rq->lock held.
 */
static uint32_t rq_kick_queued(struct sched_rq *rq, uint64_t now)
{
	uint64_t end;

	if (rq->nr_queued != 1 || !rq->curr ||
	    rq->curr->state != VCPU_RUNNING)
		return NO_CPU;
	/* Where its slice would end, had it been renewed slice by slice. */
	end = rq->slice_began + sched_p.slice;
	while (end <= now)
		end += sched_p.slice;
	if (rq->slice_end > end)
		rq->slice_end = end;
	return rq->cpu;
}

/* ---- accounting ---------------------------------------------------------- */

/* Charge the time since se->since to the state @se has been in. */
static void account(struct sched_rq *rq, struct sched_entity *se,
		    uint64_t now)
{
	uint64_t d;

	/* Two CPUs' TSCs may differ a little: never count backwards. */
	if (now <= se->since)
		return;
	d = now - se->since;
	se->since = now;
	switch (se->state) {
	case VCPU_RUNNING:
		se->st.run += d;
		if (pol->charge)
			pol->charge(rq, se, d);
		break;
	case VCPU_RUNNABLE:
		se->st.wait += d;
		break;
	case VCPU_BLOCKED:
		se->st.blocked += d;
		break;
	case VCPU_STOPPED:
		break;
	}
}

/* An event at *@since (0: none) is served at @now: record, clear. */
static void lat_add(uint32_t *hist, uint64_t *max, uint64_t *since,
		    uint64_t now)
{
	uint64_t lat;

	if (!*since)
		return;
	lat = now > *since ? now - *since : 0;
	sched_hist_add(hist, lat);
	if (lat > *max)
		*max = lat;
	*since = 0;
}

/* A pending wake-up or interrupt is served: @se runs from @now. */
static void served(struct sched_entity *se, uint64_t now)
{
	lat_add(se->st.irq_lat, &se->st.irq_lat_max, &se->irq_at, now);
	lat_add(se->st.wake_lat, &se->st.wake_lat_max, &se->woken_at, now);
}

static void switch_in(struct sched_rq *rq, struct sched_entity *se,
		      uint64_t now)
{
	account(rq, se, now);		/* its wait ends here */
	set_state(se, VCPU_RUNNING);
	served(se, now);
	se->st.switches++;
	se->slice_start = now;
	__atomic_store_n(&rq->curr, se, __ATOMIC_RELAXED);
}

static void switch_out(struct sched_rq *rq, struct sched_entity *se,
		       uint64_t now)
{
	sched_hist_add(se->st.slice, now - se->slice_start);
	if (se->state == VCPU_RUNNABLE && !rq->yielded)
		se->st.preemptions++;
}

void sched_account(struct sched_entity *se, uint64_t now)
{
	struct sched_rq *rq = lock_se_rq(se);

	account(rq, se, now);
	spin_unlock(&rq->lock);
}

/* ---- switching the policy ---------------------------------------------------- */

/* @se starts under the current policy, as a newcomer would. */
static void policy_renew(struct sched_rq *rq, struct sched_entity *se)
{
	if (pol->add)
		pol->add(rq, se);
	se->pol_gen = pol_gen;
}

/* Every queue, in CPU order: the run-queue class nests in itself. */
static void lock_all(void)
{
	for (uint32_t c = 0; c < sched_p.n_cpus; c++)
		spin_lock(&rqs[c].lock);
}

static void unlock_all(void)
{
	for (uint32_t c = sched_p.n_cpus; c-- > 0;)
		spin_unlock(&rqs[c].lock);
}

int sched_set_policy(enum sched_policy_id id, uint64_t now)
{
	const struct sched_policy *np = policy_for(id);
	uint64_t to_kick = 0;
	uint32_t c;

	/* partition places every vCPU on a pCPU of its own at boot. */
	if (!np || np->exclusive)
		return -EINVAL;
	lock_all();
	if (np == pol) {
		unlock_all();
		return 0;
	}
	/* What ran so far is charged under the policy it ran under. */
	for (c = 0; c < sched_p.n_cpus; c++)
		if (rqs[c].curr)
			account(&rqs[c], rqs[c].curr, now);
	pol = np;
	sched_p.policy = id;
	pol_gen++;
	for (c = 0; c < sched_p.n_cpus; c++) {
		struct sched_rq *rq = &rqs[c];
		struct sched_entity *q = rq->head, *n;

		rq->head = rq->tail = NULL;
		set_count(&rq->nr_queued, 0);
		rq->next = rq->after = rq->skip = NULL;
		rq->irq_until = 0;
		if (rq->curr)
			policy_renew(rq, rq->curr);
		/* The queue again, in its old order, the new policy's way. */
		for (; q; q = n) {
			n = q->rq_next;
			q->rq_next = q->rq_prev = NULL;
			q->on_rq = false;
			policy_renew(rq, q);
			pol->enqueue(rq, q);
		}
		if (rq->curr || rq->nr_queued) {
			set_resched(rq);
			to_kick |= 1ull << c;
		}
	}
	tr(TR_POLICY, NULL, id, now);
	unlock_all();
	for (c = 0; c < sched_p.n_cpus; c++)
		if (to_kick & (1ull << c))
			kick(c);
	return 0;
}

int sched_set_weight(struct sched_entity *se, uint32_t weight, uint64_t now)
{
	struct sched_rq *rq;

	if (!weight || weight > 65535)
		return -EINVAL;
	rq = lock_se_rq(se);
	if (se->state != VCPU_STOPPED)
		account(rq, se, now);
	se->weight = weight;
	spin_unlock(&rq->lock);
	return 0;
}

/* ---- placement and migration --------------------------------------------- */

/*
 * The queue for a new entity: the allowed one with the fewest entities
 * (lowest CPU on a tie); exclusive policies take only empty ones.
 */
static uint32_t home_for(uint64_t allowed)
{
	uint32_t c, best = NO_CPU, best_n = UINT32_MAX;

	for (c = 0; c < sched_p.n_cpus; c++) {
		uint32_t n;

		if (!(allowed & (1ULL << c)))
			continue;
		n = __atomic_load_n(&rqs[c].nr_assigned, __ATOMIC_RELAXED);
		if (pol->exclusive && n)
			continue;
		if (n < best_n) {
			best = c;
			best_n = n;
		}
	}
	return best;
}

/* An idle CPU other than @home that @se may run on, to come and pull it. */
static uint32_t idle_cpu_for(struct sched_entity *se, uint32_t home)
{
	uint64_t allowed = se->affinity & cpu_mask;
	uint32_t c;

	for (c = 0; c < sched_p.n_cpus; c++) {
		struct sched_rq *rq = &rqs[c];

		if (c == home || !(allowed & (1ULL << c)))
			continue;
		if (!__atomic_load_n(&rq->curr, __ATOMIC_RELAXED) &&
		    !__atomic_load_n(&rq->nr_queued, __ATOMIC_RELAXED))
			return c;
	}
	return NO_CPU;
}

/* Both queues locked, @se on no queue: it belongs to @to from now on. */
static void reassign(struct sched_rq *from, struct sched_rq *to,
		     struct sched_entity *se, uint64_t now)
{
	/*
	 * Its lag moves with it, measured against each queue's virtual
	 * time: @to's running one may be deep in a long slice, so count
	 * that first, or it joins far behind and takes the difference.
	 */
	if (to->curr)
		account(to, to->curr, now);
	set_count(&from->nr_assigned, from->nr_assigned - 1);
	if (pol->migrate)
		pol->migrate(from, to, se);
	__atomic_store_n(&se->cpu, to->cpu, __ATOMIC_RELEASE);
	set_count(&to->nr_assigned, to->nr_assigned + 1);
	se->st.migrations++;
	tr(TR_MOVE, se, from->cpu << 8 | to->cpu, now);
}

/* Both queues locked: move queued @se from @from to @to. */
static void move_entity(struct sched_rq *from, struct sched_rq *to,
			struct sched_entity *se, uint64_t now)
{
	rq_dequeue(from, se);
	reassign(from, to, se, now);
	pol->enqueue(to, se);
	/* Its own pCPU moves it here: it re-arms its deadline before entry. */
	rq_kick_queued(to, now);
}

/*
 * May queued @se leave @src for the pCPU of @bit? Not one whose early run
 * is due there (next, or after it): elsewhere it would wait its normal
 * turn, a whole slice, with its interrupt.
 */
static bool pullable(struct sched_rq *src, struct sched_entity *se,
		     uint64_t bit)
{
	return (se->affinity & bit) && se != src->next && se != src->after;
}

/*
 * @rq (unlocked) has nothing to run: take one waiting entity that may run
 * here from the busiest queue that has one. Queue lengths are read
 * without locks as a hint and checked again under both locks.
 */
static void idle_pull(struct sched_rq *rq, uint64_t now)
{
	uint64_t bit = 1ULL << rq->cpu;
	uint32_t tried = 0, c;

	for (;;) {
		struct sched_rq *src = NULL;
		struct sched_entity *se = NULL;
		uint32_t best = 0;
		bool done;

		for (c = 0; c < sched_p.n_cpus; c++) {
			uint32_t n = __atomic_load_n(&rqs[c].nr_queued,
						     __ATOMIC_RELAXED);

			if (c == rq->cpu || (tried & (1u << c)) || n <= best)
				continue;
			best = n;
			src = &rqs[c];
		}
		if (!src)
			return;
		tried |= 1u << src->cpu;

		lock_two(rq, src);
		/* A wake-up may have filled our queue meanwhile. */
		done = rq->head != NULL;
		if (!done) {
			for (se = src->head; se; se = se->rq_next)
				if (pullable(src, se, bit))
					break;
			if (se) {
				move_entity(src, rq, se, now);
				done = true;
			}
		}
		unlock_two(rq, src);
		if (done)
			return;
	}
}

/* Runnable entities on @rq: the queue and the one it runs (a racy hint). */
static uint32_t rq_load(struct sched_rq *rq)
{
	return __atomic_load_n(&rq->nr_queued, __ATOMIC_RELAXED) +
	       (__atomic_load_n(&rq->curr, __ATOMIC_RELAXED) != NULL);
}

/*
 * @rq is the busy one: a pCPU that could pull from it but runs a long
 * slice (nobody waits there) would not tick, so not balance, for a
 * while. End that slice now and kick it: its next tick balances.
 */
static void balance_hint(struct sched_rq *rq, uint32_t mine, uint64_t now)
{
	uint32_t c, to_kick = NO_CPU;

	for (c = 0; c < sched_p.n_cpus && to_kick == NO_CPU; c++) {
		struct sched_rq *o = &rqs[c];

		if (c == rq->cpu || rq_load(o) + 2 > mine)
			continue;
		spin_lock(&o->lock);
		if (o->curr && o->curr->state == VCPU_RUNNING &&
		    o->slice_end > now + sched_p.slice) {
			o->slice_end = now;
			o->next_balance = now;
			to_kick = c;
		}
		spin_unlock(&o->lock);
	}
	kick(to_kick);
}

/*
 * Periodic balance, from @rq's own tick: pull one waiting entity from
 * the busiest queue when that one has at least two more runnable
 * entities than @rq. Idle pulls alone leave placements such as 3 + 1
 * hogs on two pCPUs for good, since neither pCPU ever idles; a margin
 * of two keeps 2 + 1 from bouncing an entity back and forth.
 */
static void periodic_balance(struct sched_rq *rq, uint64_t now)
{
	uint64_t bit = 1ULL << rq->cpu;
	struct sched_rq *src = NULL;
	struct sched_entity *se;
	uint32_t mine = rq_load(rq), best = mine + 1, c;

	for (c = 0; c < sched_p.n_cpus; c++) {
		uint32_t n = rq_load(&rqs[c]);

		if (c != rq->cpu && n > best) {
			best = n;
			src = &rqs[c];
		}
	}
	if (!src) {
		balance_hint(rq, mine, now);
		return;
	}
	lock_two(rq, src);
	if (src->nr_queued + (src->curr != NULL) >=
	    rq->nr_queued + (rq->curr != NULL) + 2) {
		for (se = src->head; se; se = se->rq_next)
			if (pullable(src, se, bit))
				break;
		if (se)
			move_entity(src, rq, se, now);
	}
	unlock_two(rq, src);
}

/* ---- affinity changed at run time ------------------------------------------ */

/*
 * @se, RUNNABLE, was just queued on @to from elsewhere (to->lock held):
 * the pCPU to kick so that it sees it, or NO_CPU.
 */
static uint32_t arrived(struct sched_rq *to, uint64_t now)
{
	if (!to->curr || to->curr->state != VCPU_RUNNING) {
		set_resched(to);
		return to->cpu;
	}
	return rq_kick_queued(to, now);
}

/* Forget @se as @rq's next, after or skip entity (it leaves @rq). */
static void forget(struct sched_rq *rq, struct sched_entity *se)
{
	if (rq->next == se)
		rq->next = NULL;
	if (rq->after == se)
		rq->after = NULL;
	if (rq->skip == se)
		rq->skip = NULL;
	if (rq->swap == se)
		rq->swap = NULL;
}

/*
 * @rq's running entity may no longer run here: it leaves for an allowed
 * queue as if its slice had ended there, before this pCPU picks again.
 * Only this pCPU changes rq->curr, so it is still the one under both
 * locks; its affinity is checked again there.
 */
static void evict_curr(struct sched_rq *rq, uint64_t now)
{
	struct sched_entity *se = __atomic_load_n(&rq->curr, __ATOMIC_RELAXED);
	uint64_t bit = 1ULL << rq->cpu;
	uint32_t c, to_kick = NO_CPU;
	struct sched_rq *to;
	bool swap;

	if (!se)
		return;
	/*
	 * Cut for a stolen interrupt (irq_steal()): it takes that one's
	 * place, unless an interrupt of its own came meanwhile and it runs
	 * right after the stolen one here (rq->after).
	 */
	swap = __atomic_load_n(&rq->swap, __ATOMIC_RELAXED) == se &&
	       __atomic_load_n(&rq->after, __ATOMIC_RELAXED) != se;
	if (!swap && (__atomic_load_n(&se->affinity, __ATOMIC_RELAXED) & bit))
		return;
	c = swap ? rq->swap_cpu :
	    home_for(__atomic_load_n(&se->affinity, __ATOMIC_RELAXED) & cpu_mask);
	if (c == NO_CPU || c == rq->cpu)
		return;
	to = &rqs[c];
	lock_two(rq, to);
	swap = rq->swap == se && rq->after != se;
	rq->swap = NULL;
	if (rq->curr == se && (swap || !(se->affinity & bit)) &&
	    (se->affinity & (1ULL << c))) {
		account(rq, se, now);
		if (se->state == VCPU_RUNNING)
			set_state(se, VCPU_RUNNABLE);
		switch_out(rq, se, now);
		forget(rq, se);
		__atomic_store_n(&rq->curr, NULL, __ATOMIC_RELAXED);
		reassign(rq, to, se, now);
		if (se->state == VCPU_RUNNABLE) {
			pol->enqueue(to, se);
			to_kick = arrived(to, now);
		}
	}
	unlock_two(rq, to);
	kick(to_kick);
}

int sched_set_affinity(struct sched_entity *se, uint64_t mask, uint64_t now)
{
	struct sched_rq *from, *to;
	uint32_t cpu, c, to_kick = NO_CPU;

	mask &= cpu_mask;
	if (!mask)
		return -EINVAL;
	if (pol->exclusive)
		return -EPERM;
	for (;;) {
		from = lock_se_rq(se);
		cpu = from->cpu;
		__atomic_store_n(&se->affinity, mask, __ATOMIC_RELAXED);
		if ((mask & (1ULL << cpu)) || se->state == VCPU_STOPPED) {
			spin_unlock(&from->lock);
			return 0;
		}
		if (from->curr == se) {
			/* Running (or about to switch away): its pick moves it. */
			set_resched(from);
			spin_unlock(&from->lock);
			kick(cpu);
			return 0;
		}
		spin_unlock(&from->lock);
		c = home_for(mask);
		if (c == NO_CPU)
			return -EBUSY;
		to = &rqs[c];
		lock_two(from, to);
		/* It moved, or started running, meanwhile: look again. */
		if (__atomic_load_n(&se->cpu, __ATOMIC_RELAXED) == cpu &&
		    from->curr != se)
			break;
		unlock_two(from, to);
	}
	if (se->state != VCPU_STOPPED && !(se->affinity & (1ULL << cpu))) {
		forget(from, se);
		if (se->on_rq) {
			rq_dequeue(from, se);
			reassign(from, to, se, now);
			pol->enqueue(to, se);
			to_kick = arrived(to, now);
		} else {
			/* Blocked: it wakes there. */
			reassign(from, to, se, now);
		}
	}
	unlock_two(from, to);
	kick(to_kick);
	return 0;
}

/* ---- the entry points ---------------------------------------------------- */

int sched_add(struct sched_entity *se, uint64_t now)
{
	struct sched_rq *rq;
	uint32_t cpu, to_kick = NO_CPU;
	uint64_t allowed;

	if (!se || !se->weight || se->weight > 65535)
		return -EINVAL;
	allowed = se->affinity & cpu_mask;
	if (!allowed)
		return -EINVAL;
	/* Re-added after sched_remove(): its old pCPU must have let go. */
	if (se->cpu < SCHED_MAX_CPUS &&
	    __atomic_load_n(&rqs[se->cpu].curr, __ATOMIC_RELAXED) == se)
		return -EBUSY;
	for (;;) {
		cpu = home_for(allowed);
		if (cpu == NO_CPU)
			return -EBUSY;
		rq = &rqs[cpu];
		spin_lock(&rq->lock);
		/* Another CPU may have taken the last free one. */
		if (!pol->exclusive || !rq->nr_assigned)
			break;
		spin_unlock(&rq->lock);
	}

	set_state(se, VCPU_RUNNABLE);
	se->cpu = cpu;
	se->rq_next = NULL;
	se->rq_prev = NULL;
	se->on_rq = false;
	se->vruntime = 0;
	se->vrem = 0;
	se->since = now;
	se->woken_at = 0;
	se->slice_start = now;
	memset(&se->st, 0, sizeof(se->st));
	set_count(&rq->nr_assigned, rq->nr_assigned + 1);
	if (pol->add)
		pol->add(rq, se);
	se->pol_gen = pol_gen;
	pol->enqueue(rq, se);
	if (!rq->curr) {
		set_resched(rq);
		to_kick = cpu;
	} else {
		to_kick = rq_kick_queued(rq, now);
	}
	spin_unlock(&rq->lock);
	kick(to_kick);
	return 0;
}

void sched_remove(struct sched_entity *se, uint64_t now)
{
	struct sched_rq *rq = lock_se_rq(se);
	uint32_t to_kick = NO_CPU;

	if (se->state != VCPU_STOPPED) {
		account(rq, se, now);
		if (se->on_rq)
			rq_dequeue(rq, se);
		/*
		 * Off the queue it may still be the running one's early run
		 * to come (rq->next), or the one after it: a pick would hand
		 * out an entity on no queue.
		 */
		forget(rq, se);
		set_state(se, VCPU_STOPPED);
		se->woken_at = 0;
		set_count(&rq->nr_assigned, rq->nr_assigned - 1);
		/* Still loaded there: that CPU must pick something else. */
		if (rq->curr == se) {
			set_resched(rq);
			to_kick = rq->cpu;
		}
	}
	spin_unlock(&rq->lock);
	kick(to_kick);
}

struct sched_entity *sched_pick(uint32_t cpu, uint64_t now)
{
	struct sched_entity *prev, *next, *urgent;
	struct sched_rq *rq;
	bool put_back = false, woke;

	if (cpu >= sched_p.n_cpus)
		return NULL;
	rq = &rqs[cpu];
	evict_curr(rq, now);
	spin_lock(&rq->lock);
	prev = rq->curr;
	if (prev) {
		account(rq, prev, now);
		if (prev->state == VCPU_RUNNING) {
			if (!rq->need_resched && now < rq->slice_end) {
				/* Nothing asked for a switch: keep going. */
				served(prev, now);
				tr(TR_PICK, prev, TRP_SAME | prev->tid, now);
				spin_unlock(&rq->lock);
				return prev;
			}
			set_state(prev, VCPU_RUNNABLE);
			pol->enqueue(rq, prev);
			put_back = true;
		} else {
			switch_out(rq, prev, now);
		}
		__atomic_store_n(&rq->curr, NULL, __ATOMIC_RELAXED);
	}

	urgent = rq->next;
	next = pol->pick_next(rq);
	if (!next && !pol->exclusive) {
		spin_unlock(&rq->lock);
		idle_pull(rq, now);
		spin_lock(&rq->lock);
		next = pol->pick_next(rq);
	}

	if (put_back && next != prev)
		switch_out(rq, prev, now);
	/* Before switching in, which marks its wake-up served. */
	woke = next && next->woken_at;
	__atomic_store_n(&rq->need_resched, false, __ATOMIC_RELAXED);
	rq->yielded = false;
	rq->skip = NULL;
	if (next) {
		if (next == prev && put_back) {
			/* Still the one to run: the same run period goes on. */
			set_state(next, VCPU_RUNNING);
			served(next, now);
			__atomic_store_n(&rq->curr, next, __ATOMIC_RELAXED);
		} else {
			switch_in(rq, next, now);
		}
		/* Run early for an interrupt: only long enough to take it. */
		rq->slice_began = now;
		rq->slice_end = now + (next == urgent ? sched_boost_slice() :
				       sched_p.slice);
		/*
		 * A vCPU woken from its halt is taking an interrupt too: for
		 * as long as an early run, another's interrupt waits for it
		 * (after-run) instead of cutting it mid-handler. Cut there,
		 * it waited out the other's whole early run before it could
		 * run what it woke: a sleeper whose timer came just before
		 * the guest's tick on the other vCPU was late by 500-800 us
		 * at every tick.
		 */
		rq->irq_until = next == urgent || woke ?
				now + sched_boost_slice() : 0;
		rq->irq_stretched = false;
		if (rq->irq_until)
			rq->guard_seq++;
		/* Its early run starts: the one interrupted with it is next. */
		if (next == urgent && rq->after && rq->after != next &&
		    rq->after->on_rq)
			rq->next = rq->after;
	}
	rq->after = NULL;
	tr(TR_PICK, next, (next && next == urgent ? TRP_EARLY : 0) |
	   (next && next == prev ? TRP_SAME : 0) |
	   (prev ? prev->tid : TRACE_NONE), now);
	spin_unlock(&rq->lock);
	return next;
}

uint64_t sched_slice_end(uint32_t cpu, uint64_t now)
{
	struct sched_rq *rq;

	if (cpu >= sched_p.n_cpus || !rqs[cpu].curr)
		return UINT64_MAX;
	rq = &rqs[cpu];
	if (__atomic_load_n(&rq->need_resched, __ATOMIC_ACQUIRE))
		return now;
	return rq->slice_end;
}

struct sched_entity *sched_current(uint32_t cpu)
{
	if (cpu >= sched_p.n_cpus)
		return NULL;
	return __atomic_load_n(&rqs[cpu].curr, __ATOMIC_RELAXED);
}

bool sched_need_resched(uint32_t cpu)
{
	struct sched_rq *rq;
	struct sched_entity *se;

	if (cpu >= sched_p.n_cpus)
		return false;
	rq = &rqs[cpu];
	se = rq->curr;
	return __atomic_load_n(&rq->need_resched, __ATOMIC_ACQUIRE) || !se ||
	       __atomic_load_n(&se->state, __ATOMIC_RELAXED) != VCPU_RUNNING;
}

void sched_block(struct sched_entity *se, uint64_t now)
{
	struct sched_rq *rq = lock_se_rq(se);

	if (rq->curr == se && se->state == VCPU_RUNNING) {
		account(rq, se, now);
		set_state(se, VCPU_BLOCKED);
		if (pol->block)
			pol->block(rq, se);
		set_resched(rq);
		tr(TR_BLOCK, se, 0, now);
	}
	spin_unlock(&rq->lock);
}

static enum trace_irq irq_after(struct sched_rq *rq, struct sched_entity *se);
static enum trace_irq irq_queued(struct sched_rq *rq, struct sched_entity *se,
				 uint64_t now, uint32_t *to_kick);

/* @what left a queued entity waiting for another's early run or guard. */
static bool irq_waits(enum trace_irq what)
{
	return what == TRI_AFTER_RUN || what == TRI_BEHIND;
}

/*
 * @rq runs an entity that may be cut now for another's interrupt: no
 * guard, nobody waiting for an early run there, no pick on its way.
 */
static bool irq_free(struct sched_rq *rq, uint64_t now)
{
	struct sched_entity *curr = __atomic_load_n(&rq->curr,
						    __ATOMIC_RELAXED);

	return curr &&
	       __atomic_load_n(&curr->state, __ATOMIC_RELAXED) == VCPU_RUNNING &&
	       !__atomic_load_n(&rq->need_resched, __ATOMIC_RELAXED) &&
	       now >= __atomic_load_n(&rq->irq_until, __ATOMIC_RELAXED) &&
	       !__atomic_load_n(&rq->next, __ATOMIC_RELAXED) &&
	       !__atomic_load_n(&rq->after, __ATOMIC_RELAXED);
}

/* @se, queued on @rq, still waits there for another's early run or guard. */
static bool irq_still_waits(struct sched_rq *rq, struct sched_entity *se,
			    uint64_t now)
{
	return se->cpu == rq->cpu && se->on_rq && rq->curr != se &&
	       se->state == VCPU_RUNNABLE &&
	       ((rq->next == se && now < rq->irq_until) || rq->after == se);
}

/*
 * Would the policy let @se run early on @to, ahead of its running entity,
 * judged in @to's virtual time? Refused there, it would wait its normal
 * turn instead of one early run. Both queues locked.
 */
static bool steal_granted(struct sched_rq *from, struct sched_rq *to,
			  struct sched_entity *se)
{
	bool ok;

	if (pol->migrate)
		pol->migrate(from, to, se);
	ok = pol->interrupt(to, se, to->curr);
	if (pol->migrate)
		pol->migrate(to, from, se);
	return ok;
}

/*
 * @se's interrupt must wait on its pCPU for another's early run (two
 * guest timers in phase there). Where another pCPU runs an entity it may
 * cut (irq_free()), @se moves there and runs now, as Xen's credit2
 * tickles the pCPU whose vCPU matters least; the one it cuts takes its
 * place on the queue it left (rq->swap, at that pCPU's next pick). The
 * queues keep their lengths, so the balancer has nothing to undo, and
 * vCPUs whose timers keep colliding part for good. Returns true when it
 * moved.
 */
static bool irq_steal(struct sched_entity *se, uint64_t now)
{
	uint64_t allowed = se->affinity & cpu_mask;
	uint32_t c;

	if (!sched_p.irq_steal || pol->exclusive || !pol->interrupt)
		return false;
	for (c = 0; c < sched_p.n_cpus; c++) {
		uint32_t home = __atomic_load_n(&se->cpu, __ATOMIC_ACQUIRE);
		struct sched_rq *from = &rqs[home], *to = &rqs[c];
		uint32_t to_kick = NO_CPU;
		enum trace_irq what;
		bool moved;

		/*
		 * Nor where a timer (a guest's, of a vCPU there) comes due
		 * during its early run: that vCPU's interrupt would wait for
		 * it, and the pCPU serve two in a row after all.
		 */
		if (c == home || !(allowed & (1ULL << c)) || !irq_free(to, now) ||
		    timer_next(c) < now + sched_boost_slice())
			continue;
		lock_two(from, to);
		moved = irq_still_waits(from, se, now) && irq_free(to, now) &&
			steal_granted(from, to, se);
		if (moved) {
			rq_dequeue(from, se);
			reassign(from, to, se, now);
			pol->enqueue(to, se);
			se->st.irq_steals++;
			what = irq_queued(to, se, now, &to_kick);
			if (what == TRI_PREEMPT || what == TRI_NEXT) {
				to->swap = to->curr;
				to->swap_cpu = from->cpu;
			}
			tr(TR_IRQ, se, what | to->cpu << 8, now);
		}
		unlock_two(from, to);
		if (moved) {
			kick(to_kick);
			return true;
		}
	}
	return false;
}

void sched_wake(struct sched_entity *se, uint64_t now)
{
	struct sched_rq *rq = lock_se_rq(se);
	uint32_t to_kick = NO_CPU, to_kick2 = NO_CPU;
	enum trace_irq what;
	bool preempt;

	if (se->state != VCPU_BLOCKED) {
		spin_unlock(&rq->lock);
		return;
	}
	account(rq, se, now);
	se->st.wakeups++;
	se->woken_at = now ? now : 1;
	if (rq->curr == se) {
		/* It blocked, but its CPU has not switched away yet. */
		set_state(se, VCPU_RUNNING);
		tr(TR_WAKE, se, 2 | rq->cpu << 8, now);
		/*
		 * Another's early run is due (its halt made the pick for it):
		 * it runs right after that one, as an interrupt for it
		 * would, not at its next turn.
		 */
		if (rq->next && rq->next != se && pol->interrupt)
			tr(TR_IRQ, se, irq_after(rq, se) | rq->cpu << 8, now);
		spin_unlock(&rq->lock);
		return;
	}
	/* The policy compares against the current entity's exact time. */
	if (rq->curr)
		account(rq, rq->curr, now);
	/* Blocked through a policy switch: its old policy state means nothing. */
	if (se->pol_gen != pol_gen)
		policy_renew(rq, se);
	preempt = pol->wake(rq, se);
	tr(TR_WAKE, se, preempt | rq->cpu << 8, now);
	set_state(se, VCPU_RUNNABLE);
	pol->enqueue(rq, se);
	/*
	 * A wake-up is an interrupt for a halted vCPU: where another has the
	 * pCPU it gets what an interrupt for a queued one gets, an early
	 * run now or right after the one due, under the same cap. As a plain
	 * wake-up it either cut the running one, though that was on an
	 * early run of its own, and the next interrupt there took the pick
	 * from it; or it waited out the running one's whole slice when it
	 * was not far enough behind in virtual time.
	 */
	what = TRI_CAPPED;	/* not asked, or refused: the wake rule decides */
	if (rq->curr && pol->interrupt) {
		what = rq->next && rq->next != se ? irq_after(rq, se) :
		       irq_queued(rq, se, now, &to_kick);
		tr(TR_IRQ, se, what | rq->cpu << 8, now);
	}
	if (what != TRI_CAPPED && what != TRI_THIRD) {
		if (preempt && what == TRI_NEXT)
			to_kick = rq->cpu;
		/* It waits for an early run: an idle CPU may be sooner. */
		if ((what == TRI_AFTER_RUN || what == TRI_BEHIND) &&
		    !pol->exclusive)
			to_kick2 = idle_cpu_for(se, rq->cpu);
	} else if (!rq->curr || preempt) {
		set_resched(rq);
		to_kick = rq->cpu;
	} else {
		/* It has to wait here: let an idle CPU come and pull it. */
		if (!pol->exclusive)
			to_kick = idle_cpu_for(se, rq->cpu);
		to_kick2 = rq_kick_queued(rq, now);
	}
	spin_unlock(&rq->lock);
	kick(to_kick);
	if (to_kick2 != to_kick)
		kick(to_kick2);
	/* Where an idle pCPU was kicked, that one comes and pulls. */
	if (irq_waits(what) && to_kick2 == NO_CPU)
		irq_steal(se, now);
}

/*
 * An early run is for taking an interrupt, but a vCPU preempted with
 * interrupts off (in its own handler, a spinlock) spends the first part
 * of it finishing that: under Bochs 50-150 us of a 250 us run, after
 * which what the interrupt woke (a sleeper's task) had not run yet and
 * waited a whole slice of the other vCPU. So the run restarts when the
 * window opens, once: at most twice its length, whatever the guest does.
 */
void sched_irq_open(struct sched_entity *se, uint64_t now)
{
	struct sched_rq *rq = lock_se_rq(se);
	uint64_t end = now + sched_boost_slice();

	/* Not while another waits for its early run: that one would wait longer. */
	if (rq->curr == se && se->state == VCPU_RUNNING && !rq->irq_stretched &&
	    now < rq->irq_until && (!rq->next || rq->next == se)) {
		/* Only inside the run: under twice its length in all. */
		rq->irq_stretched = true;
		if (rq->slice_end < end)
			rq->slice_end = end;
		rq->irq_until = end;
		tr(TR_IRQ, se, TRI_OPEN | rq->cpu << 8, now);
	}
	spin_unlock(&rq->lock);
}

uint32_t sched_guard(uint32_t cpu, uint64_t now, bool *waited)
{
	struct sched_rq *rq;
	struct sched_entity *curr, *next;

	*waited = false;
	if (cpu >= sched_p.n_cpus)
		return 0;
	rq = &rqs[cpu];
	curr = __atomic_load_n(&rq->curr, __ATOMIC_RELAXED);
	if (!curr || now >= __atomic_load_n(&rq->irq_until, __ATOMIC_RELAXED))
		return 0;
	next = __atomic_load_n(&rq->next, __ATOMIC_RELAXED);
	*waited = next && next != curr;
	/* Never 0, which means none. */
	return __atomic_load_n(&rq->guard_seq, __ATOMIC_RELAXED) | 1u << 31;
}

/*
 * A guard lasts as long as an early run because the scheduler cannot
 * see when the guest is done; a collision then cost the one behind it
 * the whole guard (250 us) where the guest needed 60 to 150. The pCPU
 * loop can see it (the vCPU back in the user context the interrupt
 * found it in, nothing in service or pending), and ends the guard here.
 */
bool sched_irq_done(struct sched_entity *se, uint64_t now)
{
	struct sched_rq *rq = lock_se_rq(se);
	bool done = rq->curr == se && se->state == VCPU_RUNNING &&
		    now < rq->irq_until && rq->next && rq->next != se;

	if (done) {
		account(rq, se, now);
		rq->irq_until = now;
		if (rq->slice_end > now)
			rq->slice_end = now;
		set_resched(rq);
		se->st.irq_done++;
		tr(TR_IRQ, se, TRI_DONE | rq->cpu << 8, now);
	}
	spin_unlock(&rq->lock);
	return done;
}

/*
 * May @se run early for its interrupt, ahead of @other? Counted either
 * way: a boost, or one refused by the policy's cap.
 */
static bool boost_granted(struct sched_rq *rq, struct sched_entity *se,
			  struct sched_entity *other)
{
	if (!pol->interrupt(rq, se, other)) {
		se->st.irq_capped++;
		return false;
	}
	se->st.boosts++;
	return true;
}

/*
 * @se has an interrupt while rq->next waits for its early run: @se is
 * queued, being switched out for rq->next, or running the early run
 * rq->next waits out. Two interrupts that came together (a guest's timers
 * in phase), or one more for a vCPU already on its early run. @se runs
 * right after rq->next, briefly, unless it is too far ahead of rq->next
 * or a third one got there first. Without this it waited its normal
 * turn: a whole slice of the other. rq->lock held, @se charged up to now.
 */
static enum trace_irq irq_after(struct sched_rq *rq, struct sched_entity *se)
{
	se->st.irq_behind++;
	if (rq->after)
		return TRI_THIRD;	/* it waits its turn */
	if (!boost_granted(rq, se, rq->next))
		return TRI_CAPPED;
	rq->after = se;
	return TRI_BEHIND;
}

/*
 * @se, queued here with nobody waiting for an early run, has an interrupt
 * (or was woken by one). rq->lock held.
 */
static enum trace_irq irq_queued(struct sched_rq *rq, struct sched_entity *se,
				 uint64_t now, uint32_t *to_kick)
{
	struct sched_entity *curr = rq->curr;
	bool running = curr && curr->state == VCPU_RUNNING;

	if (running)
		account(rq, curr, now);
	if (!boost_granted(rq, se, running ? curr : rq->head))
		return TRI_CAPPED;
	/*
	 * It runs next: now, unless the running one is still on an
	 * interrupt of its own, then when that is done. A pick that is
	 * coming anyway takes it first.
	 */
	rq->next = se;
	if (!running || rq->need_resched)
		return TRI_NEXT;	/* the pick is on its way */
	if (now >= rq->irq_until) {
		set_resched(rq);
		*to_kick = rq->cpu;
		return TRI_PREEMPT;
	}
	if (rq->slice_end > rq->irq_until) {
		/* Its pCPU armed the old end: it must look again. */
		rq->slice_end = rq->irq_until;
		*to_kick = rq->cpu;
	}
	return TRI_AFTER_RUN;
}

void sched_interrupt(struct sched_entity *se, uint64_t now)
{
	struct sched_rq *rq;
	struct sched_entity *curr;
	uint32_t to_kick = NO_CPU;
	uint64_t end = now + sched_boost_slice();
	enum trace_irq what = TRI_NONE;
	bool running, ours;

	rq = lock_se_rq(se);
	curr = rq->curr;
	running = curr && curr->state == VCPU_RUNNING;
	/* For the statistics: how long until it runs and can take it. */
	if (curr != se && se->on_rq && !se->irq_at)
		se->irq_at = now ? now : 1;
	if (!pol->interrupt) {
		tr(TR_IRQ, se, TRI_NONE | rq->cpu << 8, now);
		spin_unlock(&rq->lock);
		return;
	}
	/*
	 * Another waits for its early run: this one comes after it, whether
	 * queued, being switched out for it, or running (on an early run of
	 * its own, which rq->next waits out: stretching that run by another
	 * boost slice for each new interrupt made rq->next wait up to
	 * twice as long, and more).
	 */
	ours = curr == se && running;
	if (rq->next && rq->next != se && (se->on_rq || ours)) {
		if (ours)
			account(rq, se, now);
		what = irq_after(rq, se);
	} else if (curr == se) {
		/* Running: it keeps the pCPU long enough to take it. */
		if (running && !rq->need_resched && rq->head) {
			account(rq, se, now);
			what = TRI_CAPPED;
			if (boost_granted(rq, se, rq->head)) {
				if (rq->slice_end < end)
					rq->slice_end = end;
				rq->irq_until = end;
				rq->irq_stretched = false;
				rq->guard_seq++;
				what = TRI_EXTEND;
			}
		} else if (running && !rq->head && !rq->need_resched) {
			/*
			 * Alone: nobody to keep out now, but a vCPU woken while
			 * it takes this waits for it, as for an early run. Cut
			 * before it had taken it, it waited out the other's
			 * whole service and more (sleepers late by 500 us).
			 */
			rq->irq_until = end;
			rq->irq_stretched = false;
			rq->guard_seq++;
		} else if (running && rq->head && !rq->yielded && !rq->next) {
			/*
			 * Its slice is over and the pick is on its way: it
			 * goes on briefly, as a queued one would run early.
			 * Dropped here, its interrupt waited a whole slice
			 * of the other (a sleeper late by 1.1-1.3 ms).
			 */
			account(rq, se, now);
			what = TRI_CAPPED;
			if (boost_granted(rq, se, rq->head)) {
				rq->next = se;
				what = TRI_NEXT;
			}
		}
	} else if (se->on_rq && !rq->next) {
		what = irq_queued(rq, se, now, &to_kick);
	}
	tr(TR_IRQ, se, what | rq->cpu << 8, now);
	spin_unlock(&rq->lock);
	kick(to_kick);
	if (irq_waits(what) && !ours)
		irq_steal(se, now);
}

/*
 * Hidden: in a host build, libraries such as the sanitizers call POSIX
 * sched_yield(void); they must keep reaching libc's, not this one.
 */
__attribute__((visibility("hidden")))
void sched_yield(struct sched_entity *se, uint64_t now)
{
	struct sched_rq *rq = lock_se_rq(se);

	if (rq->curr == se && se->state == VCPU_RUNNING) {
		account(rq, se, now);
		se->st.yields++;
		rq->yielded = true;
		tr(TR_YIELD, se, 0, now);
		if (pol->yield)
			pol->yield(rq, se);
		set_resched(rq);
	}
	spin_unlock(&rq->lock);
}

void sched_tick(uint32_t cpu, uint64_t now)
{
	struct sched_entity *se;
	struct sched_rq *rq;
	bool balance;

	if (cpu >= sched_p.n_cpus)
		return;
	rq = &rqs[cpu];
	/*
	 * Most preemption-timer exits are a guest's own timer coming due
	 * inside its slice: nothing to decide, no lock to take. Only this
	 * CPU moves these ends later; whoever moves one earlier kicks it.
	 */
	if (now < __atomic_load_n(&rq->slice_end, __ATOMIC_RELAXED) &&
	    now < __atomic_load_n(&rq->next_balance, __ATOMIC_RELAXED))
		return;
	spin_lock(&rq->lock);
	se = rq->curr;
	if (se && se->state == VCPU_RUNNING && !rq->need_resched) {
		account(rq, se, now);
		if (pol->tick(rq, now)) {
			set_resched(rq);
			tr(TR_SLICE, se, 0, now);
		}
		else if (now >= rq->slice_end) {
			/*
			 * Nobody waits: a fresh slice, no switch, and a long one
			 * while the queue is empty (at 1:1 every slice end would
			 * be an exit for nothing). Whoever queues an entity here
			 * cuts it back (rq_kick_queued()).
			 */
			rq->slice_began = now;
			rq->slice_end = now + sched_p.slice *
					(rq->nr_queued ? 1 : IDLE_QUEUE_SLICES);
		}
	}
	balance = !pol->exclusive && now >= rq->next_balance;
	if (balance)
		rq->next_balance = now + BALANCE_SLICES * sched_p.slice;
	spin_unlock(&rq->lock);
	/* Outside our lock: balancing takes two queue locks in order. */
	if (balance)
		periodic_balance(rq, now);
}
