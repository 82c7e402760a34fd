// SPDX-License-Identifier: GPL-2.0
/* Rate limits for guest-triggered messages (ratelimit.h). */
#include "src/core/ratelimit.h"

bool ratelimit_allow(struct ratelimit *rl, uint64_t now, uint64_t interval,
		     uint32_t burst, uint32_t *missed)
{
	uint64_t start = __atomic_load_n(&rl->start, __ATOMIC_RELAXED);

	*missed = 0;
	/* A time before the window's start (another pCPU's TSC) is in it. */
	if (!start || (now > start && now - start >= interval)) {
		/* One caller opens the window; the others count in it. */
		if (__atomic_compare_exchange_n(&rl->start, &start, now ? now : 1,
						false, __ATOMIC_ACQ_REL,
						__ATOMIC_RELAXED)) {
			__atomic_store_n(&rl->printed, 0, __ATOMIC_RELAXED);
			*missed = __atomic_exchange_n(&rl->missed, 0,
						      __ATOMIC_ACQ_REL);
		}
	}
	if (__atomic_fetch_add(&rl->printed, 1, __ATOMIC_RELAXED) < burst)
		return true;
	__atomic_fetch_add(&rl->missed, 1, __ATOMIC_RELAXED);
	return false;
}

uint32_t ratelimit_take_missed(struct ratelimit *rl)
{
	return __atomic_exchange_n(&rl->missed, 0, __ATOMIC_ACQ_REL);
}
