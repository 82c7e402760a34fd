/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Software timers, one sorted list per pCPU. Timer callbacks run on that
 * pCPU at an exit boundary or in its idle loop, whether or not the vCPU
 * that armed them is running.
 */
#ifndef HV_SCHED_TIMER_H
#define HV_SCHED_TIMER_H

#include <stdbool.h>
#include <stdint.h>

struct sw_timer {
	uint64_t deadline;	/* TSC */
	void (*fn)(struct sw_timer *t, uint64_t now);
	void *data;
	struct sw_timer *next;
	uint32_t cpu;
	bool armed;
};

void timer_init(uint32_t n_cpus);
/* (Re)arm @t on @cpu for @deadline. */
void timer_arm(struct sw_timer *t, uint32_t cpu, uint64_t deadline);
void timer_cancel(struct sw_timer *t);
/* Earliest deadline on @cpu, or UINT64_MAX. */
uint64_t timer_next(uint32_t cpu);
/* Run every timer on @cpu whose deadline is <= @now. Returns how many. */
int timer_run(uint32_t cpu, uint64_t now);

#endif
