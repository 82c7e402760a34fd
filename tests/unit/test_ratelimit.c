// SPDX-License-Identifier: GPL-2.0
/*
 * Guest-triggered messages' rate limit (src/core/ratelimit.c): a burst
 * per window goes out, the rest are counted, the count is handed over
 * with the first message of a later window and at the end, and nothing
 * is lost or counted twice.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "src/core/ratelimit.h"

#define WIN	1000

static void test_burst_then_suppressed(void **state)
{
	struct ratelimit rl;
	uint32_t missed, out = 0;

	memset(&rl, 0, sizeof(rl));
	/* A flood: 100 messages in one window, 10 go out. */
	for (int i = 0; i < 100; i++) {
		if (ratelimit_allow(&rl, 5000 + i, WIN, 10, &missed))
			out++;
		assert_int_equal(missed, 0);
	}
	assert_int_equal(out, 10);
	/* The next window's first message carries the 90. */
	assert_true(ratelimit_allow(&rl, 5000 + WIN, WIN, 10, &missed));
	assert_int_equal(missed, 90);
	/* Reported once. */
	assert_true(ratelimit_allow(&rl, 5001 + WIN, WIN, 10, &missed));
	assert_int_equal(missed, 0);
	assert_int_equal(ratelimit_take_missed(&rl), 0);
}

static void test_end_of_run(void **state)
{
	struct ratelimit rl;
	uint32_t missed;

	memset(&rl, 0, sizeof(rl));
	for (int i = 0; i < 7; i++)
		ratelimit_allow(&rl, 1, WIN, 3, &missed);
	/* No later message: the summary takes the 4 left. */
	assert_int_equal(ratelimit_take_missed(&rl), 4);
	assert_int_equal(ratelimit_take_missed(&rl), 0);
}

/* A time of 0 (a guest's first exit at TSC 0) still opens a window. */
static void test_time_zero(void **state)
{
	struct ratelimit rl;
	uint32_t missed;

	memset(&rl, 0, sizeof(rl));
	assert_true(ratelimit_allow(&rl, 0, WIN, 1, &missed));
	assert_false(ratelimit_allow(&rl, 0, WIN, 1, &missed));
	assert_false(ratelimit_allow(&rl, WIN - 1, WIN, 1, &missed));
	assert_true(ratelimit_allow(&rl, WIN + 1, WIN, 1, &missed));
	assert_int_equal(missed, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_burst_then_suppressed),
		cmocka_unit_test(test_end_of_run),
		cmocka_unit_test(test_time_zero),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
