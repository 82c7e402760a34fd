/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A discrete-event simulator for the scheduler tests: pCPUs that enter
 * and leave "guest mode", vCPUs that hog, sleep or yield, a fake arch
 * that records kicks and delivers them after an IPI delay, and the real
 * software timers (sched/timer.c) for wake-ups.
 *
 * Time moves only from event to event: a slice end (the VMX-preemption
 * timer, armed at entry with sched_slice_end()), a software timer, an IPI,
 * or the moment a vCPU's own burst ends (it blocks or yields). The
 * scheduler sees exactly those `now` values. 1 TSC tick is 1 ns.
 *
 * Beside the scheduler's own statistics the simulator measures, on its
 * own, how long each vCPU ran, every wake-to-run latency, the longest
 * runnable wait, the pCPUs each ran on and its migrations, and it checks
 * on every pick that affinity holds and that no vCPU runs on two pCPUs.
 */
#ifndef TESTS_UNIT_SCHED_SIM_H
#define TESTS_UNIT_SCHED_SIM_H

#include <stdlib.h>
#include <string.h>

#include "sched/sched.h"
#include "sched/timer.h"

#define SIM_KHZ		1000000ULL		/* 1 GHz */
#define US(x)		((uint64_t)(x) * 1000)
#define MS(x)		((uint64_t)(x) * 1000000)
#define SIM_T0		MS(10)			/* not 0: a TSC is never 0 */
#define SIM_MAX_ENTS	16
#define SIM_MAX_CPUS	4
#define SIM_LAT_MAX	8192
#define SIM_MAX_STEPS	20000000

enum sim_kind {
	SIM_HOG,	/* always runnable */
	SIM_SLEEPER,	/* runs `burst`, blocks for sleep_min..sleep_max */
	SIM_YIELDER,	/* runs `burst`, yields, again */
	SIM_TICKED,	/* always runnable, and an interrupt every `period` */
};

struct sim_ent {
	struct sched_entity se;
	enum sim_kind kind;
	uint64_t burst;
	uint64_t sleep_min, sleep_max;
	uint64_t period;	/* SIM_TICKED */
	uint64_t burst_max;	/* SIM_TICKED: service in burst..burst_max */
	uint64_t served;	/* SIM_TICKED: the current interrupt's service */
	int wake_cpu;		/* pCPU of its wake-up timer; -1: its own */
	uint64_t left;		/* run time left in the current burst */
	struct sw_timer timer;
	bool blocked;
	bool running;
	int last_cpu;		/* where it last ran, -1 before */

	/* Measured by the simulator. */
	uint64_t added_at;
	uint64_t ran;
	uint64_t woke_at;	/* pending wake-up or interrupt, 0 when none */
	uint32_t n_lat;
	uint64_t lat[SIM_LAT_MAX];
	uint64_t wait_start;	/* runnable and not running since */
	uint64_t max_wait;
	uint64_t ran_on;	/* mask of pCPUs */
	uint32_t migrations;
	uint32_t runs;		/* switches in */
};

struct sim_cpu {
	struct sim_ent *cur;
	uint64_t start;		/* cur entered the guest then */
	uint64_t deadline;	/* preemption timer armed at entry */
	uint64_t kick_at;	/* a reschedule IPI lands then */
	uint64_t idle;		/* total idle time */
	uint64_t idle_since;
	uint32_t kicks;
};

struct sim {
	struct sched_params p;
	uint64_t now;
	uint64_t ipi_delay;
	uint32_t self_kicks;
	uint32_t n_ents;
	struct sim_ent ents[SIM_MAX_ENTS];
	struct sim_cpu cpu[SIM_MAX_CPUS];
	uint64_t rng;
	uint64_t steps;
};

static struct sim sim;
static uint32_t sim_this;	/* the pCPU the simulator acts for */

/* ---- fake arch ------------------------------------------------------------ */

static void sim_kick(uint32_t cpu)
{
	struct sim_cpu *pc;

	assert_true(cpu < sim.p.n_cpus);
	if (cpu == sim_this)
		sim.self_kicks++;
	pc = &sim.cpu[cpu];
	pc->kicks++;
	if (pc->kick_at == UINT64_MAX)
		pc->kick_at = sim.now + sim.ipi_delay;
}

static uint32_t sim_this_cpu(void)
{
	return sim_this;
}

