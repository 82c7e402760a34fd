// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for hvctl's FDT messages (src/core/ctlmsg.c): each request
 * and reply round-trips, the length comes from the header, and a
 * malformed, truncated, foreign or wrong-version message is refused.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <libfdt.h>

#include "src/core/ctlmsg.h"

static uint8_t buf[CTL_MSG_MAX];

static void test_request_round_trip(void **state)
{
	struct ctl_req in = { .cmd = CTL_RESTART }, out;
	int n;

	strcpy(in.guest, "mb");
	n = ctl_req_encode(buf, sizeof(buf), &in);
	assert_true(n > 0);
	assert_int_equal(ctl_msg_len(buf, (size_t)n), n);
	assert_int_equal(ctl_req_decode(buf, (size_t)n, &out), 0);
	assert_int_equal(out.cmd, CTL_RESTART);
	assert_string_equal(out.guest, "mb");

	in = (struct ctl_req){ .cmd = CTL_POLICY };
	strcpy(in.policy, "rr");
	n = ctl_req_encode(buf, sizeof(buf), &in);
	assert_int_equal(ctl_req_decode(buf, (size_t)n, &out), 0);
	assert_int_equal(out.cmd, CTL_POLICY);
	assert_string_equal(out.policy, "rr");
	/* policy needs one. */
	in.policy[0] = 0;
	n = ctl_req_encode(buf, sizeof(buf), &in);
	assert_int_equal(ctl_req_decode(buf, (size_t)n, &out), -EINVAL);

	in = (struct ctl_req){ .cmd = CTL_SET, .weight = 512 };
	strcpy(in.guest, "mb");
	n = ctl_req_encode(buf, sizeof(buf), &in);
	assert_int_equal(ctl_req_decode(buf, (size_t)n, &out), 0);
	assert_int_equal(out.cmd, CTL_SET);
	assert_int_equal(out.weight, 512);
	/* Or cpus, or both; set needs one of them. */
	in.weight = 0;
	in.cpus = 0x6;
	n = ctl_req_encode(buf, sizeof(buf), &in);
	assert_int_equal(ctl_req_decode(buf, (size_t)n, &out), 0);
	assert_int_equal(out.weight, 0);
	assert_int_equal(out.cpus, 0x6);
	in.cpus = 0;
	n = ctl_req_encode(buf, sizeof(buf), &in);
	assert_int_equal(ctl_req_decode(buf, (size_t)n, &out), -EINVAL);

	/* A trace's steps: stop and read name their session, read its place. */
	in = (struct ctl_req){ .cmd = CTL_TRACE_READ, .session = 7, .cpu = 1,
			       .from = 1ULL << 40 };
	n = ctl_req_encode(buf, sizeof(buf), &in);
	assert_int_equal(ctl_req_decode(buf, (size_t)n, &out), 0);
	assert_int_equal(out.cmd, CTL_TRACE_READ);
	assert_int_equal(out.session, 7);
	assert_int_equal(out.cpu, 1);
	assert_int_equal(out.from, 1ULL << 40);
	in = (struct ctl_req){ .cmd = CTL_TRACE_STOP, .session = 7 };
	n = ctl_req_encode(buf, sizeof(buf), &in);
	assert_int_equal(ctl_req_decode(buf, (size_t)n, &out), 0);
	assert_int_equal(out.session, 7);
	/* A read without its place is refused. */
	assert_int_equal(fdt_open_into(buf, buf, sizeof(buf)), 0);
	assert_int_equal(fdt_setprop_string(buf, 0, "command", "trace-read"), 0);
	assert_int_equal(ctl_req_decode(buf, fdt_totalsize(buf), &out), -EINVAL);

	in = (struct ctl_req){ .cmd = CTL_LIST };
	n = ctl_req_encode(buf, sizeof(buf), &in);
	assert_int_equal(ctl_req_decode(buf, (size_t)n, &out), 0);
	assert_int_equal(out.cmd, CTL_LIST);
	assert_string_equal(out.guest, "");
}

