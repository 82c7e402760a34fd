// SPDX-License-Identifier: GPL-2.0
/*
 * The console's byte ring (src/lib/logring.c): lines come out whole and
 * in order across the wrap, a line that does not fit is dropped whole
 * and counted, and taking makes room again.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "src/lib/logring.h"

static void test_order_and_wrap(void **state)
{
	char buf[16], out[32];
	struct logring r;
	size_t n;

	logring_init(&r, buf, sizeof(buf));
	assert_int_equal(logring_append(&r, "hello\n", 6), 0);
	assert_int_equal(logring_append(&r, "world\n", 6), 0);
	assert_int_equal(logring_take(&r, out, 4), 4);
	assert_memory_equal(out, "hell", 4);
	/* 8 free: this one wraps round the end. */
	assert_int_equal(logring_append(&r, "wrapped\n", 8), 0);
	assert_int_equal(logring_pending(&r), 16);
	n = logring_take(&r, out, sizeof(out));
	assert_int_equal(n, 16);
	assert_memory_equal(out, "o\nworld\nwrapped\n", 16);
	assert_int_equal(logring_pending(&r), 0);
	assert_int_equal(logring_take(&r, out, sizeof(out)), 0);
}

static void test_full_drops_whole_lines(void **state)
{
	char buf[10], out[16];
	struct logring r;

	logring_init(&r, buf, sizeof(buf));
	assert_int_equal(logring_append(&r, "12345678\n", 9), 0);
	/* 1 byte free: a 3-byte line is dropped whole, not cut. */
	assert_int_equal(logring_append(&r, "ab\n", 3), -1);
	assert_int_equal(r.dropped, 3);
	assert_int_equal(logring_append(&r, "\n", 1), 0);
	assert_int_equal(logring_take(&r, out, sizeof(out)), 10);
	assert_memory_equal(out, "12345678\n\n", 10);
	/* Room again. */
	assert_int_equal(logring_append(&r, "ab\n", 3), 0);
	/* Longer than the ring: never fits. */
	assert_int_equal(logring_append(&r, "0123456789abc", 13), -1);
	assert_int_equal(r.dropped, 16);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_and_wrap),
		cmocka_unit_test(test_full_drops_whole_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
