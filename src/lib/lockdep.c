// SPDX-License-Identifier: GPL-2.0
/*
 * Lock-order checking (see spinlock.h): a stack of held lock classes per
 * CPU; an acquisition must rank below everything held. Only the run-queue
 * class nests in itself, in CPU order: lock_two() takes two, a policy
 * switch takes them all; nothing may be taken between them.
 */
#include "src/lib/lockdep.h"
#include "src/lib/spinlock.h"

#ifdef HV_LOCKDEP
struct held {
	uint8_t cls[LOCKDEP_DEPTH];
	unsigned int depth;
};

#ifdef HV_HOST
/* Host tests run pCPUs as threads: each thread is a CPU. */
static __thread struct held held_here;
#define HELD()	(&held_here)
#else
static struct held held[LOCKDEP_MAX_CPUS];
#define HELD()	(&held[lockdep_cpu_id() % LOCKDEP_MAX_CPUS])
#endif
#endif

__attribute__((weak)) uint32_t lockdep_cpu_id(void)
{
	return 0;
}

__attribute__((weak)) void lockdep_violation(const char *what,
					     unsigned int h, unsigned int w)
{
	__builtin_trap();
}

/* Whether everything held from @i up is a run queue. */
static int rq_run(const uint8_t *cls, unsigned int i, unsigned int depth)
{
	for (; i < depth; i++)
		if (cls[i] != LOCK_RQ)
			return 0;
	return 1;
}

int lockdep_order_ok(const uint8_t *cls, unsigned int depth,
		     unsigned int want)
{
	if (want == LOCK_UNCLASSED)
		return 0;
	for (unsigned int i = 0; i < depth; i++) {
		if (cls[i] < want)
			continue;
		if (cls[i] == want && want == LOCK_RQ && rq_run(cls, i, depth))
			continue;	/* the next run queue, CPU order */
		return 0;
	}
	return 1;
}

#ifdef HV_LOCKDEP
void lockdep_acquire(const spinlock_t *l)
{
	struct held *h = HELD();

	if (h->depth == LOCKDEP_DEPTH) {
		lockdep_violation("too many locks held", h->cls[h->depth - 1], l->cls);
		return;
	}
	if (!lockdep_order_ok(h->cls, h->depth, l->cls))
		lockdep_violation(l->cls == LOCK_UNCLASSED ?
				  "a lock without a class" : "lock order",
				  h->depth ? h->cls[h->depth - 1] : 0, l->cls);
	h->cls[h->depth++] = l->cls;
}

void lockdep_release(const spinlock_t *l)
{
	struct held *h = HELD();

	/* Locks are released in any order: drop the innermost of its class. */
	for (unsigned int i = h->depth; i-- > 0;)
		if (h->cls[i] == l->cls) {
			for (unsigned int j = i; j + 1 < h->depth; j++)
				h->cls[j] = h->cls[j + 1];
			h->depth--;
			return;
		}
	lockdep_violation("unlock of a lock not held", 0, l->cls);
}
#endif
