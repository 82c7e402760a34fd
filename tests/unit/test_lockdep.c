// SPDX-License-Identifier: GPL-2.0
/* Unit tests for the lock-order rule (src/lib/lockdep.c, src/lib/spinlock.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "src/lib/lockdep.h"
#include "src/lib/spinlock.h"

static void test_order(void **state)
{
	uint8_t none[1] = { 0 };
	uint8_t uart_dev[] = { LOCK_UART, LOCK_DEV };
	uint8_t rq[] = { LOCK_RQ };
	uint8_t rq_rq[] = { LOCK_RQ, LOCK_RQ };
	uint8_t rq_timer[] = { LOCK_RQ, LOCK_TIMER };
	uint8_t dev[] = { LOCK_DEV };

	/* The documented order, outer to inner. */
	assert_true(lockdep_order_ok(none, 0, LOCK_UART));
	assert_true(lockdep_order_ok(uart_dev, 2, LOCK_RQ));
	assert_true(lockdep_order_ok(uart_dev, 2, LOCK_PRINT));
	assert_true(lockdep_order_ok(rq, 1, LOCK_TIMER));
	/* The inversion vm_stop() had: uart_lock under dev_lock. */
	assert_false(lockdep_order_ok(dev, 1, LOCK_UART));
	/*
	 * Run queues nest in themselves (lock_two(), and all of them for a
	 * policy switch), with nothing between; nothing else does.
	 */
	assert_true(lockdep_order_ok(rq, 1, LOCK_RQ));
	assert_true(lockdep_order_ok(rq_rq, 2, LOCK_RQ));
	assert_false(lockdep_order_ok(rq_timer, 2, LOCK_RQ));
	assert_false(lockdep_order_ok(dev, 1, LOCK_DEV));
	/* A lock nobody classified. */
	assert_false(lockdep_order_ok(none, 0, LOCK_UNCLASSED));
}

static unsigned int violations;

void lockdep_violation(const char *what, unsigned int held, unsigned int want)
{
	violations++;
}

static void test_checker(void **state)
{
	spinlock_t uart = SPINLOCK_INIT(LOCK_UART);
	spinlock_t dev = SPINLOCK_INIT(LOCK_DEV);
	spinlock_t bare = { 0 };

	violations = 0;
	spin_lock(&uart);
	spin_lock(&dev);
	spin_unlock(&dev);
	spin_unlock(&uart);
	assert_int_equal(violations, 0);
	spin_lock(&dev);
	spin_lock(&uart);		/* inverted */
	spin_unlock(&uart);
	spin_unlock(&dev);
	assert_int_equal(violations, 1);
	spin_lock(&bare);
	spin_unlock(&bare);
	assert_int_equal(violations, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_checker),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
