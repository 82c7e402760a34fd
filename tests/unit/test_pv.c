// SPDX-License-Identifier: GPL-2.0
/*
 * The KVM paravirtual interface (src/core/pv.c): steal time, the TLB
 * flush request, the yield target, the kick flag and PV send-IPI.
 */
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

/* The kick flag: taken once per kick, whoever comes first. */
static void test_kick_flag(void **state)
{
	uint32_t flag = 0;

	assert_false(pv_kick_take(&flag));
	pv_kick_set(&flag);
	pv_kick_set(&flag);		/* two kicks before a HLT: one return */
	assert_true(pv_kick_take(&flag));
	assert_false(pv_kick_take(&flag));
}

static void test_ipi_decode(void **state)
{
	struct pv_ipi ipi;

	/* Linux's: fixed, physical, no shorthand, vector 0xfb. */
	assert_int_equal(pv_ipi_decode(0xfb, &ipi), 0);
	assert_int_equal(ipi.vector, 0xfb);
	assert_int_equal(ipi.mode, 0);
	/* NMI (mode 4): the vector does not matter. */
	assert_int_equal(pv_ipi_decode(4 << 8 | 2, &ipi), 0);
	assert_int_equal(ipi.mode, 4);
	/* Assert and level bits are ignored, as for a fixed x2APIC IPI. */
	assert_int_equal(pv_ipi_decode(1 << 14 | 0x30, &ipi), 0);
	/* Logical destination, any shorthand, other modes, low vectors. */
	assert_int_equal(pv_ipi_decode(1 << 11 | 0x30, &ipi), -EINVAL);
	assert_int_equal(pv_ipi_decode(1 << 18 | 0x30, &ipi), -EINVAL);
	assert_int_equal(pv_ipi_decode(3 << 18 | 0x30, &ipi), -EINVAL);
	assert_int_equal(pv_ipi_decode(5 << 8, &ipi), -EINVAL);	/* INIT */
	assert_int_equal(pv_ipi_decode(6 << 8 | 0x10, &ipi), -EINVAL); /* SIPI */
	assert_int_equal(pv_ipi_decode(1 << 8 | 0x30, &ipi), -EINVAL); /* lowest */
	assert_int_equal(pv_ipi_decode(0x0f, &ipi), -EINVAL);
}

static uint32_t got[300], n_got;

static void collect(void *ctx, uint32_t id)
{
	(void)ctx;
	got[n_got++] = id;
}

static void test_ipi_targets(void **state)
{
	/* Bits 0 and 2 of the low half from 1, bit 0 of the high from 65. */
	n_got = 0;
	assert_int_equal(pv_ipi_each(0x5, 0x1, 1, 64, 128, collect, NULL), 3);
	assert_int_equal(got[0], 1);
	assert_int_equal(got[1], 3);
	assert_int_equal(got[2], 65);

	/* IDs past the vCPUs are skipped, not counted. */
	n_got = 0;
	assert_int_equal(pv_ipi_each(~0ULL, ~0ULL, 0, 64, 4, collect, NULL), 4);
	assert_int_equal(got[3], 3);

	/* A 32-bit caller: 32-bit halves, the high one from min + 32. */
	n_got = 0;
	assert_int_equal(pv_ipi_each(0x100000001ULL, 0x1, 0, 32, 64,
				     collect, NULL), 2);
	assert_int_equal(got[0], 0);
	assert_int_equal(got[1], 32);

	/* A first ID so high that it wraps names nobody. */
	n_got = 0;
	assert_int_equal(pv_ipi_each(1, 1, ~0ULL - 10, 64, 8, collect, NULL), 0);
	assert_int_equal(pv_ipi_each(0, 0, 0, 64, 8, collect, NULL), 0);
	assert_int_equal(n_got, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_msr_write),
		cmocka_unit_test(test_enter_publishes),
		cmocka_unit_test(test_preempted),
		cmocka_unit_test(test_flush_request),
		cmocka_unit_test(test_yield_target),
		cmocka_unit_test(test_kick_flag),
		cmocka_unit_test(test_ipi_decode),
		cmocka_unit_test(test_ipi_targets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
