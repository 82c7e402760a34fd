// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for COM1 key decoding (src/conkeys.c): bytes to the guest
 * taking input, Ctrl-A keys for the hypervisor, moving input between
 * guests, and what happens when the chosen guest stops.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "src/conkeys.h"

#define CA	CONKEY_ESCAPE

static bool up[4];
static struct conkeys k;

static bool running(void *ctx, unsigned int i)
{
	assert_ptr_equal(ctx, up);
	assert_true(i < 4);
	return up[i];
}

static void setup_guests(int target, unsigned int n)
{
	for (unsigned int i = 0; i < 4; i++)
		up[i] = i < n;
	conkeys_init(&k, target, n, running, up);
}

static void expect(int c, enum conkey_act act, int guest, int key)
{
	struct conkey_res r = conkeys_feed(&k, c);

	assert_int_equal(r.act, act);
	if (act == CK_GUEST || act == CK_SWITCH || act == CK_NO_GUEST)
		assert_int_equal(r.guest, guest);
	if (act == CK_KEY)
		assert_int_equal(r.key, key);
}

static void test_bytes_go_to_target(void **state)
{
	setup_guests(1, 3);
	expect('a', CK_GUEST, 1, 0);
	expect('\r', CK_GUEST, 1, 0);
	/* Ctrl-A Ctrl-A is one literal Ctrl-A for the guest. */
	expect(CA, CK_NONE, 0, 0);
	expect(CA, CK_GUEST, 1, 0);
	expect('b', CK_GUEST, 1, 0);
	assert_int_equal(k.target, 1);
}

static void test_hypervisor_keys(void **state)
{
	setup_guests(0, 2);
	expect(CA, CK_NONE, 0, 0);
	expect('s', CK_KEY, 0, 's');
	/* The escape is one key long. */
	expect('s', CK_GUEST, 0, 0);
	expect(CA, CK_NONE, 0, 0);
	expect('?', CK_KEY, 0, '?');
	assert_int_equal(k.target, 0);
}

static void test_next_wraps_and_skips_stopped(void **state)
{
	setup_guests(0, 4);
	up[2] = false;
	expect(CA, CK_NONE, 0, 0);
	expect('n', CK_SWITCH, 1, 0);
	expect('x', CK_GUEST, 1, 0);
	expect(CA, CK_NONE, 0, 0);
	expect('n', CK_SWITCH, 3, 0);	/* 2 stopped */
	expect(CA, CK_NONE, 0, 0);
	expect('n', CK_SWITCH, 0, 0);	/* wraps */
	expect('y', CK_GUEST, 0, 0);
}

static void test_digit_picks_guest(void **state)
{
	setup_guests(0, 3);
	expect(CA, CK_NONE, 0, 0);
	expect('2', CK_SWITCH, 2, 0);
	expect('z', CK_GUEST, 2, 0);
	/* No such guest: input stays where it was. */
	expect(CA, CK_NONE, 0, 0);
	expect('7', CK_NO_GUEST, 7, 0);
	expect('z', CK_GUEST, 2, 0);
	/* A stopped one: the same. */
	up[1] = false;
	expect(CA, CK_NONE, 0, 0);
	expect('1', CK_NO_GUEST, 1, 0);
	assert_int_equal(k.target, 2);
}

static void test_stopped_target_gives_keys(void **state)
{
	setup_guests(1, 2);
	expect('a', CK_GUEST, 1, 0);
	up[1] = false;
	/* Every byte is a key now, with or without Ctrl-A. */
	expect('s', CK_KEY, 0, 's');
	expect(CA, CK_NONE, 0, 0);
	expect('v', CK_KEY, 0, 'v');
	expect('n', CK_SWITCH, 0, 0);
	expect('b', CK_GUEST, 0, 0);
}

static void test_escape_pending_when_target_stops(void **state)
{
	setup_guests(0, 2);
	expect(CA, CK_NONE, 0, 0);
	up[0] = false;
	/* The half-typed escape is dropped: 'a' is a key, not a guest byte. */
	expect('a', CK_KEY, 0, 'a');
	expect(CA, CK_NONE, 0, 0);
	expect('1', CK_SWITCH, 1, 0);
	/* The escape state did not leak across the switch. */
	expect('s', CK_GUEST, 1, 0);
}

static void test_no_target_at_boot(void **state)
{
	setup_guests(-1, 2);
	expect('s', CK_KEY, 0, 's');
	expect('n', CK_SWITCH, 0, 0);
	expect('q', CK_GUEST, 0, 0);
}

static void test_nothing_running(void **state)
{
	setup_guests(0, 2);
	up[0] = up[1] = false;
	expect('n', CK_NO_GUEST, -1, 0);
	expect('0', CK_NO_GUEST, 0, 0);
	assert_int_equal(k.target, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bytes_go_to_target),
		cmocka_unit_test(test_hypervisor_keys),
		cmocka_unit_test(test_next_wraps_and_skips_stopped),
		cmocka_unit_test(test_digit_picks_guest),
		cmocka_unit_test(test_stopped_target_gives_keys),
		cmocka_unit_test(test_escape_pending_when_target_stops),
		cmocka_unit_test(test_no_target_at_boot),
		cmocka_unit_test(test_nothing_running),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