static const struct sched_arch sim_arch = {
	.kick = sim_kick,
	.this_cpu = sim_this_cpu,
};

/* ---- set-up --------------------------------------------------------------- */

static uint64_t sim_rand(void)
{
	/* xorshift64: the same run every time. */
	sim.rng ^= sim.rng << 13;
	sim.rng ^= sim.rng >> 7;
	sim.rng ^= sim.rng << 17;
	return sim.rng;
}

static void sim_init(enum sched_policy_id policy, uint32_t n_cpus,
		     uint64_t slice_us, uint64_t latency_us)
{
	uint32_t c;

	memset(&sim, 0, sizeof(sim));
	sim.p.policy = policy;
	sim.p.n_cpus = n_cpus;
	sim.p.tsc_khz = SIM_KHZ;
	sim.p.slice = US(slice_us);
	sim.p.latency = US(latency_us);
	sim.p.irq_steal = true;
	sim.now = SIM_T0;
	sim.ipi_delay = US(2);
	sim.rng = 0x9e3779b97f4a7c15ULL;
	for (c = 0; c < SIM_MAX_CPUS; c++) {
		sim.cpu[c].deadline = UINT64_MAX;
		sim.cpu[c].kick_at = UINT64_MAX;
		sim.cpu[c].idle_since = SIM_T0;
	}
	sim_this = 0;
	assert_int_equal(sched_init(&sim.p, &sim_arch), 0);
	timer_init(n_cpus);
}

static void sim_wake_fn(struct sw_timer *t, uint64_t now)
{
	struct sim_ent *e = t->data;

	assert_true(e->blocked);
	e->blocked = false;
	e->woke_at = now;
	e->wait_start = now;
	sched_wake(&e->se, now);
}

struct sim_cpu;
static void sim_leave_guest(struct sim_cpu *pc);

/* SIM_TICKED: an interrupt's latency, recorded once its service is done. */
static void sim_irq_done(struct sim_ent *e)
{
	if (e->n_lat < SIM_LAT_MAX)
		e->lat[e->n_lat++] = sim.now - e->woke_at - e->served;
	e->woke_at = 0;
}

/*
 * SIM_TICKED: its interrupt, which needs `burst` of run time to be
 * served (a guest's handler and the thread it wakes). One still being
 * served absorbs the next.
 */
static void sim_irq_fn(struct sw_timer *t, uint64_t now)
{
	struct sim_ent *e = t->data;

	timer_arm(&e->timer, e->wake_cpu >= 0 ? e->wake_cpu : (int)sim_this,
		  now + e->period);
	if (e->woke_at)
		return;
	/* Its pCPU's books up to now, so that the service starts here. */
	if (e->running)
		sim_leave_guest(&sim.cpu[e->last_cpu]);
	e->woke_at = now;
	e->served = e->burst;
	if (e->burst_max > e->burst)
		e->served += sim_rand() % (e->burst_max - e->burst + 1);
	e->left = e->served;
	if (e->running && !e->served) {
		sim_irq_done(e);
		return;
	}
	sched_interrupt(&e->se, now);
}

static struct sim_ent *sim_ent(const char *name, enum sim_kind kind,
			       uint32_t weight, uint64_t affinity)
{
	struct sim_ent *e;

	assert_true(sim.n_ents < SIM_MAX_ENTS);
	e = &sim.ents[sim.n_ents++];
	e->se.name = name;
	e->se.weight = weight;
	e->se.affinity = affinity;
	e->se.owner = e;
	e->kind = kind;
	e->wake_cpu = -1;
	e->last_cpu = -1;
	e->timer.fn = sim_wake_fn;
	e->timer.data = e;
	return e;
}

static struct sim_ent *sim_hog(const char *name, uint32_t weight,
			       uint64_t affinity)
{
	return sim_ent(name, SIM_HOG, weight, affinity);
}

static struct sim_ent *sim_sleeper(const char *name, uint32_t weight,
				   uint64_t affinity, uint64_t burst,
				   uint64_t sleep_min, uint64_t sleep_max)
{
	struct sim_ent *e = sim_ent(name, SIM_SLEEPER, weight, affinity);

	e->burst = burst;
	e->left = burst;
	e->sleep_min = sleep_min;
	e->sleep_max = sleep_max;
	return e;
}

