// SPDX-License-Identifier: GPL-2.0
/*
 * The scheduler's event rings (sched/trace.c): off by default, sizes,
 * wrap-around keeping the newest records, one ring per pCPU, and the
 * dump format scripts/trace2json.py reads.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "sched/trace.h"

#define MAX_LINES	32

static char lines[MAX_LINES][96];
static int n_lines;

static void collect(void *ctx, const char *line)
{
	assert_true(n_lines < MAX_LINES);
	snprintf(lines[n_lines++], sizeof(lines[0]), "%s", line);
}

static void dump(void)
{
	n_lines = 0;
	trace_dump(collect, NULL);
}

static struct trace_rec mem[2 * 4];

static void test_off(void **state)
{
	assert_int_equal(trace_init(2, mem, 0), 0);
	assert_false(trace_enabled());
	memset(mem, 0xaa, sizeof(mem));
	trace_rec(0, 100, TR_PICK, 1, 0);
	assert_int_equal(mem[0].tsc, 0xaaaaaaaaaaaaaaaaULL);
	dump();
	assert_int_equal(n_lines, 0);
}

static void test_bad_sizes(void **state)
{
	assert_int_equal(trace_init(2, mem, 3), -1);
	assert_false(trace_enabled());
	assert_int_equal(trace_init(2, NULL, 4), -1);
	assert_int_equal(trace_init(0, mem, 4), -1);
	assert_int_equal(trace_init(1000, mem, 4), -1);
	assert_false(trace_enabled());
}

static void test_wrap_and_format(void **state)
{
	assert_int_equal(trace_init(2, mem, 4), 0);
	assert_true(trace_enabled());
	for (int i = 1; i <= 6; i++)
		trace_rec(0, 1000 + i, TR_IRQ, 3, TRI_PREEMPT | 1 << 8);
	trace_rec(1, 2000, TR_PICK, TRACE_NONE, TRP_EARLY | 7);
	trace_rec(1, 2001, TR_MARK, TRACE_NONE, 9);
	/* A CPU beyond the rings is ignored, not written anywhere. */
	trace_rec(2, 3000, TR_EXIT, 1, 52);
	dump();
	assert_int_equal(n_lines, 2 + 4 + 2);
	assert_string_equal(lines[0], "trace-cpu 0 records 4 lost 2");
	/* Oldest kept first: records 3 to 6. */
	assert_string_equal(lines[1], "trace 0 1003 irq 3 0x103");
	assert_string_equal(lines[4], "trace 0 1006 irq 3 0x103");
	assert_string_equal(lines[5], "trace-cpu 1 records 2 lost 0");
	assert_string_equal(lines[6], "trace 1 2000 pick - 0x10007");
	assert_string_equal(lines[7], "trace 1 2001 mark - 0x9");
	trace_init(2, mem, 0);
}

static void test_type_names(void **state)
{
	for (int t = 0; t < TR_TYPES; t++)
		assert_string_not_equal(trace_type_name(t), "?");
	assert_string_equal(trace_type_name(TR_TYPES), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_off),
		cmocka_unit_test(test_bad_sizes),
		cmocka_unit_test(test_wrap_and_format),
		cmocka_unit_test(test_type_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