static void test_reply_round_trip(void **state)
{
	static struct ctl_reply in, out;
	int n;

	memset(&in, 0, sizeof(in));
	strcpy(in.scheduler, "fair");
	in.n_guests = 2;
	strcpy(in.guests[0].name, "linux");
	strcpy(in.guests[0].state, "running");
	in.guests[0].vcpus = 2;
	in.guests[0].cpus = 0x3;
	in.guests[0].root = true;
	strcpy(in.guests[1].name, "mb");
	strcpy(in.guests[1].state, "stopped");
	in.guests[1].vcpus = 1;
	in.guests[1].cpus = 1ull << 40;
	in.guests[1].restarts = 3;
	in.guests[1].weight = 512;
	in.guests[1].exit_code = 64;
	n = ctl_reply_encode(buf, sizeof(buf), &in);
	assert_true(n > 0);
	assert_int_equal(ctl_reply_decode(buf, (size_t)n, &out), 0);
	assert_int_equal(out.status, 0);
	assert_string_equal(out.scheduler, "fair");
	assert_int_equal(out.n_guests, 2);
	assert_memory_equal(&out.guests, &in.guests, sizeof(in.guests));

	/* An error reply carries its text. */
	memset(&in, 0, sizeof(in));
	in.status = -ENOENT;
	strcpy(in.error, "no guest 'x'");
	n = ctl_reply_encode(buf, sizeof(buf), &in);
	assert_int_equal(ctl_reply_decode(buf, (size_t)n, &out), 0);
	assert_int_equal(out.status, -ENOENT);
	assert_string_equal(out.error, "no guest 'x'");
	assert_int_equal(out.n_guests, 0);
}

static void test_length_from_header(void **state)
{
	struct ctl_req in = { .cmd = CTL_LIST };
	int n = ctl_req_encode(buf, sizeof(buf), &in);

	/* Not all of the header yet: ask for more. */
	assert_int_equal(ctl_msg_len(buf, 10), 0);
	assert_int_equal(ctl_msg_len(buf, 40), n);
	/* A truncated message does not decode. */
	assert_int_equal(ctl_req_decode(buf, (size_t)n - 1, &(struct ctl_req){ 0 }),
			 -EINVAL);
	/* Not an FDT, or one bigger than a message may be. */
	memset(buf, 'x', 64);
	assert_int_equal(ctl_msg_len(buf, 64), -EINVAL);
	n = ctl_req_encode(buf, sizeof(buf), &in);
	fdt_set_totalsize(buf, CTL_MSG_MAX + 1);
	assert_int_equal(ctl_msg_len(buf, (size_t)n), -EINVAL);
}

/* A request written by hand, to break it in ways the encoder cannot. */
static int hand(uint32_t version, const char *cmd, const void *guest,
		int guest_len)
{
	assert_int_equal(fdt_create(buf, sizeof(buf)), 0);
	assert_int_equal(fdt_finish_reservemap(buf), 0);
	assert_int_equal(fdt_begin_node(buf, ""), 0);
	assert_int_equal(fdt_property_u32(buf, "hvctl-version", version), 0);
	if (cmd)
		assert_int_equal(fdt_property_string(buf, "command", cmd), 0);
	if (guest)
		assert_int_equal(fdt_property(buf, "guest", guest, guest_len), 0);
	assert_int_equal(fdt_end_node(buf), 0);
	assert_int_equal(fdt_finish(buf), 0);
	return (int)fdt_totalsize(buf);
}

static void test_bad_requests(void **state)
{
	struct ctl_req r;
	int n;

	n = hand(CTL_VERSION, "list", NULL, 0);
	assert_int_equal(ctl_req_decode(buf, (size_t)n, &r), 0);
	n = hand(CTL_VERSION + 1, "list", NULL, 0);
	assert_int_equal(ctl_req_decode(buf, (size_t)n, &r), -EPROTO);
	n = hand(CTL_VERSION, "format", NULL, 0);
	assert_int_equal(ctl_req_decode(buf, (size_t)n, &r), -EINVAL);
	n = hand(CTL_VERSION, NULL, NULL, 0);
	assert_int_equal(ctl_req_decode(buf, (size_t)n, &r), -EINVAL);
	/* stop and restart need a guest. */
	n = hand(CTL_VERSION, "stop", NULL, 0);
	assert_int_equal(ctl_req_decode(buf, (size_t)n, &r), -EINVAL);
	/* A name without its NUL, one with an escape, one too long. */
	n = hand(CTL_VERSION, "stop", "mb", 2);
	assert_int_equal(ctl_req_decode(buf, (size_t)n, &r), -EINVAL);
	n = hand(CTL_VERSION, "stop", "m\x1b", 3);
	assert_int_equal(ctl_req_decode(buf, (size_t)n, &r), -EINVAL);
	n = hand(CTL_VERSION, "stop",
		 "0123456789012345678901234567890123456789", 41);
	assert_int_equal(ctl_req_decode(buf, (size_t)n, &r), -EINVAL);
	n = hand(CTL_VERSION, "stop", "mb", 3);
	assert_int_equal(ctl_req_decode(buf, (size_t)n, &r), 0);
	assert_int_equal(r.cmd, CTL_STOP);
}

