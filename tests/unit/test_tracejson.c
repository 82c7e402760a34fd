// SPDX-License-Identifier: GPL-2.0
/*
 * hvctl trace's timeline (src/tracejson.c): runs between picks on each
 * pCPU's track with the right start and length in microseconds, early
 * runs marked, instant events for the other records with names from the
 * legend, a ring's out-of-order pick time kept in order, lost records
 * said on the track's name, and a well-formed file.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "src/tracejson.h"

static struct ctl_trace legend;
static char *text;
static size_t text_len;

static void setup_legend(void)
{
	memset(&legend, 0, sizeof(legend));
	legend.tsc_khz = 1000;		/* 1 tick = 1 us */
	legend.n_ents = 2;
	legend.ent_id[0] = 0;
	legend.ent_id[1] = 7;
	strcpy(legend.ent_name[0], "linux/0");
	strcpy(legend.ent_name[1], "mb/\"1\"");	/* quoted in JSON */
	legend.n_exit_names = 2;
	strcpy(legend.exit_name[0], "exception");
	strcpy(legend.exit_name[1], "external-interrupt");
	for (int c = 0; c < CTL_CPUS_MAX; c++)
		legend.running[c] = TRACE_NONE;
}

static long write_json(const struct tj_cpu *cpus, uint32_t n)
{
	FILE *f;
	long events;

	free(text);
	text = NULL;
	f = open_memstream(&text, &text_len);
	assert_non_null(f);
	events = trace_json_write(f, &legend, cpus, n);
	assert_int_equal(fclose(f), 0);
	return events;
}

static void expect(const char *needle)
{
	if (!strstr(text, needle))
		fail_msg("missing %s in:\n%s", needle, text);
}

/* Braces and brackets balance outside strings, and it ends in "]}". */
static void expect_well_formed(void)
{
	int depth = 0;
	int in_str = 0;

	for (const char *p = text; *p; p++) {
		if (in_str) {
			if (*p == '\\')
				p++;
			else if (*p == '"')
				in_str = 0;
			continue;
		}
		if (*p == '"')
			in_str = 1;
		else if (*p == '{' || *p == '[')
			depth++;
		else if (*p == '}' || *p == ']')
			assert_true(--depth >= 0);
	}
	assert_int_equal(depth, 0);
	assert_false(in_str);
	expect("\n]}\n");
}

static void test_runs_and_instants(void **state)
{
	const struct trace_rec c0[] = {
		{ .tsc = 100, .type = TR_PICK, .ent = 0, .arg = TRACE_NONE },
		{ .tsc = 150, .type = TR_EXIT, .ent = 0, .arg = 1 },
		{ .tsc = 160, .type = TR_IRQ, .ent = 7, .arg = TRI_PREEMPT | 0 << 8 },
		{ .tsc = 170, .type = TR_PICK, .ent = 7, .arg = TRP_EARLY | 0 },
		{ .tsc = 171, .type = TR_WAKE, .ent = 0, .arg = 1 << 8 },
		/* The pick's time is its pass's start: kept after 171. */
		{ .tsc = 165, .type = TR_PICK, .ent = TRACE_NONE, .arg = 7 },
	};
	const struct trace_rec c1[] = {
		{ .tsc = 120, .type = TR_MOVE, .ent = 0, .arg = 1 << 8 | 0 },
		{ .tsc = 2500, .type = TR_MARK, .ent = TRACE_NONE, .arg = 5 },
	};
	struct tj_cpu cpus[2] = {
		{ .recs = c0, .n = 6 }, { .recs = c1, .n = 2, .lost = 40 },
	};

	setup_legend();
	/* process + 2 thread names, 2 runs, 3 + 2 instants. */
	assert_int_equal(write_json(cpus, 2), 3 + 2 + 5);
	expect_well_formed();
	expect("\"name\":\"thread_name\",\"args\":{\"name\":\"pCPU 0\"}");
	expect("\"args\":{\"name\":\"pCPU 1 (40 older records lost)\"}");
	/* linux/0 from 100 us (t0) to the early pick at 170. */
	expect("{\"ph\":\"X\",\"pid\":0,\"tid\":0,\"cat\":\"run\",\"name\":\"linux/0\",\"ts\":0.000,\"dur\":70.000,\"args\":{\"vcpu\":\"linux/0\",\"early\":false}}");
	/* mb/"1" early from 170 to the idle pick, held at 171. */
	expect("\"name\":\"mb/\\\"1\\\" (early)\",\"ts\":70.000,\"dur\":1.000,");
	expect("\"s\":\"t\",\"cat\":\"exit\",\"name\":\"exit linux/0 external-interrupt\",\"ts\":50.000}");
	expect("\"name\":\"irq mb/\\\"1\\\" preempt (queue 0)\",\"ts\":60.000}");
	expect("\"name\":\"wake linux/0 waits (queue 1)\",\"ts\":71.000}");
	expect("{\"ph\":\"i\",\"pid\":0,\"tid\":1,\"s\":\"t\",\"cat\":\"sched\",\"name\":\"move linux/0 1 -> 0\",\"ts\":20.000}");
	expect("\"name\":\"mark 5\",\"ts\":2400.000}");
	/* Idle is no run. */
	assert_null(strstr(text, "\"name\":\"idle"));
}

