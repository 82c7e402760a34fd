// SPDX-License-Identifier: GPL-2.0
/* Unit tests for the APIC bus (dev/apicbus.c) over real vLAPICs. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "dev/apicbus.h"

#define N	4

struct cpu {
	unsigned int idx;
	int notify, inits, sipis;
	uint8_t sipi_vec;
};

static struct cpu cpus[N];
static struct vlapic lapic[N];
static struct vlapic *lapics[N];
static uint32_t pages[N][1024] __attribute__((aligned(4096)));

static uint64_t f_now(void *ctx)
{
	return 0;
}

static void f_timer_arm(void *ctx, uint64_t deadline)
{
}

static void f_notify(void *ctx, bool posted)
{
	((struct cpu *)ctx)->notify++;
}

/* What the hypervisor does: route on this VM's bus, sender = self. */
static void f_send_ipi(void *ctx, const struct apic_msg *m)
{
	apic_bus_deliver(lapics, N, ((struct cpu *)ctx)->idx, m);
}

static void f_eoi_level(void *ctx, uint8_t vector)
{
}

static void f_init(void *ctx)
{
	((struct cpu *)ctx)->inits++;
}

static void f_sipi(void *ctx, uint8_t vector)
{
	((struct cpu *)ctx)->sipis++;
	((struct cpu *)ctx)->sipi_vec = vector;
}

static const struct vlapic_env env = {
	.now = f_now, .timer_arm = f_timer_arm, .notify = f_notify,
	.send_ipi = f_send_ipi, .eoi_level = f_eoi_level,
	.init = f_init, .sipi = f_sipi,
};

static void wr(unsigned int i, uint32_t off, uint32_t v)
{
	assert_int_equal(vlapic_mmio_write(&lapic[i], off, 4, v), 0);
}

static void wrmsr(unsigned int i, uint32_t msr, uint64_t v)
{
	assert_int_equal(vlapic_wrmsr(&lapic[i], msr, v), 0);
}

/* N vLAPICs, IDs 0..N-1, software-enabled, xAPIC or x2APIC. */
static void setup(bool x2)
{
	memset(cpus, 0, sizeof(cpus));
	for (unsigned int i = 0; i < N; i++) {
		struct vlapic_config cfg = {
			.id = i, .bsp = i == 0, .crystal_hz = 25000000,
			.tsc_khz = 2500000,
		};

		cpus[i].idx = i;
		assert_int_equal(vlapic_init(&lapic[i], pages[i], &cfg, &env,
					     &cpus[i]), 0);
		lapics[i] = &lapic[i];
		if (x2) {
			wrmsr(i, 0x1b, 0xfee00c00ull | (i ? 0 : 0x100));
			wrmsr(i, 0x80f, 0x1ff);
		} else {
			wr(i, VAPIC_SVR, 0x1ff);
		}
	}
}

static bool has(unsigned int i, unsigned int v)
{
	return lapic[i].pi.pir[v >> 6] & (1ull << (v & 63));
}

/* Which vLAPICs got vector @v, as a bit mask; clears their PIRs. */
static unsigned int got(unsigned int v)
{
	unsigned int mask = 0;

	for (unsigned int i = 0; i < N; i++) {
		if (has(i, v))
			mask |= 1u << i;
		vlapic_sync_pir(&lapic[i]);
		memset(pages[i] + VAPIC_IRR / 4, 0, 0x80);
	}
	return mask;
}

static unsigned int deliver(unsigned int self, struct apic_msg m)
{
	return apic_bus_deliver(lapics, N, self, &m);
}

static void test_physical(void **state)
{
	setup(false);
	assert_int_equal(deliver(APIC_BUS_NO_SELF,
		(struct apic_msg){ .vector = 0x40, .dest = 2 }), 1);
	assert_int_equal(got(0x40), 1u << 2);
	assert_int_equal(cpus[2].notify, 1);
	assert_int_equal(deliver(APIC_BUS_NO_SELF,
		(struct apic_msg){ .vector = 0x41, .dest = 7 }), 0);
	assert_int_equal(got(0x41), 0);
	/* 8-bit destinations: only the low byte counts; 0xff broadcasts. */
	deliver(APIC_BUS_NO_SELF, (struct apic_msg){ .vector = 0x42, .dest = 0x103 });
	assert_int_equal(got(0x42), 1u << 3);
	assert_int_equal(deliver(APIC_BUS_NO_SELF,
		(struct apic_msg){ .vector = 0x43, .dest = 0xff }), N);
	assert_int_equal(got(0x43), 0xf);
	/* A changed xAPIC ID is what the bus matches. */
	wr(1, VAPIC_ID, 0x09000000);
	deliver(APIC_BUS_NO_SELF, (struct apic_msg){ .vector = 0x44, .dest = 9 });
	assert_int_equal(got(0x44), 1u << 1);
}

