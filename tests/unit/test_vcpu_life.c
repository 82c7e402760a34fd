// SPDX-License-Identifier: GPL-2.0
/* Unit tests for the vCPU life state machine (src/core/vcpu_life.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "src/core/vcpu_life.h"

static int bugs;

static void bug(enum vcpu_life from, enum vcpu_life to)
{
	bugs++;
}

static void test_start_once(void **state)
{
	int life = VCPU_LIFE_CREATED;

	bugs = 0;
	/* Two starters: the first wins, the second sees it lost. */
	assert_true(vcpu_life_move(&life, VCPU_LIFE_CREATED, VCPU_LIFE_STARTING, bug));
	assert_false(vcpu_life_move(&life, VCPU_LIFE_CREATED, VCPU_LIFE_STARTING, bug));
	assert_false(vcpu_life_started(&life));
	assert_true(vcpu_life_move(&life, VCPU_LIFE_STARTING, VCPU_LIFE_STARTED, bug));
	assert_true(vcpu_life_started(&life));
	/* A late SIPI after the start loses too. */
	assert_false(vcpu_life_move(&life, VCPU_LIFE_CREATED, VCPU_LIFE_STARTING, bug));
	assert_int_equal(bugs, 0);
}

static void test_start_fails_back(void **state)
{
	int life = VCPU_LIFE_CREATED;

	bugs = 0;
	assert_true(vcpu_life_move(&life, VCPU_LIFE_CREATED, VCPU_LIFE_STARTING, bug));
	/* No room on a run queue: back to CREATED, and a later start works. */
	assert_true(vcpu_life_move(&life, VCPU_LIFE_STARTING, VCPU_LIFE_CREATED, bug));
	assert_true(vcpu_life_move(&life, VCPU_LIFE_CREATED, VCPU_LIFE_STARTING, bug));
	assert_int_equal(bugs, 0);
}

static void test_park(void **state)
{
	int life = VCPU_LIFE_STARTED;

	bugs = 0;
	assert_true(vcpu_life_move(&life, VCPU_LIFE_STARTED, VCPU_LIFE_PARKED, bug));
	assert_true(vcpu_life_started(&life));	/* still counts as started */
	assert_false(vcpu_life_move(&life, VCPU_LIFE_STARTED, VCPU_LIFE_PARKED, bug));
	/* A PV kick brings it back, once: two kickers race, one wins. */
	assert_true(vcpu_life_move(&life, VCPU_LIFE_PARKED, VCPU_LIFE_STARTED, bug));
	assert_false(vcpu_life_move(&life, VCPU_LIFE_PARKED, VCPU_LIFE_STARTED, bug));
	assert_int_equal(life, VCPU_LIFE_STARTED);
	assert_int_equal(bugs, 0);
}

static void test_illegal_edges(void **state)
{
	int life = VCPU_LIFE_CREATED;

	bugs = 0;
	/* Never run, so it cannot park; a parked vCPU never starts again. */
	assert_false(vcpu_life_move(&life, VCPU_LIFE_CREATED, VCPU_LIFE_PARKED, bug));
	assert_false(vcpu_life_move(&life, VCPU_LIFE_CREATED, VCPU_LIFE_STARTED, bug));
	assert_false(vcpu_life_move(&life, VCPU_LIFE_PARKED, VCPU_LIFE_STARTING, bug));
	assert_false(vcpu_life_move(&life, VCPU_LIFE_STARTED, VCPU_LIFE_CREATED, bug));
	assert_int_equal(bugs, 4);
	assert_int_equal(life, VCPU_LIFE_CREATED);	/* untouched */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_start_once),
		cmocka_unit_test(test_start_fails_back),
		cmocka_unit_test(test_park),
		cmocka_unit_test(test_illegal_edges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
