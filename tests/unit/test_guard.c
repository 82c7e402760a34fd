// SPDX-License-Identifier: GPL-2.0
/*
 * The guard watch (src/core/guard.c): which guard it watches, when it
 * looks, and when it tells the scheduler that the guest is done. The
 * scheduler, the vCPU's registers and its interrupt state are fakes here;
 * sched_guard() and sched_irq_done() have their own tests in test_sched.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "src/core/guard.h"
#include "src/core/intr.h"
#include "src/core/vcpu.h"
#include "src/core/vendor.h"

uint64_t tsc_khz = 50000;	/* 50 MHz, as Bochs runs: 1 us = 50 ticks */
#define US(x)	((uint64_t)(x) * 50)

/* ---- fakes ---------------------------------------------------------------- */

static struct {
	uint32_t guard;			/* sched_guard()'s answer */
	bool waited;
	bool done_ok;			/* sched_irq_done()'s answer */
	unsigned int done_calls;
	uint64_t cpl, cr3, fs;		/* the vCPU's registers */
	bool quiet, idle;		/* its interrupt state */
} f;

uint32_t sched_guard(uint32_t cpu, uint64_t now, bool *waited)
{
	*waited = f.guard && f.waited;
	return f.guard;
}

bool sched_irq_done(struct sched_entity *se, uint64_t now)
{
	f.done_calls++;
	return f.done_ok;
}

uint64_t vcpu_get_reg(struct vcpu *v, enum vcpu_reg r)
{
	switch (r) {
	case VCPU_CPL:
		return f.cpl;
	case VCPU_CR3:
		return f.cr3;
	case VCPU_FS_BASE:
		return f.fs;
	default:
		fail_msg("unexpected register %d", r);
	}
	return 0;
}

bool vcpu_intr_quiet(struct vcpu *v)
{
	return f.quiet;
}

bool vendor_intr_idle(struct vcpu *v)
{
	return f.idle;
}

static struct vcpu vc;

/* A hog in user mode (thread at FS 0x7f00, PCID 5) and no guard. */
static int setup(void **state)
{
	memset(&f, 0, sizeof(f));
	memset(&vc, 0, sizeof(vc));
	f.cpl = 3;
	f.cr3 = 0x1234000 | 5;
	f.fs = 0x7f00;
	f.quiet = f.idle = true;
	f.done_ok = true;
	guard_watch_enable(true);
	return 0;
}

/* A guard begins at @t with another waiting; the guest re-arms at +80 us. */
static void guard_then_write(uint64_t t)
{
	f.guard = 7;
	f.waited = true;
	/* Entered to take its interrupt: nothing to look at yet. */
	assert_int_equal(guard_watch_next(&vc, 0, t), UINT64_MAX);
	/* In its handler (kernel), it writes its timer deadline. */
	f.cpl = 0;
	f.cr3 = 0x1234000 | 0x1000 | 5;	/* kernel half, as with PTI */
	guard_watch_wrote(&vc, t + US(80));
	assert_int_equal(guard_watch_next(&vc, 0, t + US(81)), t + US(100));
}

/* Back in the thread it was found in, nothing pending: the guard ends. */
static void test_done_where_found(void **state)
{
	uint64_t t = 1000000;

	guard_then_write(t);
	/* First look: still in its kernel. */
	assert_false(guard_watch_poll(&vc, 0, t + US(100)));
	assert_int_equal(f.done_calls, 0);
	assert_int_equal(guard_watch_next(&vc, 0, t + US(101)), t + US(120));
	/* Back in user mode, in the hog, another PCID: done. */
	f.cpl = 3;
	f.cr3 = 0x1234000 | 9;
	assert_true(guard_watch_poll(&vc, 0, t + US(120)));
	assert_int_equal(f.done_calls, 1);
	assert_int_equal(vc.guard.polls, 2);
	assert_int_equal(vc.guard.ends, 1);
	/* Nothing more to look at for this guard. */
	assert_int_equal(guard_watch_next(&vc, 0, t + US(121)), UINT64_MAX);
}

