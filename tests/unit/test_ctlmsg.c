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
	/* set needs a weight. */
	in.weight = 0;
	n = ctl_req_encode(buf, sizeof(buf), &in);
	assert_int_equal(ctl_req_decode(buf, (size_t)n, &out), -EINVAL);

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
	}
	n = ctl_reply_encode(buf, sizeof(buf), &in);
	assert_true(n > 0 && n <= CTL_MSG_MAX);
	assert_int_equal(ctl_reply_decode(buf, (size_t)n, &out), 0);
	assert_true(out.now_us == in.now_us);
	assert_int_equal(out.n_guests, CTL_GUESTS_MAX);
	assert_memory_equal(&out.guests, &in.guests, sizeof(in.guests));
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
		cmocka_unit_test(test_reply_too_big),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