static void test_physical_x2apic(void **state)
{
	setup(true);
	deliver(0, (struct apic_msg){ .vector = 0x40, .dest = 3, .x2apic = true });
	assert_int_equal(got(0x40), 1u << 3);
	/* 0xff is an ordinary ID for a 32-bit destination ... */
	deliver(0, (struct apic_msg){ .vector = 0x41, .dest = 0xff, .x2apic = true });
	assert_int_equal(got(0x41), 0);
	deliver(0, (struct apic_msg){ .vector = 0x42, .dest = 0x103, .x2apic = true });
	assert_int_equal(got(0x42), 0);
	/* ... broadcast is 0xffffffff ... */
	deliver(0, (struct apic_msg){ .vector = 0x43, .dest = ~0u, .x2apic = true });
	assert_int_equal(got(0x43), 0xf);
	/* ... but an 8-bit (vIOAPIC) 0xff still broadcasts. */
	deliver(APIC_BUS_NO_SELF, (struct apic_msg){ .vector = 0x44, .dest = 0xff });
	assert_int_equal(got(0x44), 0xf);
	deliver(APIC_BUS_NO_SELF, (struct apic_msg){ .vector = 0x45, .dest = 1 });
	assert_int_equal(got(0x45), 1u << 1);
}

static void test_logical_flat(void **state)
{
	setup(false);
	for (unsigned int i = 0; i < N; i++)
		wr(i, VAPIC_LDR, 1u << (24 + i));	/* Linux flat: 1 << cpu */
	deliver(APIC_BUS_NO_SELF,
		(struct apic_msg){ .vector = 0x50, .logical = true, .dest = 0x05 });
	assert_int_equal(got(0x50), 0x5);
	deliver(APIC_BUS_NO_SELF,
		(struct apic_msg){ .vector = 0x51, .logical = true, .dest = 0xf0 });
	assert_int_equal(got(0x51), 0);
	deliver(APIC_BUS_NO_SELF,
		(struct apic_msg){ .vector = 0x52, .logical = true, .dest = 0xff });
	assert_int_equal(got(0x52), 0xf);
	/* LDR 0 (not yet set up) matches no logical destination. */
	wr(3, VAPIC_LDR, 0);
	deliver(APIC_BUS_NO_SELF,
		(struct apic_msg){ .vector = 0x53, .logical = true, .dest = 0x0f });
	assert_int_equal(got(0x53), 0x7);
	/* A bad DFR model matches nothing. */
	wr(0, VAPIC_DFR, 0x5fffffff);
	deliver(APIC_BUS_NO_SELF,
		(struct apic_msg){ .vector = 0x54, .logical = true, .dest = 0x0f });
	assert_int_equal(got(0x54), 0x6);
}

static void test_logical_cluster(void **state)
{
	static const uint8_t ldr[N] = { 0x11, 0x12, 0x21, 0x22 };

	setup(false);
	for (unsigned int i = 0; i < N; i++) {
		wr(i, VAPIC_DFR, 0x0fffffff);
		wr(i, VAPIC_LDR, (uint32_t)ldr[i] << 24);
	}
	deliver(APIC_BUS_NO_SELF,
		(struct apic_msg){ .vector = 0x60, .logical = true, .dest = 0x13 });
	assert_int_equal(got(0x60), 0x3);
	deliver(APIC_BUS_NO_SELF,
		(struct apic_msg){ .vector = 0x61, .logical = true, .dest = 0x22 });
	assert_int_equal(got(0x61), 0x8);
	deliver(APIC_BUS_NO_SELF,
		(struct apic_msg){ .vector = 0x62, .logical = true, .dest = 0x31 });
	assert_int_equal(got(0x62), 0);
	/* In flat mode 0x13 would have hit 0x11 and 0x12 and 0x21, 0x22 by
	 * bit 0/1: cluster mode must not. */
	deliver(APIC_BUS_NO_SELF,
		(struct apic_msg){ .vector = 0x63, .logical = true, .dest = 0x23 });
	assert_int_equal(got(0x63), 0xc);
	deliver(APIC_BUS_NO_SELF,
		(struct apic_msg){ .vector = 0x64, .logical = true, .dest = 0xff });
	assert_int_equal(got(0x64), 0xf);
}

