// SPDX-License-Identifier: GPL-2.0
/* Unit tests for the restart budget (src/core/crashloop.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "src/core/crashloop.h"

#define WIN	60

static void test_five_then_loop(void **state)
{
	struct crashloop l = { 0 };

	for (uint64_t t = 100; t < 105; t++)
		assert_true(crashloop_admit(&l, t, WIN));
	assert_int_equal(l.restarts, 5);
	/* The sixth within the window of the first: refused, not counted. */
	assert_false(crashloop_admit(&l, 160, WIN));
	assert_int_equal(l.restarts, 5);
}

static void test_window_slides(void **state)
{
	struct crashloop l = { 0 };

	for (uint64_t t = 0; t < 5; t++)
		assert_true(crashloop_admit(&l, t * 10, WIN));	/* 0..40 */
	/* 61 s after the first (at 0): the oldest fell out of the window. */
	assert_true(crashloop_admit(&l, 61, WIN));
	/* Now the last five are 10, 20, 30, 40, 61: the oldest is 10. */
	assert_false(crashloop_admit(&l, 70, WIN));
	assert_true(crashloop_admit(&l, 71, WIN));
	assert_int_equal(l.restarts, 7);
}

static void test_slow_crashes_never_loop(void **state)
{
	struct crashloop l = { 0 };

	/* One crash every 20 s: at most three in any 60 s, forever. */
	for (uint64_t i = 0; i < 100; i++)
		assert_true(crashloop_admit(&l, i * 20, WIN));
	assert_int_equal(l.restarts, 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_five_then_loop),
		cmocka_unit_test(test_window_slides),
		cmocka_unit_test(test_slow_crashes_never_loop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
