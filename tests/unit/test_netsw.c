// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the guests' Ethernet switch (dev/netsw.c): learning,
 * flooding, filtering, moves, a full table, and frames it must not
 * forward.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "dev/netsw.h"

static struct netsw sw;
static uint8_t frame[64];

static const uint8_t bcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static void mac_of(uint8_t *m, unsigned int n)
{
	const uint8_t base[ETH_ALEN] = { 0x02, 0x68, 0x76, 0, 0, 0 };

	memcpy(m, base, ETH_ALEN);
	m[4] = (uint8_t)(n >> 8);
	m[5] = (uint8_t)n;
}

/* A frame from host @src to host @dst (-1: broadcast) in on @port. */
static uint32_t send(unsigned int port, unsigned int src, int dst)
{
	memset(frame, 0, sizeof(frame));
	if (dst < 0)
		memcpy(frame, bcast, ETH_ALEN);
	else
		mac_of(frame, (unsigned int)dst);
	mac_of(frame + ETH_ALEN, src);
	return netsw_route(&sw, port, frame, sizeof(frame));
}

static void ports(unsigned int n)
{
	netsw_init(&sw, "sw0");
	for (unsigned int i = 0; i < n; i++)
		assert_int_equal(netsw_add_port(&sw), (int)i);
}

static void test_learn_and_forward(void **state)
{
	uint8_t m[ETH_ALEN];

	ports(3);
	/* Unknown destination: every port but the one it came in on. */
	assert_int_equal(send(0, 1, 2), 0x6);
	assert_int_equal(sw.flooded, 1);
	mac_of(m, 1);
	assert_int_equal(netsw_lookup(&sw, m), 0);
	/* The answer goes to port 0 alone, and teaches port 2. */
	assert_int_equal(send(2, 2, 1), 0x1);
	assert_int_equal(send(0, 1, 2), 0x4);
	/* Broadcast floods, whatever is known. */
	assert_int_equal(send(1, 3, -1), 0x5);
	assert_int_equal(sw.frames, 4);
}

static void test_filter_and_move(void **state)
{
	uint8_t m[ETH_ALEN];

	ports(3);
	send(0, 1, -1);
	send(0, 5, -1);
	/* 1 and 5 both behind port 0: a frame between them stays there. */
	assert_int_equal(send(0, 5, 1), 0);
	assert_int_equal(sw.filtered, 1);
	/* Host 1 shows up behind port 2: it moves. */
	send(2, 1, -1);
	mac_of(m, 1);
	assert_int_equal(netsw_lookup(&sw, m), 2);
	assert_int_equal(send(0, 5, 1), 0x4);
}

static void test_multicast_source_not_learned(void **state)
{
	ports(2);
	memset(frame, 0, sizeof(frame));
	mac_of(frame, 9);
	memcpy(frame + ETH_ALEN, bcast, ETH_ALEN);
	assert_int_equal(netsw_route(&sw, 0, frame, sizeof(frame)), 0x2);
	/* Frames to ff:..:ff still flood: nothing learned the broadcast. */
	assert_int_equal(netsw_lookup(&sw, bcast), -1);
	/* Multicast (01:00:5e:...) floods too. */
	frame[0] = 0x01;
	assert_int_equal(netsw_route(&sw, 1, frame, sizeof(frame)), 0x1);
}

static void test_runts_and_bad_ports(void **state)
{
	ports(2);
	mac_of(frame, 1);
	assert_int_equal(netsw_route(&sw, 0, frame, ETH_HLEN - 1), 0);
	assert_int_equal(netsw_route(&sw, 2, frame, sizeof(frame)), 0);
	assert_int_equal(sw.runts, 2);
	assert_int_equal(sw.frames, 0);
	assert_int_equal(netsw_lookup(&sw, frame), -1);
}

static void test_ports_bounded(void **state)
{
	ports(NETSW_MAX_PORTS);
	assert_int_equal(netsw_add_port(&sw), -ENOSPC);
	/* All but port 7. */
	assert_int_equal(send(7, 1, -1), (1u << NETSW_MAX_PORTS) - 1 - 0x80);
}

/* A full table forgets the address seen longest ago, not the busy one. */
static void test_full_table_forgets_oldest(void **state)
{
	uint8_t m[ETH_ALEN];

	ports(2);
	for (unsigned int i = 0; i < NETSW_FDB_SIZE; i++)
		send(0, 100 + i, -1);
	/* 100 is the oldest until it speaks again; then 101 is. */
	send(0, 100, -1);
	send(1, 999, -1);
	mac_of(m, 100);
	assert_int_equal(netsw_lookup(&sw, m), 0);
	mac_of(m, 101);
	assert_int_equal(netsw_lookup(&sw, m), -1);
	mac_of(m, 999);
	assert_int_equal(netsw_lookup(&sw, m), 1);
	mac_of(m, 100 + NETSW_FDB_SIZE - 1);
	assert_int_equal(netsw_lookup(&sw, m), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_learn_and_forward),
		cmocka_unit_test(test_filter_and_move),
		cmocka_unit_test(test_multicast_source_not_learned),
		cmocka_unit_test(test_runts_and_bad_ports),
		cmocka_unit_test(test_ports_bounded),
		cmocka_unit_test(test_full_table_forgets_oldest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