static void test_logical_x2apic(void **state)
{
	struct vlapic other;
	static uint32_t opage[1024] __attribute__((aligned(4096)));
	struct vlapic_config cfg = {
		.id = 0x13, .crystal_hz = 25000000, .tsc_khz = 2500000,
	};

	setup(true);
	/* IDs 0..3: cluster 0, bits 0..3. */
	deliver(0, (struct apic_msg){ .vector = 0x70, .logical = true,
				      .dest = 0x0000000a, .x2apic = true });
	assert_int_equal(got(0x70), 0xa);
	deliver(0, (struct apic_msg){ .vector = 0x71, .logical = true,
				      .dest = 0x00010002, .x2apic = true });
	assert_int_equal(got(0x71), 0);
	/* An 8-bit logical destination (vIOAPIC) names cluster 0. */
	deliver(APIC_BUS_NO_SELF, (struct apic_msg){ .vector = 0x72,
		.logical = true, .dest = 0x01 });
	assert_int_equal(got(0x72), 0x1);

	assert_int_equal(vlapic_init(&other, opage, &cfg, &env, &cpus[0]), 0);
	assert_int_equal(vlapic_wrmsr(&other, 0x1b, 0xfee00c00ull), 0);
	assert_true(apic_bus_match(&other, &(struct apic_msg){
		.logical = true, .dest = 0x00010008, .x2apic = true }));
	assert_false(apic_bus_match(&other, &(struct apic_msg){
		.logical = true, .dest = 0x00000008, .x2apic = true }));
	assert_false(apic_bus_match(&other, &(struct apic_msg){
		.logical = true, .dest = 0x00010004, .x2apic = true }));
	assert_true(apic_bus_match(&other, &(struct apic_msg){
		.dest = 0x13, .x2apic = true }));
}

static void test_shorthands(void **state)
{
	setup(false);
	/* The destination field is ignored with a shorthand. */
	assert_int_equal(deliver(1, (struct apic_msg){ .vector = 0x80,
		.shorthand = APIC_SH_SELF, .dest = 2 }), 1);
	assert_int_equal(got(0x80), 1u << 1);
	assert_int_equal(deliver(1, (struct apic_msg){ .vector = 0x81,
		.shorthand = APIC_SH_ALL, .dest = 2 }), N);
	assert_int_equal(got(0x81), 0xf);
	assert_int_equal(deliver(1, (struct apic_msg){ .vector = 0x82,
		.shorthand = APIC_SH_OTHERS, .dest = 1 }), N - 1);
	assert_int_equal(got(0x82), 0xd);
	/* A device has no self. */
	assert_int_equal(deliver(APIC_BUS_NO_SELF, (struct apic_msg){
		.vector = 0x83, .shorthand = APIC_SH_SELF }), 0);
	assert_int_equal(deliver(APIC_BUS_NO_SELF, (struct apic_msg){
		.vector = 0x84, .shorthand = APIC_SH_OTHERS }), N);
	assert_int_equal(got(0x84), 0xf);
}

static void test_lowest_priority(void **state)
{
	static const uint32_t tpr[N] = { 0x40, 0x2f, 0x20, 0x60 };
	struct apic_msg m = {
		.vector = 0x90, .mode = APIC_DM_LOWEST, .logical = true,
		.dest = 0x0f,
	};

	setup(false);
	for (unsigned int i = 0; i < N; i++) {
		wr(i, VAPIC_LDR, 1u << (24 + i));
		wr(i, VAPIC_TPR, tpr[i]);
	}
	/* Classes 4, 2, 2, 6: the tie goes to the lowest index. */
	assert_int_equal(deliver(APIC_BUS_NO_SELF, m), 1);
	assert_int_equal(got(0x90), 1u << 1);
	/* Only among the destinations. */
	m.dest = 0x09;
	deliver(APIC_BUS_NO_SELF, m);
	assert_int_equal(got(0x90), 1u << 0);
	/* PPR counts the in-service vector, not just TPR. */
	m.dest = 0x0f;
	deliver(APIC_BUS_NO_SELF, m);
	vlapic_sync_pir(&lapic[1]);
	vlapic_ack(&lapic[1], 0x90);		/* cpu 1 now at class 9 */
	deliver(APIC_BUS_NO_SELF, m);
	assert_int_equal(got(0x90), 1u << 2);
	/* A software-disabled APIC is passed over. */
	wr(2, VAPIC_SVR, 0xff);
	deliver(APIC_BUS_NO_SELF, m);
	assert_int_equal(got(0x90), 1u << 0);
	/* Physical broadcast with lowest priority still picks one. */
	m.logical = false;
	m.dest = 0xff;
	assert_int_equal(deliver(APIC_BUS_NO_SELF, m), 1);
	assert_int_equal(got(0x90), 1u << 0);
}

