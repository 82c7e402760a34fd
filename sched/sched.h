/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The vCPU scheduler: one run queue per pCPU, a policy behind an ops
 * table, accounting in TSC ticks. Plain C: the hypervisor and the host
 * unit tests both link it; hardware is reached only through sched_arch.
 *
 * Every entry point runs at a VM-exit boundary (or in the idle loop) with
 * interrupts off; the hypervisor is never preempted. Queues are guarded
 * by per-queue spinlocks because wake-ups and idle pulls cross CPUs.
 */
#ifndef HV_SCHED_SCHED_H
#define HV_SCHED_SCHED_H

#include <stdbool.h>
#include <stdint.h>
#include "src/lib/spinlock.h"

#define SCHED_MAX_CPUS		16
#define SCHED_HIST_BUCKETS	24	/* log2 microsecond buckets */

enum sched_policy_id {
	SCHED_FAIR,
	SCHED_RR,
	SCHED_PARTITION,
};

enum vcpu_state {
	VCPU_RUNNING,
	VCPU_RUNNABLE,
	VCPU_BLOCKED,
	VCPU_STOPPED,		/* its guest ended; never runs again */
};

struct sched_stats {
	uint64_t run;		/* TSC ticks in each state */
	uint64_t wait;		/* runnable but not running: steal */
	uint64_t blocked;
	uint64_t switches;	/* times it was switched in */
	uint64_t migrations;
	uint64_t wakeups;
	uint64_t preemptions;	/* descheduled while still runnable */
	uint64_t yields;
	uint64_t boosts;	/* run early for an interrupt */
	uint64_t irq_capped;	/* refused one: too far ahead of the other */
	uint64_t irq_behind;	/* waited for another's early run first */
	uint64_t irq_done;	/* guards ended early: done, another waited */
	uint64_t irq_steals;	/* moved to another pCPU to take one now */
	uint64_t wake_lat_max;	/* TSC ticks */
	/* Bucket i counts values in [2^i, 2^(i+1)) us; bucket 0 also < 1 us. */
	uint32_t wake_lat[SCHED_HIST_BUCKETS];
	/* From an interrupt for it while it waited (preempted) to its run. */
	uint64_t irq_lat_max;
	uint32_t irq_lat[SCHED_HIST_BUCKETS];
	uint32_t slice[SCHED_HIST_BUCKETS];
};

/* One schedulable vCPU; embedded in struct vcpu. */
struct sched_entity {
	/* Filled by the owner before sched_add(). */
	uint64_t affinity;	/* allowed pCPUs */
	uint32_t weight;	/* 1..65535, 256 is normal */
	const char *name;	/* for the statistics table */
	void *owner;
	uint16_t tid;		/* its number in the event trace (trace.h) */

	/* Owned by the scheduler. */
	enum vcpu_state state;
	uint32_t cpu;		/* the queue it is on, or ran on last */
	struct sched_entity *rq_next, *rq_prev;
	uint32_t pol_gen;	/* the policy switch it was set up after */
	bool on_rq;
	uint64_t vruntime;	/* fair: weighted virtual time */
	uint32_t vrem;		/* fair: remainder of the last charge */
	uint64_t since;		/* TSC of the last state change */
	uint64_t woken_at;	/* TSC of the wake-up not yet served, or 0 */
	uint64_t irq_at;	/* TSC of an interrupt that found it waiting */
	uint64_t slice_start;
	struct sched_stats st;
};

struct sched_params {
	enum sched_policy_id policy;
	uint32_t n_cpus;
	uint64_t tsc_khz;
	uint64_t slice;		/* TSC ticks */
	uint64_t latency;	/* TSC ticks: the wake-up latency bound */
	uint64_t boost;		/* TSC ticks of an early run; 0: latency / 4 */
	bool irq_steal;		/* an interrupt that would wait may move pCPU */
};

/* What the scheduler needs from the machine. */
struct sched_arch {
	/* Make @cpu come back to sched_pick() soon (reschedule IPI). */
	void (*kick)(uint32_t cpu);
	/* The CPU this code runs on. */
	uint32_t (*this_cpu)(void);
};

