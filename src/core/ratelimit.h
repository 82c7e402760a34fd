/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Rate limits for what guests can make hvisor print (an unknown MSR in
 * a loop, a driver that breaks its queues again and again): at most
 * @burst messages a window of @interval ticks, the rest counted and
 * reported once the next message goes out ("N more suppressed") or at
 * the end of the run. Lock-free: any pCPU may call it at any time; the
 * counts are exact, which window a racing message falls into is not.
 */
#ifndef HV_CORE_RATELIMIT_H
#define HV_CORE_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

struct ratelimit {
	uint64_t start;		/* the current window's start (ticks) */
	uint32_t printed;	/* messages let through in it */
	uint32_t missed;	/* suppressed and not reported yet */
};

/*
 * May a message go out at @now? Opening a new window (@interval ticks
 * after the last) hands over the number suppressed before in *@missed
 * (else 0): say it first.
 */
bool ratelimit_allow(struct ratelimit *rl, uint64_t now, uint64_t interval,
		     uint32_t burst, uint32_t *missed);
/* Suppressed and not reported yet, now reported (the run's end). */
uint32_t ratelimit_take_missed(struct ratelimit *rl);

#endif