static void test_disabled_and_missing(void **state)
{
	setup(false);
	wrmsr(2, 0x1b, 0xfee00000ull);		/* hardware-disabled */
	lapics[1] = NULL;			/* not created */
	assert_int_equal(deliver(APIC_BUS_NO_SELF,
		(struct apic_msg){ .vector = 0xa0, .dest = 0xff }), 2);
	assert_int_equal(got(0xa0) & ~0x6u, 0x9);
	assert_int_equal(deliver(0, (struct apic_msg){ .vector = 0xa1,
		.shorthand = APIC_SH_ALL }), 2);
	assert_int_equal(deliver(0, (struct apic_msg){ .vector = 0xa2,
		.dest = 2 }), 0);
	assert_false(has(2, 0xa0) || has(2, 0xa1) || has(2, 0xa2));
	assert_int_equal(deliver(APIC_BUS_NO_SELF,
		(struct apic_msg){ .mode = APIC_DM_INIT, .assert = true,
				   .dest = 0xff }), 2);
	assert_int_equal(cpus[2].inits, 0);
	assert_int_equal(cpus[1].inits, 0);
	/* Software-disabled: named, but drops fixed ones (not counted). */
	wr(3, VAPIC_SVR, 0xff);
	assert_int_equal(deliver(APIC_BUS_NO_SELF,
		(struct apic_msg){ .vector = 0xa3, .dest = 0xff }), 1);
	assert_int_equal(deliver(APIC_BUS_NO_SELF,
		(struct apic_msg){ .vector = 0xa4, .dest = 3 }), 0);
	assert_int_equal(deliver(APIC_BUS_NO_SELF,
		(struct apic_msg){ .mode = APIC_DM_NMI, .dest = 3 }), 1);
	/* Illegal vector and INIT de-assert: nobody takes them. */
	assert_int_equal(deliver(APIC_BUS_NO_SELF,
		(struct apic_msg){ .vector = 0x0e, .dest = 0 }), 0);
	assert_int_equal(deliver(APIC_BUS_NO_SELF,
		(struct apic_msg){ .mode = APIC_DM_INIT, .dest = 0xff }), 0);
	assert_int_equal(cpus[0].inits, 1);
}

/* Asterinas AP start-up, through vLAPIC 0's ICR and the bus. */
static void test_ap_startup_sequence(void **state)
{
	for (int x2 = 0; x2 < 2; x2++) {
		setup(x2);
		if (x2) {
			wrmsr(0, 0x830, 0x000cc500);	/* INIT, all but self */
			wrmsr(0, 0x830, 0x00088500);	/* de-assert, all */
			wrmsr(0, 0x830, 0x000c4608);	/* SIPI 8, all but self */
			wrmsr(0, 0x830, 0x000c4608);
		} else {
			wr(0, VAPIC_ICR_LO, 0x000cc500);
			wr(0, VAPIC_ICR_LO, 0x00088500);
			wr(0, VAPIC_ICR_LO, 0x000c4608);
			wr(0, VAPIC_ICR_LO, 0x000c4608);
		}
		assert_int_equal(cpus[0].inits, 0);	/* BSP untouched */
		assert_int_equal(cpus[0].sipis, 0);
		for (unsigned int i = 1; i < N; i++) {
			assert_int_equal(cpus[i].inits, 1);
			assert_int_equal(cpus[i].sipis, 2);
			assert_int_equal(cpus[i].sipi_vec, 8);
		}
	}
}

static void test_ipi_through_bus(void **state)
{
	setup(false);
	wr(0, VAPIC_ICR_HI, 0x02000000);
	wr(0, VAPIC_ICR_LO, 0x00004040);	/* fixed 0x40 to ID 2 */
	assert_int_equal(got(0x40), 1u << 2);
	wr(3, VAPIC_ICR_HI, 0x02000000);
	wr(3, VAPIC_ICR_LO, 0x00004400);	/* NMI to ID 2 */
	assert_true(vlapic_take_nmi(&lapic[2]));
	assert_false(vlapic_take_nmi(&lapic[3]));
	wr(3, VAPIC_ICR_LO, 0x000c4041);	/* 0x41 to all but self */
	assert_int_equal(got(0x41), 0x7);

	setup(true);
	wrmsr(3, 0x830, 1ull << 32 | 0x4042);	/* x2APIC ID 1 */
	assert_int_equal(got(0x42), 1u << 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_physical),
		cmocka_unit_test(test_physical_x2apic),
		cmocka_unit_test(test_logical_flat),
		cmocka_unit_test(test_logical_cluster),
		cmocka_unit_test(test_logical_x2apic),
		cmocka_unit_test(test_shorthands),
		cmocka_unit_test(test_lowest_priority),
		cmocka_unit_test(test_disabled_and_missing),
		cmocka_unit_test(test_ap_startup_sequence),
		cmocka_unit_test(test_ipi_through_bus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
