// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the software timers (sched/timer.c): ordering, cancel,
 * re-arm, running only what has expired, timer_next(), and callbacks
 * that arm or cancel timers themselves.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "sched/timer.h"

#define LOG_MAX	32

static int fired[LOG_MAX];
static uint64_t fired_now[LOG_MAX];
static int n_fired;
static struct sw_timer t[6];

static void record(struct sw_timer *tm, uint64_t now)
{
	assert_false(tm->armed);
	if (n_fired < LOG_MAX) {
		fired[n_fired] = (int)(tm - t);
		fired_now[n_fired] = now;
	}
	n_fired++;
}

static int setup(void **state)
{
	int i;

	timer_init(2);
	memset(t, 0, sizeof(t));
	for (i = 0; i < 6; i++)
		t[i].fn = record;
	n_fired = 0;
	return 0;
}

static void test_order(void **state)
{
	assert_true(timer_next(0) == UINT64_MAX);
	timer_arm(&t[0], 0, 300);
	timer_arm(&t[1], 0, 100);
	timer_arm(&t[2], 0, 200);
	timer_arm(&t[3], 0, 200);	/* equal deadlines: arming order */
	assert_true(t[0].armed && t[1].armed);
	assert_true(timer_next(0) == 100);
	assert_true(timer_next(1) == UINT64_MAX);

	assert_int_equal(timer_run(0, 250), 3);
	assert_int_equal(n_fired, 3);
	assert_int_equal(fired[0], 1);
	assert_int_equal(fired[1], 2);
	assert_int_equal(fired[2], 3);
	assert_true(fired_now[0] == 250);
	assert_true(timer_next(0) == 300);
	assert_false(t[1].armed);
	assert_true(t[0].armed);
}

static void test_expired_only(void **state)
{
	timer_arm(&t[0], 0, 100);
	timer_arm(&t[1], 0, 101);
	assert_int_equal(timer_run(0, 99), 0);
	assert_int_equal(n_fired, 0);
	/* A deadline equal to now has expired. */
	assert_int_equal(timer_run(0, 100), 1);
	assert_int_equal(fired[0], 0);
	assert_int_equal(timer_run(0, 100), 0);
	assert_int_equal(timer_run(0, 1000), 1);
	assert_int_equal(timer_run(0, 2000), 0);
	assert_true(timer_next(0) == UINT64_MAX);
}

static void test_cancel(void **state)
{
	timer_arm(&t[0], 0, 100);
	timer_arm(&t[1], 0, 200);
	timer_arm(&t[2], 0, 300);
	timer_cancel(&t[1]);
	assert_false(t[1].armed);
	timer_cancel(&t[0]);
	assert_true(timer_next(0) == 300);
	assert_int_equal(timer_run(0, 1000), 1);
	assert_int_equal(fired[0], 2);
	/* Cancelling what is not armed is harmless. */
	timer_cancel(&t[1]);
	timer_cancel(&t[4]);
	assert_true(timer_next(0) == UINT64_MAX);
}

static void test_rearm(void **state)
{
	timer_arm(&t[0], 0, 100);
	timer_arm(&t[0], 0, 500);
	assert_true(timer_next(0) == 500);
	assert_int_equal(timer_run(0, 200), 0);
	/* Earlier again, then onto the other pCPU. */
	timer_arm(&t[0], 0, 50);
	assert_true(timer_next(0) == 50);
	timer_arm(&t[0], 1, 70);
	assert_true(timer_next(0) == UINT64_MAX);
	assert_true(timer_next(1) == 70);
	assert_int_equal(t[0].cpu, 1);
	assert_int_equal(timer_run(0, 100), 0);
	assert_int_equal(timer_run(1, 100), 1);
	assert_int_equal(n_fired, 1);
}

/* Out-of-range pCPUs are ignored, not indexed. */
static void test_bad_cpu(void **state)
{
	timer_arm(&t[0], 7, 100);
	assert_false(t[0].armed);
	assert_true(timer_next(7) == UINT64_MAX);
	assert_int_equal(timer_run(7, 1000), 0);
}

/* A periodic timer re-arms itself from its callback. */
static void periodic(struct sw_timer *tm, uint64_t now)
{
	record(tm, now);
	timer_arm(tm, tm->cpu, tm->deadline + 100);
}

/* A broken one re-arms itself in the past. */
static void rearm_now(struct sw_timer *tm, uint64_t now)
{
	record(tm, now);
	timer_arm(tm, tm->cpu, now);
}

/* This one cancels t[1] and arms t[2] on its own pCPU. */
static void meddle(struct sw_timer *tm, uint64_t now)
{
	record(tm, now);
	timer_cancel(&t[1]);
	timer_arm(&t[2], 0, now + 10);
}

static void test_callbacks(void **state)
{
	t[0].fn = periodic;
	timer_arm(&t[0], 0, 100);
	assert_int_equal(timer_run(0, 100), 1);
	assert_true(timer_next(0) == 200);
	/* Late: each call catches up by one period. */
	assert_int_equal(timer_run(0, 450), 1);
	assert_true(timer_next(0) == 300);
	timer_cancel(&t[0]);

	n_fired = 0;
	t[3].fn = rearm_now;
	timer_arm(&t[3], 1, 10);
	assert_int_equal(timer_run(1, 20), 1);
	assert_true(t[3].armed);
	assert_true(timer_next(1) == 20);
	assert_int_equal(timer_run(1, 20), 1);
	timer_cancel(&t[3]);

	/* A callback cancels another expired timer: that one never runs. */
	n_fired = 0;
	t[0].fn = meddle;
	timer_arm(&t[0], 0, 100);
	timer_arm(&t[1], 0, 100);
	assert_int_equal(timer_run(0, 100), 1);
	assert_int_equal(n_fired, 1);
	assert_false(t[1].armed);
	assert_true(t[2].armed);
	assert_true(timer_next(0) == 110);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_order, setup),
		cmocka_unit_test_setup(test_expired_only, setup),
		cmocka_unit_test_setup(test_cancel, setup),
		cmocka_unit_test_setup(test_rearm, setup),
		cmocka_unit_test_setup(test_bad_cpu, setup),
		cmocka_unit_test_setup(test_callbacks, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