/* top's reply: every vCPU's counters, and the biggest rig fits. */
static void test_top_reply(void **state)
{
	static struct ctl_reply in, out;
	int n;

	memset(&in, 0, sizeof(in));
	strcpy(in.scheduler, "fair");
	in.now_us = 123456789012ull;
	in.n_guests = CTL_GUESTS_MAX;
	for (uint32_t i = 0; i < CTL_GUESTS_MAX; i++) {
		struct ctl_guest *g = &in.guests[i];

		snprintf(g->name, sizeof(g->name), "guest-with-a-name-%u", i);
		strcpy(g->state, "restarting");
		g->vcpus = g->n_stats = CTL_VCPUS_MAX;
		g->cpus = ~0ull;
		for (uint32_t v = 0; v < CTL_VCPUS_MAX; v++)
			g->vcpu[v] = (struct ctl_vcpu){
				.run_us = ~0ull - v, .wait_us = 1ull << 40,
				.blocked_us = 7, .switches = 1ull << 33,
				.exits = 99, .pcpu = v, .wake_p50_us = 64,
				.wake_p99_us = 1u << 31,
			};
		/* Every guest with its busiest exit reasons, longest names. */
		g->n_reasons = CTL_REASONS_MAX;
		for (uint32_t r = 0; r < CTL_REASONS_MAX; r++) {
			memset(g->reason[r], 'a' + r, CTL_EXIT_NAME_MAX - 1);
			g->reason[r][CTL_EXIT_NAME_MAX - 1] = 0;
			g->reason[r][3] = ' ';	/* names have spaces */
			g->reason_exits[r] = (1ull << 40) + r;
		}
	}
	n = ctl_reply_encode(buf, sizeof(buf), &in);
	assert_true(n > 0 && n <= CTL_MSG_MAX);
	assert_int_equal(ctl_reply_decode(buf, (size_t)n, &out), 0);
	assert_true(out.now_us == in.now_us);
	assert_int_equal(out.n_guests, CTL_GUESTS_MAX);
	assert_memory_equal(&out.guests, &in.guests, sizeof(in.guests));
}

/* A count of reasons that does not match its names is malformed. */
static void test_top_reasons_mismatch(void **state)
{
	static struct ctl_reply in, out;
	int n, g;

	memset(&in, 0, sizeof(in));
	in.n_guests = 1;
	strcpy(in.guests[0].name, "a");
	strcpy(in.guests[0].state, "running");
	in.guests[0].n_reasons = 2;
	strcpy(in.guests[0].reason[0], "HLT");
	strcpy(in.guests[0].reason[1], "preemption timer");
	in.guests[0].reason_exits[0] = 5;
	in.guests[0].reason_exits[1] = 6;
	n = ctl_reply_encode(buf, sizeof(buf), &in);
	assert_int_equal(ctl_reply_decode(buf, (size_t)n, &out), 0);
	assert_int_equal(out.guests[0].n_reasons, 2);
	assert_string_equal(out.guests[0].reason[1], "preemption timer");
	assert_int_equal(out.guests[0].reason_exits[1], 6);
	assert_int_equal(fdt_open_into(buf, buf, sizeof(buf)), 0);
	g = fdt_path_offset(buf, "/guests/guest@0");
	assert_true(g >= 0);
	assert_int_equal(fdt_setprop_u64(buf, g, "exit-counts", 5), 0);
	assert_int_equal(ctl_reply_decode(buf, fdt_totalsize(buf), &out), -EINVAL);
}