static struct sim_ent *sim_yielder(const char *name, uint32_t weight,
				   uint64_t affinity, uint64_t burst)
{
	struct sim_ent *e = sim_ent(name, SIM_YIELDER, weight, affinity);

	e->burst = burst;
	e->left = burst;
	return e;
}

/*
 * A hog with an interrupt every @period, the first at @first, each
 * served by @service of run time (from @service to e->burst_max, drawn
 * for each interrupt, when the caller sets that).
 */
static struct sim_ent *sim_ticked(const char *name, uint32_t weight,
				  uint64_t affinity, uint64_t period,
				  uint64_t first, uint64_t service)
{
	struct sim_ent *e = sim_ent(name, SIM_TICKED, weight, affinity);

	e->period = period;
	e->burst = service;
	e->timer.fn = sim_irq_fn;
	timer_arm(&e->timer, 0, sim.now + first);
	return e;
}

/* sched_add() from pCPU 0, as the boot CPU does. */
static int sim_add(struct sim_ent *e)
{
	int ret;

	sim_this = 0;
	e->added_at = sim.now;
	e->wait_start = sim.now;
	ret = sched_add(&e->se, sim.now);
	if (!ret)
		e->last_cpu = e->se.cpu;	/* a pull before its first run moves it too */
	return ret;
}

/* Every pCPU enters its scheduling loop. */
static void sim_start(void)
{
	uint32_t c;

	for (c = 0; c < sim.p.n_cpus; c++)
		sim.cpu[c].kick_at = sim.now;
}

/* ---- the event loop ------------------------------------------------------- */

static uint64_t min64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static uint64_t sim_cpu_next(uint32_t c)
{
	struct sim_cpu *pc = &sim.cpu[c];
	uint64_t t = min64(pc->deadline, pc->kick_at);

	t = min64(t, timer_next(c));
	if (pc->cur && pc->cur->kind != SIM_HOG &&
	    (pc->cur->kind != SIM_TICKED || pc->cur->woke_at))
		t = min64(t, pc->start + pc->cur->left);
	return t;
}

/* Charge the simulator's own clocks of pCPU @c's guest up to now. */
static void sim_leave_guest(struct sim_cpu *pc)
{
	struct sim_ent *e = pc->cur;
	uint64_t ran;

	if (!e)
		return;
	ran = sim.now - pc->start;
	e->ran += ran;
	if (e->kind != SIM_HOG)
		e->left -= ran < e->left ? ran : e->left;
	pc->start = sim.now;
}

static void sim_switch(uint32_t c, struct sched_entity *next)
{
	struct sim_cpu *pc = &sim.cpu[c];
	struct sim_ent *prev = pc->cur, *e = next ? next->owner : NULL;
	uint32_t i;

	if (prev && prev != e) {
		prev->running = false;
		if (!prev->blocked)
			prev->wait_start = sim.now;
	}
	if (!prev && e)
		pc->idle += sim.now - pc->idle_since;
	if (prev && !e)
		pc->idle_since = sim.now;
	pc->cur = e;
	pc->start = sim.now;
	if (!e || e == prev)
		return;

	/* Checks on every pick. */
	assert_true(next->state == VCPU_RUNNING);
	assert_true(sched_current(c) == next);
	assert_false(e->blocked);
	assert_true(next->affinity & (1ULL << c));
	for (i = 0; i < sim.p.n_cpus; i++)
		assert_true(i == c || sim.cpu[i].cur != e);

	e->running = true;
	e->runs++;
	e->ran_on |= 1ULL << c;
	if (e->last_cpu >= 0 && e->last_cpu != (int)c)
		e->migrations++;
	e->last_cpu = c;
	if (sim.now - e->wait_start > e->max_wait)
		e->max_wait = sim.now - e->wait_start;
	if (e->kind == SIM_TICKED) {
		if (e->woke_at && !e->left)
			sim_irq_done(e);
	} else if (e->woke_at) {
		if (e->n_lat < SIM_LAT_MAX)
			e->lat[e->n_lat++] = sim.now - e->woke_at;
		e->woke_at = 0;
	}
}