/*
 * In user mode but not where it was found: another process, or with
 * something in service or pending. It goes on; the looks go on.
 */
static void test_not_done_elsewhere(void **state)
{
	uint64_t t = 1000000;

	guard_then_write(t);
	f.cpl = 3;
	f.cr3 = 0x5678000 | 5;	/* another process, the same FS base */
	assert_false(guard_watch_poll(&vc, 0, t + US(100)));
	f.cr3 = 0x1234000 | 5;
	f.idle = false;		/* a vector still in service */
	assert_false(guard_watch_poll(&vc, 0, t + US(120)));
	f.idle = true;
	f.quiet = false;	/* one posted meanwhile */
	assert_false(guard_watch_poll(&vc, 0, t + US(140)));
	assert_int_equal(f.done_calls, 0);
	assert_int_equal(guard_watch_next(&vc, 0, t + US(141)), t + US(160));
	f.quiet = true;
	assert_true(guard_watch_poll(&vc, 0, t + US(160)));
	assert_int_equal(vc.guard.ends, 1);
}

/*
 * In another thread (the one its interrupt woke): two looks after the
 * timer write, then none until that thread re-arms its timer going back
 * to sleep; after that write, the looks find the vCPU back.
 */
static void test_other_thread_waits_for_write(void **state)
{
	uint64_t t = 1000000;

	guard_then_write(t);
	f.fs = 0x7e00;		/* the woken thread, in its kernel */
	assert_false(guard_watch_poll(&vc, 0, t + US(100)));
	assert_int_equal(guard_watch_next(&vc, 0, t + US(101)), t + US(120));
	f.cpl = 3;		/* ... and in user mode: not done either */
	f.cr3 = 0x1234000 | 5;
	assert_false(guard_watch_poll(&vc, 0, t + US(120)));
	assert_int_equal(guard_watch_next(&vc, 0, t + US(121)), UINT64_MAX);
	assert_int_equal(f.done_calls, 0);
	/* It sleeps again: its timer write re-arms the looks. */
	f.cpl = 0;
	guard_watch_wrote(&vc, t + US(170));
	assert_int_equal(guard_watch_next(&vc, 0, t + US(171)), t + US(190));
	f.cpl = 3;
	f.fs = 0x7f00;
	assert_true(guard_watch_poll(&vc, 0, t + US(190)));
	assert_int_equal(vc.guard.polls, 3);
}

/*
 * In the thread it was found in, the looks go on however long its
 * kernel takes (a tick's soft interrupts), until it is back in user mode.
 */
static void test_same_thread_looks_on(void **state)
{
	uint64_t t = 1000000;

	guard_then_write(t);
	f.fs = 0x7f00;		/* the hog's context, in its kernel */
	for (int i = 0; i < 5; i++) {
		assert_false(guard_watch_poll(&vc, 0, t + US(100 + 20 * i)));
		assert_int_equal(guard_watch_next(&vc, 0, t + US(101 + 20 * i)),
				 t + US(120 + 20 * i));
	}
	f.cpl = 3;
	f.cr3 = 0x1234000 | 5;
	assert_true(guard_watch_poll(&vc, 0, t + US(200)));
}

/* Nobody waits: no looks armed, and a look that finds none ends nothing. */
static void test_no_waiter_no_end(void **state)
{
	uint64_t t = 1000000;

	guard_then_write(t);
	f.waited = false;
	assert_int_equal(guard_watch_next(&vc, 0, t + US(90)), UINT64_MAX);
	f.cpl = 3;
	f.cr3 = 0x1234000 | 5;
	assert_false(guard_watch_poll(&vc, 0, t + US(100)));
	assert_int_equal(f.done_calls, 0);
	/* Someone comes to wait: the looks resume. */
	f.waited = true;
	assert_int_equal(guard_watch_next(&vc, 0, t + US(110)), t + US(120));
	assert_true(guard_watch_poll(&vc, 0, t + US(120)));
}