/* A ring that starts past its first pick, fractions of a microsecond. */
static void test_partial_ring(void **state)
{
	const struct trace_rec c0[] = {
		{ .tsc = 1000, .type = TR_BLOCK, .ent = 7 },
		{ .tsc = 1003, .type = TR_PICK, .ent = 0, .arg = TRACE_NONE },
		{ .tsc = 1010, .type = TR_EXIT, .ent = 0, .arg = 99 },
	};
	struct tj_cpu cpus[1] = { { .recs = c0, .n = 3 } };

	setup_legend();
	legend.tsc_khz = 3000;		/* 3 ticks a microsecond */
	assert_int_equal(write_json(cpus, 1), 2 + 1 + 2);
	expect_well_formed();
	expect("\"name\":\"block mb/\\\"1\\\"\",\"ts\":0.000}");
	/* The last run ends at the trace's last record. */
	expect("\"name\":\"linux/0\",\"ts\":1.000,\"dur\":2.333,");
	/* An exit code past the legend's names. */
	expect("\"name\":\"exit linux/0 ?\",\"ts\":3.333}");
}

/*
 * A pCPU that ran one vCPU through the whole trace has no pick in it:
 * the legend's running entity gives that run, from the trace's start;
 * not where the ring lost the start.
 */
static void test_running_at_start(void **state)
{
	const struct trace_rec c0[] = {
		{ .tsc = 500, .type = TR_EXIT, .ent = 7, .arg = 0 },
		{ .tsc = 900, .type = TR_EXIT, .ent = 7, .arg = 1 },
	};
	const struct trace_rec c1[] = {
		{ .tsc = 100, .type = TR_WAKE, .ent = 0, .arg = 1 << 8 },
		{ .tsc = 300, .type = TR_PICK, .ent = 0, .arg = 7 },
	};
	struct tj_cpu cpus[2] = { { .recs = c0, .n = 2 }, { .recs = c1, .n = 2 } };

	setup_legend();
	legend.running[0] = 7;
	legend.running[1] = 7;
	/* 3 names, a run on each pCPU from t0 = 100, linux/0's on pCPU 1, 4 instants. */
	assert_int_equal(write_json(cpus, 2), 3 + 3 + 3);
	expect_well_formed();
	expect("{\"ph\":\"X\",\"pid\":0,\"tid\":0,\"cat\":\"run\",\"name\":\"mb/\\\"1\\\"\",\"ts\":0.000,\"dur\":800.000,");
	expect("{\"ph\":\"X\",\"pid\":0,\"tid\":1,\"cat\":\"run\",\"name\":\"mb/\\\"1\\\"\",\"ts\":0.000,\"dur\":200.000,");
	expect("\"tid\":1,\"cat\":\"run\",\"name\":\"linux/0\",\"ts\":200.000,\"dur\":600.000,");
	/* A ring that lost its start: what ran then is not known. */
	cpus[0].lost = 5;
	assert_int_equal(write_json(cpus, 2), 3 + 2 + 3);
	assert_null(strstr(text, "\"tid\":0,\"cat\":\"run\""));
}

static void test_empty(void **state)
{
	struct tj_cpu cpus[2] = { { 0 } };

	setup_legend();
	assert_int_equal(write_json(cpus, 2), 3);
	expect_well_formed();
	/* No TSC rate, no timeline. */
	legend.tsc_khz = 0;
	assert_int_equal(trace_json_write(stderr, &legend, cpus, 2), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_runs_and_instants),
		cmocka_unit_test(test_partial_ring),
		cmocka_unit_test(test_running_at_start),
		cmocka_unit_test(test_empty),
	};
	int r = cmocka_run_group_tests(tests, NULL, NULL);

	free(text);
	return r;
}