/* pCPU @c leaves the guest at sim.now: what the VM-exit path does. */
static void sim_exit(uint32_t c)
{
	struct sim_cpu *pc = &sim.cpu[c];
	struct sim_ent *e = pc->cur;
	uint64_t sleep;
	int tcpu;

	sim_this = c;
	if (pc->kick_at <= sim.now)
		pc->kick_at = UINT64_MAX;
	sim_leave_guest(pc);
	if (e && e->kind == SIM_TICKED && e->woke_at && !e->left)
		sim_irq_done(e);
	timer_run(c, sim.now);
	if (e && e->kind != SIM_HOG && e->kind != SIM_TICKED && !e->left) {
		e->left = e->burst;
		if (e->kind == SIM_SLEEPER) {
			sleep = e->sleep_min;
			if (e->sleep_max > e->sleep_min)
				sleep += sim_rand() %
					 (e->sleep_max - e->sleep_min + 1);
			tcpu = e->wake_cpu >= 0 ? e->wake_cpu : (int)c;
			e->blocked = true;
			timer_arm(&e->timer, tcpu, sim.now + sleep);
			sched_block(&e->se, sim.now);
		} else {
			sched_yield(&e->se, sim.now);
		}
	}
	if (sim.now >= pc->deadline)
		sched_tick(c, sim.now);
	if (sched_need_resched(c))
		sim_switch(c, sched_pick(c, sim.now));
	/* A slice end already past exits at once, as a zero timer does. */
	pc->deadline = sched_slice_end(c, sim.now);
	if (pc->deadline < sim.now)
		pc->deadline = sim.now;
}

static void sim_run(uint64_t duration)
{
	uint64_t end = sim.now + duration;
	uint32_t c;

	for (;;) {
		uint64_t t = UINT64_MAX;
		uint32_t best = 0;

		for (c = 0; c < sim.p.n_cpus; c++) {
			uint64_t tc = sim_cpu_next(c);

			if (tc < t) {
				t = tc;
				best = c;
			}
		}
		if (t > end)
			break;
		/* Time never runs back (sim_cpu_next() clamps past deadlines). */
		assert_true(t >= sim.now);
		sim.now = t;
		sim_exit(best);
		assert_true(++sim.steps < SIM_MAX_STEPS);
	}
	sim.now = end;
	for (c = 0; c < sim.p.n_cpus; c++)
		sim_leave_guest(&sim.cpu[c]);
}

/*
 * Bring the scheduler's books up to now and check them against the
 * simulator's: run time exact to the tick, and every tick since
 * sched_add() in exactly one of run, wait and blocked.
 */
static void sim_check_books(void)
{
	uint32_t i, c;

	for (i = 0; i < sim.n_ents; i++) {
		struct sim_ent *e = &sim.ents[i];
		const struct sched_stats *st = &e->se.st;

		if (!e->added_at)
			continue;
		sched_account(&e->se, sim.now);
		assert_true(st->run == e->ran);
		assert_true(st->run + st->wait + st->blocked ==
			    sim.now - e->added_at);
		assert_true(st->migrations == e->migrations);
	}
	for (c = 0; c < sim.p.n_cpus; c++) {
		struct sim_cpu *pc = &sim.cpu[c];

		if (!pc->cur) {
			pc->idle += sim.now - pc->idle_since;
			pc->idle_since = sim.now;
		}
	}
	assert_int_equal(sim.self_kicks, 0);
}

/* ---- measurements ---------------------------------------------------------- */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The @pct percentile of @e's wake-up latencies, exact, in ticks. */
static uint64_t sim_lat_pct(struct sim_ent *e, unsigned int pct)
{
	static uint64_t sorted[SIM_LAT_MAX];
	uint32_t idx;

	assert_true(e->n_lat > 0);
	memcpy(sorted, e->lat, e->n_lat * sizeof(sorted[0]));
	qsort(sorted, e->n_lat, sizeof(sorted[0]), cmp_u64);
	idx = (e->n_lat * pct + 99) / 100;
	return sorted[idx ? idx - 1 : 0];
}

static uint64_t sim_lat_max(struct sim_ent *e)
{
	return sim_lat_pct(e, 100);
}

/* The scheduler's histogram agrees: @ticks falls in the bucket it names. */
static void sim_check_bucket(uint64_t ticks, uint64_t upper_us)
{
	uint64_t us = ticks / 1000;

	assert_true(us < upper_us);
	assert_true(upper_us == 2 || us >= upper_us / 2);
}

#endif
