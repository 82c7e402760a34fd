// SPDX-License-Identifier: GPL-2.0
/*
 * The scheduler's event rings (sched/trace.c): off by default, sizes,
 * wrap-around keeping the newest records, one ring per pCPU, the dump
 * format scripts/trace2json.py reads, and hvctl trace's reads while a
 * ring goes on being written.
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
	/* Rings, but not recording until asked (trace_boot, hvctl trace). */
	assert_false(trace_enabled());
	trace_rec(0, 999, TR_PICK, 1, 0);
	assert_int_equal(trace_pos(0), 0);
	trace_set_enabled(true);
	assert_true(trace_enabled());
	assert_int_equal(trace_capacity(), 4);
	assert_int_equal(trace_cpus(), 2);
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

/* Reads of a window, and of records overwritten since. */
static void test_read(void **state)
{
	struct trace_rec out[8];
	uint64_t from;

	assert_int_equal(trace_init(2, mem, 4), 0);
	trace_set_enabled(true);
	for (int i = 0; i < 3; i++)
		trace_rec(1, 100 + i, TR_WAKE, 2, 0);
	assert_int_equal(trace_pos(1), 3);
	/* [1, 3), at most 8. */
	from = 1;
	assert_int_equal(trace_read(1, &from, 3, out, 8), 2);
	assert_int_equal(from, 1);
	assert_int_equal(out[0].tsc, 101);
	assert_int_equal(out[1].tsc, 102);
	/* At most max, and never past the count written. */
	from = 0;
	assert_int_equal(trace_read(1, &from, 100, out, 1), 1);
	assert_int_equal(out[0].tsc, 100);
	from = 3;
	assert_int_equal(trace_read(1, &from, 100, out, 8), 0);
	/* Four more: records 0..2 are gone, the read starts at 3. */
	for (int i = 3; i < 7; i++)
		trace_rec(1, 100 + i, TR_WAKE, 2, 0);
	from = 0;
	assert_int_equal(trace_read(1, &from, 7, out, 8), 4);
	assert_int_equal(from, 3);
	assert_int_equal(out[0].tsc, 103);
	assert_int_equal(out[3].tsc, 106);
	/* Off again: nothing more is written; a CPU out of range reads none. */
	trace_set_enabled(false);
	trace_rec(1, 500, TR_WAKE, 2, 0);
	assert_int_equal(trace_pos(1), 7);
	from = 0;
	assert_int_equal(trace_read(5, &from, 7, out, 8), 0);
	/* No rings: nothing can be switched on. */
	trace_init(2, mem, 0);
	trace_set_enabled(true);
	assert_false(trace_enabled());
	assert_int_equal(trace_capacity(), 0);
}

static void test_type_names(void **state)
{
	for (int t = 0; t < TR_TYPES; t++)
		assert_string_not_equal(trace_type_name(t), "?");
	assert_string_equal(trace_type_name(TR_TYPES), "?");
	for (uint32_t w = TRI_NONE; w <= TRI_DONE; w++)
		assert_string_not_equal(trace_irq_name(w), "?");
	assert_string_equal(trace_irq_name(TRI_PREEMPT), "preempt");
	assert_string_equal(trace_irq_name(TRI_DONE + 1), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_off),
		cmocka_unit_test(test_bad_sizes),
		cmocka_unit_test(test_wrap_and_format),
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_type_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
