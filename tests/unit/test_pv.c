// SPDX-License-Identifier: GPL-2.0
/* The KVM paravirtual interface's steal time (src/core/pv.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <string.h>
#include <cmocka.h>

#include "src/core/pv.h"

/* A guest with 4 KiB of RAM at guest-physical 0x10000. */
#define RAM_GPA		0x10000ULL
static uint8_t ram[4096] __attribute__((aligned(64)));

static void *gpa(void *ctx, uint64_t gpa, uint64_t len)
{
	if (gpa < RAM_GPA || gpa + len > RAM_GPA + sizeof(ram))
		return NULL;
	return ram + (gpa - RAM_GPA);
}

static struct kvm_steal_time *rec_at(uint64_t gpa_)
{
	return (struct kvm_steal_time *)(ram + (gpa_ - RAM_GPA));
}

static void test_msr_write(void **state)
{
	struct pv_steal s = { 0 };

	memset(ram, 0, sizeof(ram));
	/* Reserved bits 5:1 and records outside RAM are refused (#GP). */
	assert_int_equal(pv_steal_write(&s, RAM_GPA | 2 | 1, gpa, NULL), -EINVAL);
	assert_int_equal(pv_steal_write(&s, (RAM_GPA + 0x20) | 1, gpa, NULL),
			 -EINVAL);
	assert_int_equal(pv_steal_write(&s, 0x100000 | 1, gpa, NULL), -EINVAL);
	assert_int_equal(pv_steal_write(&s, (RAM_GPA + 4096 - 32) | 1, gpa, NULL),
			 -EINVAL);
	assert_null(s.rec);
	assert_int_equal(pv_steal_write(&s, (RAM_GPA + 0x40) | 1, gpa, NULL), 0);
	assert_ptr_equal(s.rec, rec_at(RAM_GPA + 0x40));
	assert_int_equal(s.msr, (RAM_GPA + 0x40) | 1);
	/* Bit 0 clear: off, but the value reads back. */
	assert_int_equal(pv_steal_write(&s, RAM_GPA + 0x40, gpa, NULL), 0);
	assert_null(s.rec);
	assert_int_equal(s.msr, RAM_GPA + 0x40);
}

static void test_enter_publishes(void **state)
{
	struct pv_steal s = { 0 };
	struct kvm_steal_time *r = rec_at(RAM_GPA);

	memset(ram, 0, sizeof(ram));
	pv_steal_enter(&s, 5);		/* off: nothing written */
	assert_int_equal(r->version, 0);
	assert_int_equal(pv_steal_write(&s, RAM_GPA | 1, gpa, NULL), 0);
	/* The first entry writes even a zero, with an even version. */
	pv_steal_enter(&s, 0);
	assert_int_equal(r->version, 2);
	assert_int_equal(r->steal, 0);
	pv_steal_enter(&s, 1500);
	assert_int_equal(r->version, 4);
	assert_int_equal(r->steal, 1500);
	/* Nothing new: no write, the version stays. */
	pv_steal_enter(&s, 1500);
	assert_int_equal(r->version, 4);
	/* A version the guest left odd still ends even. */
	r->version = 7;
	pv_steal_enter(&s, 1600);
	assert_int_equal(r->version, 8);
	assert_int_equal(r->flags, 0);
}

static void test_preempted(void **state)
{
	struct pv_steal s = { 0 };
	struct kvm_steal_time *r = rec_at(RAM_GPA);

	memset(ram, 0, sizeof(ram));
	pv_steal_preempted(&s);		/* off: nothing to write */
	assert_int_equal(r->preempted, 0);
	assert_int_equal(pv_steal_write(&s, RAM_GPA | 1, gpa, NULL), 0);
	pv_steal_enter(&s, 10);
	pv_steal_preempted(&s);
	assert_int_equal(r->preempted, KVM_VCPU_PREEMPTED);
	/* The next entry clears it even when steal did not move. */
	pv_steal_enter(&s, 10);
	assert_int_equal(r->preempted, 0);
	assert_int_equal(r->version % 2, 0);
	assert_int_equal(r->steal, 10);
}

/* A flush request set while the vCPU was off is seen once, at entry. */
static void test_flush_request(void **state)
{
	struct pv_steal s = { 0 };
	struct kvm_steal_time *r = rec_at(RAM_GPA);

	memset(ram, 0, sizeof(ram));
	assert_int_equal(pv_steal_write(&s, RAM_GPA | 1, gpa, NULL), 0);
	assert_false(pv_steal_enter(&s, 0));
	pv_steal_preempted(&s);
	/* What Linux does instead of the IPI: PREEMPTED | FLUSH_TLB. */
	r->preempted |= KVM_VCPU_FLUSH_TLB;
	assert_true(pv_steal_enter(&s, 0));
	assert_int_equal(r->preempted, 0);
	assert_false(pv_steal_enter(&s, 0));
	/* Steal moving on its own is no flush request. */
	assert_false(pv_steal_enter(&s, 40));
}

/* KVM_HC_SCHED_YIELD names its target by APIC ID = vCPU index. */
static void test_yield_target(void **state)
{
	assert_int_equal(pv_yield_target(2, 4, 0), 2);
	assert_int_equal(pv_yield_target(0, 4, 3), 0);
	assert_int_equal(pv_yield_target(1, 4, 1), -1);	/* itself */
	assert_int_equal(pv_yield_target(4, 4, 0), -1);	/* no such vCPU */
	assert_int_equal(pv_yield_target(1ULL << 32, 4, 0), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_msr_write),
		cmocka_unit_test(test_enter_publishes),
		cmocka_unit_test(test_preempted),
		cmocka_unit_test(test_flush_request),
		cmocka_unit_test(test_yield_target),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