int sched_init(const struct sched_params *p, const struct sched_arch *arch);
const char *sched_policy_name(enum sched_policy_id id);
/* TSC ticks to microseconds at the scheduler's TSC rate, no overflow. */
uint64_t sched_ticks_to_us(uint64_t ticks);
/* The policy the pCPUs run now, by name. */
const char *sched_current_policy(void);
/*
 * Switch every pCPU to @id (fair or rr; partition is chosen at boot),
 * with all run queues locked: the queued entities move to the new
 * policy's queue in their order, the running ones go on, and each starts
 * level, as a newcomer would (a blocked one when it wakes). Every busy
 * pCPU is kicked to pick again. 0, or -EINVAL for partition or no policy.
 */
int sched_set_policy(enum sched_policy_id id, uint64_t now);
/*
 * @se's weight from now on (1..65535), its time so far charged at the
 * old one. 0, or -EINVAL.
 */
int sched_set_weight(struct sched_entity *se, uint32_t weight, uint64_t now);
/*
 * The pCPUs @se may run on from now on (hvctl set cpus=): a queued or
 * blocked entity on a queue left out moves at once; the running one
 * when its pCPU next picks (it is asked to, now). 0, -EINVAL (no
 * existing pCPU in @mask), -EPERM (an exclusive policy: partition).
 */
int sched_set_affinity(struct sched_entity *se, uint64_t mask, uint64_t now);

/*
 * Make @se known and RUNNABLE on the least loaded allowed queue.
 * -EBUSY when the policy cannot place it (partition: no free pCPU).
 */
int sched_add(struct sched_entity *se, uint64_t now);
/* @se's guest ended: take it off its queue for good. */
void sched_remove(struct sched_entity *se, uint64_t now);

/*
 * At an exit boundary (or in the idle loop) on @cpu: put the current
 * entity back if it is still runnable, choose what runs next, account
 * the switch. Returns NULL when nothing may run here; an idle @cpu first
 * tries to pull a runnable entity from the busiest queue it may use.
 */
struct sched_entity *sched_pick(uint32_t cpu, uint64_t now);
/* The TSC at which the current entity's slice on @cpu ends. */
uint64_t sched_slice_end(uint32_t cpu, uint64_t now);
/* The running entity on @cpu, or NULL. */
struct sched_entity *sched_current(uint32_t cpu);

/* The running entity on this CPU blocks (HLT with nothing pending). */
void sched_block(struct sched_entity *se, uint64_t now);
/* Make @se runnable (from any CPU); kicks its CPU when it should run. */
void sched_wake(struct sched_entity *se, uint64_t now);
/*
 * @se got an interrupt (from any CPU). When it waits on a queue while
 * another entity runs, the policy may run it at once for a short slice
 * (sched_boost_slice()), charged as any run, so that an interrupt is not
 * left waiting behind a whole slice of someone else.
 */
void sched_interrupt(struct sched_entity *se, uint64_t now);
/*
 * The running entity @se opened its interrupt window (it had interrupts
 * off when it was entered to take one): a short run for an interrupt
 * counts from here, once, up to twice its length in all.
 */
void sched_irq_open(struct sched_entity *se, uint64_t now);
/*
 * The guard of @cpu's running entity (it takes an interrupt: nobody cuts
 * it before irq_until), for the pCPU loop, as a racy hint: 0 when it has
 * none, else a number that changes with each new guard. *@waited:
 * another waits for the guard to end.
 */
uint32_t sched_guard(uint32_t cpu, uint64_t now, bool *waited);
/*
 * The running entity @se is done with the interrupt of its guard (back
 * where the interrupt found it): when another waits for that guard, it
 * ends now and the other runs. False where nothing changed.
 */
bool sched_irq_done(struct sched_entity *se, uint64_t now);
/* The running entity gives up the rest of its slice (PAUSE loop). */
void sched_yield(struct sched_entity *se, uint64_t now);
/* The slice timer fired on @cpu. */
void sched_tick(uint32_t cpu, uint64_t now);
/* Must @cpu call sched_pick() before entering its current entity? */
bool sched_need_resched(uint32_t cpu);

/* Bring @se's accounting up to @now (for a table printed mid-run). */
void sched_account(struct sched_entity *se, uint64_t now);
/*
 * The @pct percentile (1..100) of a log2 histogram, as the upper bound of
 * its bucket in microseconds; 0 when the histogram is empty.
 */
uint64_t sched_hist_pct_us(const uint32_t *hist, unsigned int pct);
/*
 * Print the per-vCPU statistics table through @print: a header, then one
 * line per entity; lines carry no newline.
 */
void sched_print_stats(struct sched_entity *const *ents, unsigned int n,
		       uint64_t now,
		       void (*print)(void *ctx, const char *line), void *ctx);

#endif