/* Found in its kernel (halted, in a handler): the guard runs out. */
static void test_found_in_kernel(void **state)
{
	uint64_t t = 1000000;

	f.cpl = 0;
	f.guard = 3;
	f.waited = true;
	assert_int_equal(guard_watch_next(&vc, 0, t), UINT64_MAX);
	guard_watch_wrote(&vc, t + US(50));
	assert_int_equal(guard_watch_next(&vc, 0, t + US(60)), UINT64_MAX);
	assert_int_equal(vc.guard.poll_at, 0);
}

/* No write yet (an IPI, a handler still running): no looks. */
static void test_no_write_no_look(void **state)
{
	uint64_t t = 1000000;

	f.guard = 3;
	f.waited = true;
	assert_int_equal(guard_watch_next(&vc, 0, t), UINT64_MAX);
	assert_int_equal(guard_watch_next(&vc, 0, t + US(200)), UINT64_MAX);
}

/*
 * A new guard is noted afresh: where that one found the vCPU, the old
 * look dropped. A guard that ended meanwhile (the scheduler says 0, or
 * another number) ends nothing, and the look is dropped.
 */
static void test_new_guard_afresh(void **state)
{
	uint64_t t = 1000000;

	guard_then_write(t);
	/* The guard ended and a new one began, found in another thread. */
	f.guard = 8;
	f.cpl = 3;
	f.fs = 0x7e00;
	assert_false(guard_watch_poll(&vc, 0, t + US(100)));
	assert_int_equal(f.done_calls, 0);
	assert_int_equal(vc.guard.poll_at, 0);
	assert_int_equal(guard_watch_next(&vc, 0, t + US(110)), UINT64_MAX);
	assert_int_equal(vc.guard.fs_base, 0x7e00);
	guard_watch_wrote(&vc, t + US(150));
	assert_int_equal(guard_watch_next(&vc, 0, t + US(151)), t + US(170));
	assert_true(guard_watch_poll(&vc, 0, t + US(170)));
	/* No guard at all: nothing. */
	f.guard = 0;
	assert_int_equal(guard_watch_next(&vc, 0, t + US(200)), UINT64_MAX);
	guard_watch_wrote(&vc, t + US(210));
	assert_int_equal(guard_watch_next(&vc, 0, t + US(220)), UINT64_MAX);
}

/* Off (hvisor.ini's default): nothing noted, nothing looked at. */
static void test_off(void **state)
{
	uint64_t t = 1000000;

	guard_watch_enable(false);
	f.guard = 7;
	f.waited = true;
	assert_int_equal(guard_watch_next(&vc, 0, t), UINT64_MAX);
	assert_int_equal(vc.guard.seq, 0);
	guard_watch_wrote(&vc, t + US(80));
	assert_int_equal(guard_watch_next(&vc, 0, t + US(100)), UINT64_MAX);
	assert_int_equal(vc.guard.poll_at, 0);
}

/* The scheduler refuses (the waiter left meanwhile): it goes on. */
static void test_refused(void **state)
{
	uint64_t t = 1000000;

	guard_then_write(t);
	f.cpl = 3;
	f.cr3 = 0x1234000 | 5;
	f.done_ok = false;
	assert_false(guard_watch_poll(&vc, 0, t + US(100)));
	assert_int_equal(f.done_calls, 1);
	assert_int_equal(vc.guard.ends, 0);
	assert_int_equal(guard_watch_next(&vc, 0, t + US(101)), t + US(120));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_done_where_found, setup),
		cmocka_unit_test_setup(test_not_done_elsewhere, setup),
		cmocka_unit_test_setup(test_other_thread_waits_for_write, setup),
		cmocka_unit_test_setup(test_same_thread_looks_on, setup),
		cmocka_unit_test_setup(test_no_waiter_no_end, setup),
		cmocka_unit_test_setup(test_found_in_kernel, setup),
		cmocka_unit_test_setup(test_no_write_no_look, setup),
		cmocka_unit_test_setup(test_new_guard_afresh, setup),
		cmocka_unit_test_setup(test_refused, setup),
		cmocka_unit_test_setup(test_off, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