/* Each part of a trace reply, and a records reply at its largest. */
static void test_trace_replies(void **state)
{
	static struct ctl_reply in, out;
	int n;

	memset(&in, 0, sizeof(in));
	in.trace_part = CTL_TP_LEGEND;
	in.trace.session = 3;
	in.trace.capacity = 4096;
	in.trace.n_cpus = 2;
	in.trace.tsc_khz = 50000;
	in.trace.running[0] = TRACE_NONE;
	in.trace.running[1] = 5;
	in.trace.n_ents = 2;
	in.trace.ent_id[0] = 0;
	in.trace.ent_id[1] = 5;
	strcpy(in.trace.ent_name[0], "linux/0");
	strcpy(in.trace.ent_name[1], "mb/1");
	in.trace.n_exit_names = CTL_EXIT_NAMES;
	for (int i = 0; i < CTL_EXIT_NAMES; i++)
		snprintf(in.trace.exit_name[i], sizeof(in.trace.exit_name[0]),
			 i == 3 ? "" : "reason-%d", i);
	n = ctl_reply_encode(buf, sizeof(buf), &in);
	assert_true(n > 0);
	assert_int_equal(ctl_reply_decode(buf, (size_t)n, &out), 0);
	assert_int_equal(out.trace_part, CTL_TP_LEGEND);
	assert_int_equal(out.trace.session, 3);
	assert_int_equal(out.trace.capacity, 4096);
	assert_int_equal(out.trace.n_cpus, 2);
	assert_int_equal(out.trace.tsc_khz, 50000);
	assert_int_equal(out.trace.running[0], TRACE_NONE);
	assert_int_equal(out.trace.running[1], 5);
	assert_int_equal(out.trace.n_ents, 2);
	assert_int_equal(out.trace.ent_id[1], 5);
	assert_string_equal(out.trace.ent_name[1], "mb/1");
	assert_int_equal(out.trace.n_exit_names, CTL_EXIT_NAMES);
	assert_string_equal(out.trace.exit_name[3], "");
	assert_string_equal(out.trace.exit_name[79], "reason-79");

	memset(&in, 0, sizeof(in));
	in.trace_part = CTL_TP_WINDOWS;
	in.trace.session = 3;
	in.trace.n_cpus = 2;
	in.trace.start[0] = 10;
	in.trace.end[0] = 5000;
	in.trace.start[1] = 1ULL << 33;
	in.trace.end[1] = (1ULL << 33) + 7;
	n = ctl_reply_encode(buf, sizeof(buf), &in);
	assert_int_equal(ctl_reply_decode(buf, (size_t)n, &out), 0);
	assert_int_equal(out.trace_part, CTL_TP_WINDOWS);
	assert_int_equal(out.trace.end[0], 5000);
	assert_int_equal(out.trace.start[1], 1ULL << 33);
	assert_int_equal(out.trace.end[1], (1ULL << 33) + 7);
	/* A window that ends before it starts is malformed. */
	in.trace.end[1] = 1;
	n = ctl_reply_encode(buf, sizeof(buf), &in);
	assert_int_equal(ctl_reply_decode(buf, (size_t)n, &out), -EINVAL);

	memset(&in, 0, sizeof(in));
	in.trace_part = CTL_TP_RECORDS;
	in.trace.session = 3;
	in.trace.cpu = 1;
	in.trace.from = 123456789;
	in.trace.n_recs = CTL_TRACE_RECS;
	for (uint32_t i = 0; i < CTL_TRACE_RECS; i++)
		in.trace.recs[i] = (struct trace_rec){
			.tsc = 0x123456789aULL + i, .arg = 0xdeadbeef - i,
			.ent = (uint16_t)(i % 3 ? i : TRACE_NONE),
			.type = (uint8_t)(i % TR_TYPES) };
	n = ctl_reply_encode(buf, sizeof(buf), &in);
	assert_true(n > 0 && n <= CTL_MSG_MAX);
	assert_int_equal(ctl_reply_decode(buf, (size_t)n, &out), 0);
	assert_int_equal(out.trace_part, CTL_TP_RECORDS);
	assert_int_equal(out.trace.cpu, 1);
	assert_int_equal(out.trace.from, 123456789);
	assert_int_equal(out.trace.n_recs, CTL_TRACE_RECS);
	assert_memory_equal(out.trace.recs, in.trace.recs,
			    sizeof(in.trace.recs));
	/* A records blob that is not whole records is malformed. */
	assert_int_equal(fdt_open_into(buf, buf, sizeof(buf)), 0);
	assert_int_equal(fdt_setprop(buf, fdt_subnode_offset(buf, 0, "trace"),
				     "records", "abc", 3), 0);
	assert_int_equal(ctl_reply_decode(buf, fdt_totalsize(buf), &out), -EINVAL);
	/* So is an unknown part. */
	n = ctl_reply_encode(buf, sizeof(buf), &in);
	assert_int_equal(fdt_open_into(buf, buf, sizeof(buf)), 0);
	assert_int_equal(fdt_setprop_string(buf, fdt_subnode_offset(buf, 0, "trace"),
					    "part", "film"), 0);
	assert_int_equal(ctl_reply_decode(buf, fdt_totalsize(buf), &out), -EINVAL);
}

static void test_reply_too_big(void **state)
{
	static struct ctl_reply in;
	uint8_t small[96];

	memset(&in, 0, sizeof(in));
	in.n_guests = 1;
	strcpy(in.guests[0].name, "a-guest-with-a-long-name");
	strcpy(in.guests[0].state, "running");
	assert_int_equal(ctl_reply_encode(small, sizeof(small), &in), -E2BIG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_round_trip),
		cmocka_unit_test(test_reply_round_trip),
		cmocka_unit_test(test_length_from_header),
		cmocka_unit_test(test_bad_requests),
		cmocka_unit_test(test_top_reply),
		cmocka_unit_test(test_top_reasons_mismatch),
		cmocka_unit_test(test_trace_replies),
		cmocka_unit_test(test_reply_too_big),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
