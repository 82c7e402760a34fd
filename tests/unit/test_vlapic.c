// SPDX-License-Identifier: GPL-2.0
/* Unit tests for the virtual local APIC (dev/vlapic.c), on a fake clock. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "dev/vlapic.h"

/* 25 MHz crystal, 2.5 GHz TSC: one timer tick at divide-by-1 = 100 TSC. */
#define CRYSTAL		25000000u
#define TSC_KHZ		2500000u
#define TPT		100ull		/* TSC per tick */
#define MINP		250000ull	/* VLAPIC_MIN_PERIOD_US in TSC */

struct fake {
	uint64_t now;
	uint64_t armed;			/* last timer_arm() deadline */
	int arms;
	int notify_posted, notify_exit;
	struct apic_msg ipi[8];
	int n_ipi;
	int eoi[8];
	int n_eoi;
	int inits, sipis;
	uint8_t sipi_vec;
};

static struct fake fk;
static struct vlapic vl;
static uint32_t page[1024] __attribute__((aligned(4096)));

static uint64_t f_now(void *ctx)
{
	assert_ptr_equal(ctx, &fk);
	return fk.now;
}

static void f_timer_arm(void *ctx, uint64_t deadline)
{
	fk.armed = deadline;
	fk.arms++;
}

static void f_notify(void *ctx, bool posted)
{
	assert_ptr_equal(ctx, &fk);
	if (posted)
		fk.notify_posted++;
	else
		fk.notify_exit++;
}

static void f_send_ipi(void *ctx, const struct apic_msg *m)
{
	assert_true(fk.n_ipi < 8);
	fk.ipi[fk.n_ipi++] = *m;
}

static void f_eoi_level(void *ctx, uint8_t vector)
{
	assert_true(fk.n_eoi < 8);
	fk.eoi[fk.n_eoi++] = vector;
}

static void f_init(void *ctx)
{
	fk.inits++;
}

static void f_sipi(void *ctx, uint8_t vector)
{
	fk.sipis++;
	fk.sipi_vec = vector;
}

static const struct vlapic_env env = {
	.now = f_now, .timer_arm = f_timer_arm, .notify = f_notify,
	.send_ipi = f_send_ipi, .eoi_level = f_eoi_level,
	.init = f_init, .sipi = f_sipi,
};

static void setup_id(uint32_t id, bool bsp)
{
	struct vlapic_config cfg = {
		.id = id, .bsp = bsp, .crystal_hz = CRYSTAL,
		.tsc_khz = TSC_KHZ, .phys_bits = 39,
	};

	memset(&fk, 0, sizeof(fk));
	memset(page, 0xa5, sizeof(page));
	assert_int_equal(vlapic_init(&vl, page, &cfg, &env, &fk), 0);
}

static void setup(void)
{
	setup_id(2, false);
}

static uint32_t rd(uint32_t off)
{
	uint64_t v = 0xdeadbeef;

	assert_int_equal(vlapic_mmio_read(&vl, off, 4, &v), 0);
	return (uint32_t)v;
}

static void wr(uint32_t off, uint32_t v)
{
	assert_int_equal(vlapic_mmio_write(&vl, off, 4, v), 0);
}

static uint64_t rdmsr(uint32_t msr)
{
	uint64_t v = 0xdeadbeef;

	assert_int_equal(vlapic_rdmsr(&vl, msr, &v), 0);
	return v;
}

static void wrmsr(uint32_t msr, uint64_t v)
{
	assert_int_equal(vlapic_wrmsr(&vl, msr, v), 0);
}

static int rdmsr_err(uint32_t msr)
{
	uint64_t v;

	return vlapic_rdmsr(&vl, msr, &v);
}

static void to_x2apic(void)
{
	wrmsr(0x1b, APIC_BASE_DEFAULT | APIC_BASE_EN | APIC_BASE_EXTD);
}

static void sw_enable(void)
{
	if (vlapic_x2apic(&vl))
		wrmsr(0x80f, 0x1ff);
	else
		wr(VAPIC_SVR, 0x1ff);
}

static bool pir_has(unsigned int v)
{
	return vl.pi.pir[v >> 6] & (1ull << (v & 63));
}

static bool page_bit(uint32_t base, unsigned int v)
{
	return page[(base >> 2) + (v >> 5) * 4] & (1u << (v & 31));
}

/* Latch and read ESR the way guests do: write, then read. */
static uint32_t esr(void)
{
	if (vlapic_x2apic(&vl)) {
		wrmsr(0x828, 0);
		return (uint32_t)rdmsr(0x828);
	}
	wr(VAPIC_ESR, 0);
	return rd(VAPIC_ESR);
}

static bool accept(uint8_t mode, uint8_t vec, bool level)
{
	struct apic_msg m = {
		.vector = vec, .mode = mode, .level = level, .assert = true,
	};

	return vlapic_accept(&vl, &m);
}

/* ---- registers ---------------------------------------------------------- */

static void test_power_on_state(void **state)
{
	setup_id(0, true);
	assert_int_equal(vlapic_get_base(&vl), 0xfee00900ull);
	assert_int_equal(rd(VAPIC_ID), 0);
	assert_int_equal(rd(VAPIC_VERSION), 0x00050014);
	assert_int_equal(rd(VAPIC_SVR), 0xff);
	assert_int_equal(rd(VAPIC_DFR), 0xffffffff);
	assert_int_equal(rd(VAPIC_LDR), 0);
	assert_int_equal(rd(VAPIC_TPR), 0);
	for (uint32_t off = VAPIC_LVT_TIMER; off <= VAPIC_LVT_ERROR; off += 0x10)
		assert_int_equal(rd(off), APIC_LVT_MASKED);
	for (uint32_t off = VAPIC_ISR; off < VAPIC_ESR; off += 0x10)
		assert_int_equal(rd(off), 0);
	assert_int_equal(page[VAPIC_VERSION / 4], 0x00050014);	/* in the page */
	assert_false(vlapic_sw_enabled(&vl));

	setup();		/* an AP, id 2 */
	assert_int_equal(vlapic_get_base(&vl), 0xfee00800ull);
	assert_int_equal(rd(VAPIC_ID), 2u << 24);
	assert_int_equal(page[VAPIC_ID / 4], 2u << 24);
}

static void test_init_bad_config(void **state)
{
	struct vlapic_config cfg = {
		.id = 1, .crystal_hz = CRYSTAL, .tsc_khz = TSC_KHZ,
	};
	struct vlapic_env e = env;

	assert_int_equal(vlapic_init(&vl, page + 1, &cfg, &env, NULL), -EINVAL);
	cfg.crystal_hz = 0;
	assert_int_equal(vlapic_init(&vl, page, &cfg, &env, NULL), -EINVAL);
	cfg.crystal_hz = CRYSTAL;
	cfg.id = 0xff;
	assert_int_equal(vlapic_init(&vl, page, &cfg, &env, NULL), -EINVAL);
	cfg.id = 1;
	e.sipi = NULL;
	assert_int_equal(vlapic_init(&vl, page, &cfg, &e, NULL), -EINVAL);
	assert_int_equal(vlapic_init(&vl, page, &cfg, &env, &fk), 0);
}

static void test_xapic_registers(void **state)
{
	setup();
	wr(VAPIC_ID, 0x05ffffff);
	assert_int_equal(rd(VAPIC_ID), 0x05000000);
	wr(VAPIC_VERSION, 0);			/* read-only: ignored */
	assert_int_equal(rd(VAPIC_VERSION), 0x00050014);
	wr(VAPIC_TPR, 0x1ff);
	assert_int_equal(rd(VAPIC_TPR), 0xff);
	assert_int_equal(rd(VAPIC_PPR), 0xff);
	wr(VAPIC_PPR, 0);			/* read-only */
	assert_int_equal(rd(VAPIC_PPR), 0xff);
	wr(VAPIC_TPR, 0);
	wr(VAPIC_LDR, 0x0300ffff);
	assert_int_equal(rd(VAPIC_LDR), 0x03000000);
	wr(VAPIC_DFR, 0);			/* cluster model */
	assert_int_equal(rd(VAPIC_DFR), 0x0fffffff);
	wr(VAPIC_DFR, 0xffffffff);
	assert_int_equal(rd(VAPIC_DFR), 0xffffffff);
	wr(VAPIC_SVR, 0xffffffff);
	assert_int_equal(rd(VAPIC_SVR), 0x3ff);
	assert_true(vlapic_sw_enabled(&vl));

	wr(VAPIC_LVT_LINT0, 0xffffffff);	/* no remote IRR, no status */
	assert_int_equal(rd(VAPIC_LVT_LINT0), 0x1a7ff);
	wr(VAPIC_LVT_LINT1, 0x400);		/* NMI, unmasked */
	assert_int_equal(rd(VAPIC_LVT_LINT1), 0x400);
	wr(VAPIC_LVT_ERROR, 0xffffffff);
	assert_int_equal(rd(VAPIC_LVT_ERROR), 0x100ff);
	wr(VAPIC_LVT_THERM, 0xffffffff);
	assert_int_equal(rd(VAPIC_LVT_THERM), 0x107ff);
	wr(VAPIC_LVT_PERF, 0xfe);
	assert_int_equal(rd(VAPIC_LVT_PERF), 0xfe);
	wr(VAPIC_LVT_TIMER, 0xfffdffff);	/* TSC-deadline mode */
	assert_int_equal(rd(VAPIC_LVT_TIMER), 0x500ff);
	wr(VAPIC_LVT_TIMER, 0xffffffff);	/* reserved mode 3 */
	assert_int_equal(rd(VAPIC_LVT_TIMER), 0x100ff);

	wr(VAPIC_ICR_HI, 0xffffffff);
	assert_int_equal(rd(VAPIC_ICR_HI), 0xff000000);
	wr(VAPIC_TDCR, 0xffffffff);
	assert_int_equal(rd(VAPIC_TDCR), 0xb);
	wr(VAPIC_IRR + 0x10, 0xffffffff);	/* read-only */
	wr(VAPIC_ISR + 0x70, 0xffffffff);
	wr(VAPIC_TMR, 0xffffffff);
	assert_int_equal(rd(VAPIC_IRR + 0x10), 0);
	assert_int_equal(rd(VAPIC_ISR + 0x70), 0);
	assert_int_equal(rd(VAPIC_TMR), 0);
	wr(VAPIC_TMCCT, 1234);
	assert_int_equal(rd(VAPIC_TMCCT), 0);
	assert_int_equal(esr(), 0);		/* all of those exist */
}

static void test_xapic_odd_accesses(void **state)
{
	uint64_t v;

	setup();
	assert_int_equal(vlapic_mmio_read(&vl, VAPIC_ID + 3, 1, &v), 0);
	assert_int_equal(v, 2);
	assert_int_equal(vlapic_mmio_read(&vl, VAPIC_VERSION, 2, &v), 0);
	assert_int_equal(v, 0x0014);
	assert_int_equal(vlapic_mmio_read(&vl, VAPIC_VERSION + 4, 4, &v), 0);
	assert_int_equal(v, 0);			/* bytes 4-15 of a slot */
	assert_int_equal(vlapic_mmio_read(&vl, VAPIC_VERSION, 8, &v), 0);
	assert_int_equal(v, 0x00050014);
	assert_int_equal(vlapic_mmio_write(&vl, VAPIC_TPR, 1, 0x30), 0);
	assert_int_equal(vlapic_mmio_write(&vl, VAPIC_TPR + 4, 4, 0x30), 0);
	assert_int_equal(rd(VAPIC_TPR), 0);	/* both dropped */

	/* ESR latches on write; reads in between see the old latch. */
	assert_int_equal(rd(VAPIC_ESR), 0);
	assert_int_equal(rd(0x2f0), 0);		/* no CMCI LVT */
	assert_int_equal(rd(VAPIC_ESR), 0);
	wr(VAPIC_ESR, 0);
	assert_int_equal(rd(VAPIC_ESR), APIC_ESR_ILLEGAL_REG);
	assert_int_equal(rd(VAPIC_ESR), APIC_ESR_ILLEGAL_REG);
	wr(VAPIC_ESR, 0);
	assert_int_equal(rd(VAPIC_ESR), 0);
	wr(VAPIC_SELF_IPI, 0x40);		/* x2APIC only */
	assert_false(pir_has(0x40));
	assert_int_equal(esr(), APIC_ESR_ILLEGAL_REG);
	wr(0x010, 0);
	assert_int_equal(esr(), APIC_ESR_ILLEGAL_REG);
}

static void test_x2apic_registers(void **state)
{
	uint64_t v;

	setup_id(0x13, false);
	assert_int_equal(rdmsr_err(0x802), -EINVAL);	/* xAPIC: no MSRs */
	assert_int_equal(vlapic_wrmsr(&vl, 0x808, 0), -EINVAL);
	to_x2apic();
	assert_true(vlapic_x2apic(&vl));
	assert_int_equal(rdmsr(0x802), 0x13);
	assert_int_equal(page[VAPIC_ID / 4], 0x13);
	assert_int_equal(rdmsr(0x803), 0x00050014);
	/* LDR: cluster 0x13 >> 4 = 1 in 31:16, bit 0x13 & 15 = 3. */
	assert_int_equal(rdmsr(0x80d), 0x00010008);
	assert_int_equal(page[VAPIC_LDR / 4], 0x00010008);
	wrmsr(0x808, 0x20);
	assert_int_equal(rdmsr(0x808), 0x20);
	assert_int_equal(rdmsr(0x80a), 0x20);
	assert_int_equal(rdmsr(0x80f), 0xff);
	wrmsr(0x80f, 0x1ff);
	assert_int_equal(rdmsr(0x80f), 0x1ff);
	wrmsr(0x835, 0x700);
	assert_int_equal(rdmsr(0x835), 0x700);
	wrmsr(0x83e, 0x3);
	assert_int_equal(rdmsr(0x83e), 0x3);
	assert_int_equal(rdmsr(0x839), 0);
	assert_int_equal(rdmsr(0x810), 0);
	assert_int_equal(rdmsr(0x827), 0);

	/* Write-only, absent and xAPIC-only registers: #GP on read. */
	static const uint32_t no_read[] = {
		0x800, 0x801, 0x804, 0x809, 0x80b, 0x80c, 0x80e, 0x829,
		0x82f, 0x831, 0x83a, 0x83f, 0x840, 0x8ff,
	};
	for (size_t i = 0; i < sizeof(no_read) / sizeof(no_read[0]); i++)
		assert_int_equal(rdmsr_err(no_read[i]), -EINVAL);
	/* Read-only and absent: #GP on write. */
	static const uint32_t no_write[] = {
		0x802, 0x803, 0x80a, 0x80d, 0x80e, 0x810, 0x818, 0x820,
		0x82f, 0x831, 0x839, 0x840,
	};
	for (size_t i = 0; i < sizeof(no_write) / sizeof(no_write[0]); i++)
		assert_int_equal(vlapic_wrmsr(&vl, no_write[i], 0), -EINVAL);
	assert_int_equal(rdmsr(0x802), 0x13);	/* unchanged */
	assert_int_equal(vlapic_wrmsr(&vl, 0x80b, 1), -EINVAL); /* EOI != 0 */
	wrmsr(0x80b, 0);
	assert_int_equal(vlapic_wrmsr(&vl, 0x828, 1), -EINVAL); /* ESR != 0 */
	assert_int_equal(vlapic_wrmsr(&vl, 0x808, 1ull << 32), -EINVAL);
	assert_int_equal(vlapic_wrmsr(&vl, 0x83f, 0x140), -EINVAL);
	assert_int_equal(rdmsr(0x828), 0);	/* #GP is not an APIC error */

	/* Not the vLAPIC's MSR. */
	assert_int_equal(vlapic_rdmsr(&vl, 0x10, &v), -ENOENT);
	assert_int_equal(vlapic_wrmsr(&vl, 0x900, 0), -ENOENT);
	assert_int_equal(vlapic_rdmsr(&vl, 0x7ff, &v), -ENOENT);
}

static void test_mmio_not_decoded(void **state)
{
	uint64_t v;

	setup();
	to_x2apic();
	assert_int_equal(vlapic_mmio_read(&vl, VAPIC_ID, 4, &v), -ENODEV);
	assert_int_equal(vlapic_mmio_write(&vl, VAPIC_TPR, 4, 0x20), -ENODEV);
	assert_int_equal(rdmsr(0x808), 0);
	wrmsr(0x1b, APIC_BASE_DEFAULT);		/* disabled */
	assert_int_equal(vlapic_mmio_read(&vl, VAPIC_ID, 4, &v), -ENODEV);
	assert_int_equal(rdmsr_err(0x802), -EINVAL);
}

/* ---- IA32_APIC_BASE ------------------------------------------------------- */

static void test_apic_base_legal(void **state)
{
	setup_id(0, true);
	sw_enable();
	wr(VAPIC_TPR, 0x30);
	to_x2apic();				/* xAPIC -> x2APIC */
	assert_int_equal(rdmsr(0x1b), 0xfee00d00ull);
	assert_int_equal(rdmsr(0x808), 0x30);	/* state kept */
	assert_int_equal(rdmsr(0x80f), 0x1ff);
	wrmsr(0x1b, APIC_BASE_DEFAULT | APIC_BASE_EN | APIC_BASE_EXTD);
	wrmsr(0x1b, APIC_BASE_DEFAULT);		/* x2APIC -> disabled */
	assert_false(vlapic_hw_enabled(&vl));
	assert_int_equal(rdmsr(0x1b), 0xfee00100ull);	/* BSP kept */
	wrmsr(0x1b, APIC_BASE_DEFAULT | APIC_BASE_EN);	/* -> xAPIC */
	assert_int_equal(rd(VAPIC_TPR), 0);	/* reset by the disable */
	assert_int_equal(rd(VAPIC_SVR), 0xff);
	assert_int_equal(rd(VAPIC_ID), 0);
	wrmsr(0x1b, 0xfee00000ull);		/* xAPIC -> disabled */
	wrmsr(0x1b, 0xfee00000ull);		/* disabled -> disabled */
	wrmsr(0x1b, 0x7ffffff800ull);		/* relocate (bit 38 < 39) */
	assert_int_equal(rdmsr(0x1b), 0x7ffffff900ull);

	setup();				/* AP: BSP bit not settable */
	wrmsr(0x1b, 0xfee00900ull);
	assert_int_equal(rdmsr(0x1b), 0xfee00800ull);
}

static void test_apic_base_illegal(void **state)
{
	setup();
	/* EN=0, EXTD=1 is invalid from anywhere. */
	assert_int_equal(vlapic_wrmsr(&vl, 0x1b, 0xfee00400ull), -EINVAL);
	/* Reserved bits: 7:0, 9, and at or above MAXPHYADDR (39). */
	assert_int_equal(vlapic_wrmsr(&vl, 0x1b, 0xfee00801ull), -EINVAL);
	assert_int_equal(vlapic_wrmsr(&vl, 0x1b, 0xfee00a00ull), -EINVAL);
	assert_int_equal(vlapic_wrmsr(&vl, 0x1b, 0xfee00800ull | 1ull << 39),
			 -EINVAL);
	assert_int_equal(rdmsr(0x1b), 0xfee00800ull);

	to_x2apic();
	/* x2APIC -> xAPIC must go through disabled. */
	assert_int_equal(vlapic_set_base(&vl, 0xfee00800ull), -EINVAL);
	assert_int_equal(rdmsr(0x1b), 0xfee00c00ull);
	assert_int_equal(vlapic_wrmsr(&vl, 0x1b, 0xfee00400ull), -EINVAL);
	wrmsr(0x1b, 0xfee00000ull);
	/* disabled -> x2APIC must go through xAPIC. */
	assert_int_equal(vlapic_set_base(&vl, 0xfee00c00ull), -EINVAL);
	assert_int_equal(rdmsr(0x1b), 0xfee00000ull);
	wrmsr(0x1b, 0xfee00800ull);
	wrmsr(0x1b, 0xfee00c00ull);
}

static void test_sw_disable(void **state)
{
	setup();
	wr(VAPIC_LVT_LINT0, 0x700);		/* disabled: stays masked */
	assert_int_equal(rd(VAPIC_LVT_LINT0), 0x10700);
	assert_false(accept(APIC_DM_FIXED, 0x40, false));	/* dropped */
	assert_false(pir_has(0x40));
	assert_int_equal(fk.notify_posted, 0);
	assert_true(accept(APIC_DM_NMI, 0, false));	/* NMI still taken */
	assert_true(vlapic_take_nmi(&vl));

	sw_enable();
	assert_int_equal(rd(VAPIC_LVT_LINT0), 0x10700);	/* still masked */
	wr(VAPIC_LVT_LINT0, 0x700);
	wr(VAPIC_LVT_TIMER, 0x20);
	assert_int_equal(rd(VAPIC_LVT_LINT0), 0x700);
	wr(VAPIC_SVR, 0xff);			/* software disable */
	assert_int_equal(rd(VAPIC_LVT_LINT0), 0x10700);
	assert_int_equal(rd(VAPIC_LVT_TIMER), 0x10020);
}

/* ---- ICR ---------------------------------------------------------------------- */

static void test_icr_xapic_fixed(void **state)
{
	setup();
	sw_enable();
	wr(VAPIC_ICR_HI, 0x03000000);
	wr(VAPIC_ICR_LO, 0x000050f3);		/* status bit 12 written */
	assert_int_equal(fk.n_ipi, 1);
	assert_int_equal(fk.ipi[0].vector, 0xf3);
	assert_int_equal(fk.ipi[0].mode, APIC_DM_FIXED);
	assert_int_equal(fk.ipi[0].shorthand, APIC_SH_NONE);
	assert_false(fk.ipi[0].logical);
	assert_false(fk.ipi[0].level);
	assert_false(fk.ipi[0].x2apic);
	assert_int_equal(fk.ipi[0].dest, 3);
	/* Delivery status always idle, in the register and the page. */
	assert_int_equal(rd(VAPIC_ICR_LO), 0x000040f3);
	assert_int_equal(page[VAPIC_ICR_LO / 4] & (1u << 12), 0);
	assert_int_equal(rd(VAPIC_ICR_HI), 0x03000000);
	/* Trigger mode means nothing for fixed IPIs: never level. */
	wr(VAPIC_ICR_LO, 0x0000c0f4);
	assert_int_equal(fk.n_ipi, 2);
	assert_false(fk.ipi[1].level);
}

static void test_icr_modes(void **state)
{
	setup();
	sw_enable();
	wr(VAPIC_ICR_HI, 0x0f000000);
	wr(VAPIC_ICR_LO, 0x00004933);		/* lowest, logical */
	assert_int_equal(fk.ipi[0].mode, APIC_DM_LOWEST);
	assert_true(fk.ipi[0].logical);
	assert_int_equal(fk.ipi[0].dest, 0x0f);
	assert_int_equal(fk.ipi[0].vector, 0x33);

	wr(VAPIC_ICR_LO, 0x00004400);		/* NMI, physical */
	assert_int_equal(fk.ipi[1].mode, APIC_DM_NMI);
	assert_false(fk.ipi[1].logical);

	wr(VAPIC_ICR_LO, 0x000cc500);		/* INIT assert, all but self */
	assert_int_equal(fk.ipi[2].mode, APIC_DM_INIT);
	assert_true(fk.ipi[2].assert);
	assert_true(fk.ipi[2].level);
	assert_int_equal(fk.ipi[2].shorthand, APIC_SH_OTHERS);

	wr(VAPIC_ICR_LO, 0x000c4608);		/* SIPI 8, all but self */
	assert_int_equal(fk.ipi[3].mode, APIC_DM_SIPI);
	assert_int_equal(fk.ipi[3].vector, 0x08);
	assert_int_equal(fk.ipi[3].shorthand, APIC_SH_OTHERS);

	wr(VAPIC_ICR_LO, 0x00084030);		/* fixed, all including self */
	assert_int_equal(fk.ipi[4].shorthand, APIC_SH_ALL);
	assert_int_equal(fk.ipi[4].vector, 0x30);
	assert_int_equal(fk.n_ipi, 5);

	/* SMI, reserved mode 3 and ExtINT are not sent. */
	wr(VAPIC_ICR_LO, 0x00004200);
	wr(VAPIC_ICR_LO, 0x00004300);
	wr(VAPIC_ICR_LO, 0x00004700);
	assert_int_equal(fk.n_ipi, 5);
	assert_int_equal(fk.inits + fk.sipis, 0);	/* bus's job */
}

static void test_icr_self(void **state)
{
	setup();
	sw_enable();
	wr(VAPIC_ICR_LO, 0x00044031);		/* fixed, self */
	assert_int_equal(fk.n_ipi, 0);		/* never leaves the APIC */
	assert_true(pir_has(0x31));
	assert_int_equal(fk.notify_posted, 1);
	wr(VAPIC_ICR_LO, 0x00044400);		/* NMI to self: illegal */
	assert_false(vlapic_take_nmi(&vl));
	assert_int_equal(fk.n_ipi, 0);
}

static void test_icr_init_deassert_noop(void **state)
{
	setup();
	sw_enable();
	/* Asterinas: INIT de-assert, level trigger, all including self. */
	wr(VAPIC_ICR_LO, 0x00088500);
	assert_int_equal(fk.n_ipi, 0);
	assert_int_equal(fk.inits, 0);
	/* Edge-triggered with level 0: still no assert. */
	wr(VAPIC_ICR_LO, 0x00080500);
	assert_int_equal(fk.n_ipi, 0);
	assert_int_equal(fk.inits, 0);
	/* And straight at the APIC: no-op too. */
	struct apic_msg m = { .mode = APIC_DM_INIT, .level = true };
	assert_false(vlapic_accept(&vl, &m));
	assert_int_equal(fk.inits, 0);
	m.assert = true;
	assert_true(vlapic_accept(&vl, &m));
	assert_int_equal(fk.inits, 1);
}

static void test_icr_illegal_vector(void **state)
{
	setup();
	sw_enable();
	wr(VAPIC_ICR_LO, 0x0000400f);		/* fixed, vector 15 */
	assert_int_equal(fk.n_ipi, 0);
	assert_int_equal(esr(), APIC_ESR_SEND_ILLEGAL);
	wr(VAPIC_ICR_LO, 0x00004105);		/* lowest, vector 5 */
	assert_int_equal(fk.n_ipi, 0);
	assert_int_equal(esr(), APIC_ESR_SEND_ILLEGAL);
	wr(VAPIC_ICR_LO, 0x00004400);		/* NMI: vector unused */
	wr(VAPIC_ICR_LO, 0x00004601);		/* SIPI 1 is legal */
	assert_int_equal(fk.n_ipi, 2);
	assert_int_equal(esr(), 0);
}

static void test_icr_x2apic(void **state)
{
	setup();
	to_x2apic();
	sw_enable();
	wrmsr(0x830, 0x12345678ull << 32 | 0x000050f3);
	assert_int_equal(fk.n_ipi, 1);
	assert_int_equal(fk.ipi[0].dest, 0x12345678);
	assert_true(fk.ipi[0].x2apic);
	assert_int_equal(fk.ipi[0].vector, 0xf3);
	/* Asterinas polls bit 12 in x2APIC mode too: idle. */
	assert_int_equal(rdmsr(0x830), 0x12345678ull << 32 | 0x000040f3);
	/* Same page layout as the CPU's x2APIC virtualization. */
	assert_int_equal(page[VAPIC_ICR_HI / 4], 0x12345678);
	wrmsr(0x830, 0xffffffffull << 32 | 0x00004d00);	/* logical INIT */
	assert_int_equal(fk.ipi[1].mode, APIC_DM_INIT);
	assert_true(fk.ipi[1].logical);
	assert_int_equal(fk.ipi[1].dest, 0xffffffff);

	/* SELF IPI register: local, fixed, edge. */
	wrmsr(0x83f, 0x44);
	assert_true(pir_has(0x44));
	assert_int_equal(fk.n_ipi, 2);
	wrmsr(0x83f, 0x05);			/* illegal vector */
	assert_false(pir_has(0x05));
	assert_int_equal(esr(), APIC_ESR_RECV_ILLEGAL);
}

/* ---- acceptance --------------------------------------------------------------- */

static void test_accept_notify_once(void **state)
{
	setup();
	sw_enable();
	assert_true(accept(APIC_DM_FIXED, 0x40, false));
	assert_true(pir_has(0x40));
	assert_true(pi_test_on(&vl.pi));
	assert_int_equal(fk.notify_posted, 1);
	accept(APIC_DM_LOWEST, 0x41, false);
	assert_true(pir_has(0x41));
	assert_int_equal(fk.notify_posted, 1);	/* ON already set */
	assert_int_equal(vlapic_sync_pir(&vl), 0x41);
	assert_false(pi_test_on(&vl.pi));
	assert_false(pir_has(0x40));
	assert_true(page_bit(VAPIC_IRR, 0x40));
	assert_true(page_bit(VAPIC_IRR, 0x41));
	accept(APIC_DM_FIXED, 0xc2, false);
	assert_int_equal(fk.notify_posted, 2);	/* ON 0->1 again */
	assert_int_equal(fk.notify_exit, 0);
	assert_int_equal(vlapic_sync_pir(&vl), 0xc2);
	assert_int_equal(rd(VAPIC_IRR + 0x60), 1u << 2);
	assert_int_equal(vlapic_sync_pir(&vl), 0xc2);	/* nothing new */
}

static void test_accept_illegal_vector(void **state)
{
	setup();
	sw_enable();
	assert_false(accept(APIC_DM_FIXED, 15, false));
	assert_int_equal(vl.pi.pir[0], 0);
	assert_int_equal(fk.notify_posted, 0);
	assert_int_equal(esr(), APIC_ESR_RECV_ILLEGAL);
	assert_int_equal(esr(), 0);
	/* With the error LVT unmasked, the error raises its vector. */
	wr(VAPIC_LVT_ERROR, 0xfe);
	accept(APIC_DM_FIXED, 0, false);
	assert_true(pir_has(0xfe));
	assert_false(pir_has(0));
	assert_int_equal(fk.notify_posted, 1);
	assert_int_equal(esr(), APIC_ESR_RECV_ILLEGAL);
	/* Vector 16 is legal (an exception vector, but a valid one). */
	accept(APIC_DM_FIXED, 16, false);
	assert_true(pir_has(16));
}

static void test_accept_nmi_init_sipi(void **state)
{
	setup();
	accept(APIC_DM_NMI, 0x77, false);
	accept(APIC_DM_NMI, 0, false);
	assert_int_equal(fk.notify_exit, 1);	/* once per pending NMI */
	assert_int_equal(fk.notify_posted, 0);
	assert_int_equal(vl.pi.pir[1], 0);
	assert_true(vlapic_take_nmi(&vl));
	assert_false(vlapic_take_nmi(&vl));
	accept(APIC_DM_NMI, 0, false);
	assert_int_equal(fk.notify_exit, 2);

	accept(APIC_DM_INIT, 0, true);
	assert_int_equal(fk.inits, 1);
	accept(APIC_DM_SIPI, 0x9a, false);
	assert_int_equal(fk.sipis, 1);
	assert_int_equal(fk.sipi_vec, 0x9a);
	assert_false(accept(APIC_DM_SMI, 0, false));
	assert_false(accept(APIC_DM_EXTINT, 0x20, false));
	assert_int_equal(fk.inits + fk.sipis, 2);
	assert_int_equal(vl.pi.pir[0], 0);

	/* A hardware-disabled APIC takes nothing. */
	wrmsr(0x1b, APIC_BASE_DEFAULT);
	assert_false(accept(APIC_DM_INIT, 0, true));
	assert_false(accept(APIC_DM_NMI, 0, false));
	assert_int_equal(fk.inits, 1);
	assert_false(vlapic_take_nmi(&vl));
}

static void test_accept_level_tmr(void **state)
{
	setup();
	sw_enable();
	accept(APIC_DM_FIXED, 0x70, true);
	assert_true(page_bit(VAPIC_TMR, 0x70));
	assert_int_equal(rd(VAPIC_TMR + 0x30), 1u << 16);
	accept(APIC_DM_FIXED, 0x71, false);
	assert_false(page_bit(VAPIC_TMR, 0x71));
	vlapic_sync_pir(&vl);
	accept(APIC_DM_FIXED, 0x70, false);	/* now edge: TMR cleared */
	assert_false(page_bit(VAPIC_TMR, 0x70));
}

/* ---- software delivery path ----------------------------------------------------- */

static void test_sync_pending_ack_eoi(void **state)
{
	setup();
	sw_enable();
	assert_int_equal(vlapic_pending_vector(&vl), -1);
	accept(APIC_DM_FIXED, 0x31, false);
	accept(APIC_DM_FIXED, 0x52, false);
	accept(APIC_DM_FIXED, 0x45, false);
	assert_int_equal(vlapic_pending_vector(&vl), -1);	/* not synced */
	assert_int_equal(vlapic_sync_pir(&vl), 0x52);
	assert_int_equal(vlapic_pending_vector(&vl), 0x52);
	vlapic_ack(&vl, 0x52);
	assert_false(page_bit(VAPIC_IRR, 0x52));
	assert_true(page_bit(VAPIC_ISR, 0x52));
	assert_int_equal(rd(VAPIC_ISR + 0x20), 1u << 18);
	assert_int_equal(rd(VAPIC_PPR), 0x50);
	assert_int_equal(vlapic_highest_isr(&vl), 0x52);
	/* 0x45 (class 4) and a new 0x5f (class 5) wait for the EOI. */
	accept(APIC_DM_FIXED, 0x5f, false);
	vlapic_sync_pir(&vl);
	assert_int_equal(vlapic_pending_vector(&vl), -1);
	accept(APIC_DM_FIXED, 0x61, false);	/* class 6 nests */
	vlapic_sync_pir(&vl);
	assert_int_equal(vlapic_pending_vector(&vl), 0x61);
	vlapic_ack(&vl, 0x61);
	assert_int_equal(rd(VAPIC_PPR), 0x60);
	assert_int_equal(vlapic_pending_vector(&vl), -1);
	wr(VAPIC_EOI, 0);			/* EOIs 0x61, the highest */
	assert_false(page_bit(VAPIC_ISR, 0x61));
	assert_true(page_bit(VAPIC_ISR, 0x52));
	assert_int_equal(rd(VAPIC_PPR), 0x50);
	assert_int_equal(vlapic_pending_vector(&vl), -1);
	wr(VAPIC_EOI, 0);
	assert_int_equal(rd(VAPIC_PPR), 0);
	assert_int_equal(vlapic_pending_vector(&vl), 0x5f);
	vlapic_ack(&vl, 0x5f);
	wr(VAPIC_EOI, 0);
	assert_int_equal(vlapic_pending_vector(&vl), 0x45);
	vlapic_ack(&vl, 0x45);
	wr(VAPIC_EOI, 0);
	assert_int_equal(vlapic_pending_vector(&vl), 0x31);
	vlapic_ack(&vl, 0x31);
	wr(VAPIC_EOI, 0);
	assert_int_equal(vlapic_pending_vector(&vl), -1);
	wr(VAPIC_EOI, 0);			/* nothing in service: harmless */
	assert_int_equal(fk.n_eoi, 0);		/* all edge */
	assert_int_equal(vlapic_highest_isr(&vl), -1);
}

static void test_tpr_priority(void **state)
{
	setup();
	sw_enable();
	wr(VAPIC_TPR, 0x57);
	assert_int_equal(rd(VAPIC_PPR), 0x57);
	accept(APIC_DM_FIXED, 0x5f, false);
	vlapic_sync_pir(&vl);
	assert_int_equal(vlapic_pending_vector(&vl), -1);	/* same class */
	assert_int_equal(vlapic_tpr_threshold(&vl), 5);
	wr(VAPIC_TPR, 0x4f);
	assert_int_equal(vlapic_pending_vector(&vl), 0x5f);
	assert_int_equal(vlapic_tpr_threshold(&vl), 0);
	vlapic_ack(&vl, 0x5f);
	/* ISR class 5 beats TPR class 4: PPR = 0x50. */
	assert_int_equal(rd(VAPIC_PPR), 0x50);
	wr(VAPIC_TPR, 0x5a);			/* same class: TPR wins */
	assert_int_equal(rd(VAPIC_PPR), 0x5a);
	wr(VAPIC_TPR, 0x63);			/* TPR class above ISR */
	assert_int_equal(rd(VAPIC_PPR), 0x63);
	/* The TPR shadow writes the page without an exit. */
	page[VAPIC_TPR / 4] = 0;
	accept(APIC_DM_FIXED, 0x62, false);
	vlapic_sync_pir(&vl);
	assert_int_equal(vlapic_pending_vector(&vl), 0x62);
	assert_int_equal(page[VAPIC_PPR / 4], 0x50);

	/* x2APIC TPR is the same register. */
	to_x2apic();
	wrmsr(0x808, 0xf0);
	assert_int_equal(vlapic_pending_vector(&vl), -1);
	assert_int_equal(rdmsr(0x80a), 0xf0);
}

static void test_eoi_level(void **state)
{
	setup();
	sw_enable();
	accept(APIC_DM_FIXED, 0x70, true);
	accept(APIC_DM_FIXED, 0x60, false);
	vlapic_sync_pir(&vl);
	vlapic_ack(&vl, vlapic_pending_vector(&vl));
	wr(VAPIC_EOI, 0);
	assert_int_equal(fk.n_eoi, 1);
	assert_int_equal(fk.eoi[0], 0x70);
	vlapic_ack(&vl, vlapic_pending_vector(&vl));
	wr(VAPIC_EOI, 0);
	assert_int_equal(fk.n_eoi, 1);		/* 0x60 was edge */

	/* x2APIC EOI MSR too. */
	to_x2apic();
	accept(APIC_DM_FIXED, 0x90, true);
	vlapic_sync_pir(&vl);
	vlapic_ack(&vl, 0x90);
	wrmsr(0x80b, 0);
	assert_int_equal(fk.n_eoi, 2);
	assert_int_equal(fk.eoi[1], 0x90);
}

/* ---- hardware-assisted paths ------------------------------------------------------ */

static void test_hw_hooks(void **state)
{
	uint64_t bm[4];

	setup();
	sw_enable();
	accept(APIC_DM_FIXED, 0x70, true);
	accept(APIC_DM_FIXED, 0xf1, true);
	accept(APIC_DM_FIXED, 0x71, false);
	vlapic_eoi_exit_bitmap(&vl, bm);
	assert_int_equal(bm[0], 0);
	assert_int_equal(bm[1], 1ull << (0x70 - 64));
	assert_int_equal(bm[2], 0);
	assert_int_equal(bm[3], 1ull << (0xf1 - 192));

	/* RVI/SVI sources. */
	assert_int_equal(vlapic_sync_pir(&vl), 0xf1);
	assert_int_equal(vlapic_highest_irr(&vl), 0xf1);
	assert_int_equal(vlapic_highest_isr(&vl), -1);

	/* EOI-induced exit: the CPU already cleared ISR. */
	vlapic_eoi_exit(&vl, 0x70);
	assert_int_equal(fk.n_eoi, 1);
	assert_int_equal(fk.eoi[0], 0x70);
	vlapic_eoi_exit(&vl, 0x71);
	assert_int_equal(fk.n_eoi, 1);

	/* APIC-write exits: the raw value is already in the page. */
	page[VAPIC_ICR_HI / 4] = 0x01000000;
	page[VAPIC_ICR_LO / 4] = 0x000050e0;
	vlapic_apic_write(&vl, VAPIC_ICR_LO);
	assert_int_equal(fk.n_ipi, 1);
	assert_int_equal(fk.ipi[0].vector, 0xe0);
	assert_int_equal(fk.ipi[0].dest, 1);
	assert_int_equal(page[VAPIC_ICR_LO / 4], 0x000040e0);
	page[VAPIC_LVT_LINT0 / 4] = 0xffffffff;
	vlapic_apic_write(&vl, VAPIC_LVT_LINT0);
	assert_int_equal(page[VAPIC_LVT_LINT0 / 4], 0x1a7ff);
	page[VAPIC_SVR / 4] = 0xff;			/* software disable */
	vlapic_apic_write(&vl, VAPIC_SVR);
	assert_false(vlapic_sw_enabled(&vl));
	vlapic_accept(&vl, &(struct apic_msg){ .vector = 0x55 });
	assert_false(pir_has(0x55));
	page[VAPIC_ESR / 4] = 0x1234;			/* latch: nothing */
	vlapic_apic_write(&vl, VAPIC_ESR);
	assert_int_equal(page[VAPIC_ESR / 4], 0);
	page[VAPIC_TMICT / 4] = 10;
	vlapic_apic_write(&vl, VAPIC_TMICT);
	assert_int_equal(fk.arms, 1);
	assert_int_equal(fk.armed, 10 * 2 * TPT);

	/* x2APIC: ICR is one 64-bit value across 0x300/0x310. */
	to_x2apic();
	page[VAPIC_ICR_HI / 4] = 0x00000123;
	page[VAPIC_ICR_LO / 4] = 0x000040e1;
	vlapic_apic_write(&vl, VAPIC_ICR_LO);
	assert_int_equal(fk.n_ipi, 2);
	assert_int_equal(fk.ipi[1].dest, 0x123);
	assert_true(fk.ipi[1].x2apic);
}

static void test_accepts_pic_intr(void **state)
{
	setup();
	assert_false(vlapic_accepts_pic_intr(&vl));	/* LINT0 masked */
	sw_enable();
	wr(VAPIC_LVT_LINT0, 0x700);			/* ExtINT */
	assert_true(vlapic_accepts_pic_intr(&vl));
	wr(VAPIC_LVT_LINT0, 0x10700);
	assert_false(vlapic_accepts_pic_intr(&vl));
	wrmsr(0x1b, APIC_BASE_DEFAULT);			/* APIC off */
	assert_true(vlapic_accepts_pic_intr(&vl));
}

static void test_init_reset(void **state)
{
	setup_id(3, false);
	to_x2apic();
	sw_enable();
	wrmsr(0x808, 0x20);
	wrmsr(0x832, 0x20030);			/* periodic */
	wrmsr(0x838, 1000);
	assert_int_equal(fk.arms, 1);
	accept(APIC_DM_FIXED, 0x40, false);
	vlapic_sync_pir(&vl);
	vlapic_ack(&vl, 0x40);
	accept(APIC_DM_FIXED, 0x41, false);
	accept(APIC_DM_NMI, 0, false);

	vlapic_reset(&vl);
	assert_int_equal(fk.armed, 0);		/* timer cancelled */
	assert_int_equal(rdmsr(0x1b), 0xfee00c00ull);	/* mode kept */
	assert_int_equal(rdmsr(0x802), 3);
	assert_int_equal(rdmsr(0x80d), 0x00000008);
	assert_int_equal(rdmsr(0x808), 0);
	assert_int_equal(rdmsr(0x80f), 0xff);
	assert_int_equal(rdmsr(0x832), APIC_LVT_MASKED);
	assert_int_equal(rdmsr(0x838), 0);
	assert_int_equal(vlapic_highest_isr(&vl), -1);
	assert_false(pi_test_on(&vl.pi));
	assert_int_equal(vlapic_sync_pir(&vl), -1);	/* 0x41 dropped */
	assert_false(vlapic_take_nmi(&vl));
}

/* ---- timer ------------------------------------------------------------------------- */

static void timer_setup(uint32_t lvt, uint32_t tdcr)
{
	setup();
	sw_enable();
	fk.now = 1000;
	wr(VAPIC_TDCR, tdcr);
	wr(VAPIC_LVT_TIMER, lvt);
}

static void test_timer_oneshot(void **state)
{
	timer_setup(0x40, 0xb);			/* divide by 1 */
	wr(VAPIC_TMICT, 1000);
	assert_int_equal(fk.arms, 1);
	assert_int_equal(fk.armed, 1000 + 1000 * TPT);
	assert_int_equal(rd(VAPIC_TMICT), 1000);
	assert_int_equal(rd(VAPIC_TMCCT), 1000);
	fk.now += 25000;
	assert_int_equal(rd(VAPIC_TMCCT), 750);
	fk.now += 50;				/* half a tick */
	assert_int_equal(rd(VAPIC_TMCCT), 750);
	fk.now += 50;
	assert_int_equal(rd(VAPIC_TMCCT), 749);
	fk.now = 1000 + 1000 * TPT - 1;
	assert_int_equal(rd(VAPIC_TMCCT), 1);
	assert_false(pir_has(0x40));
	fk.now = 1000 + 1000 * TPT;
	vlapic_timer_expired(&vl);
	assert_true(pir_has(0x40));
	assert_int_equal(fk.notify_posted, 1);
	assert_int_equal(rd(VAPIC_TMCCT), 0);
	assert_int_equal(fk.arms, 1);		/* one-shot: no re-arm */
	vlapic_sync_pir(&vl);
	vlapic_timer_expired(&vl);		/* stale call: nothing */
	assert_int_equal(fk.arms, 1);
	assert_false(pir_has(0x40));

	/* Re-load, then stop with a 0 count. */
	wr(VAPIC_TMICT, 10);
	assert_int_equal(fk.armed, fk.now + 10 * TPT);
	wr(VAPIC_TMICT, 0);
	assert_int_equal(fk.armed, 0);
	assert_int_equal(rd(VAPIC_TMCCT), 0);
	fk.now += 10 * TPT;
	vlapic_timer_expired(&vl);
	assert_int_equal(fk.notify_posted, 1);
	assert_false(pir_has(0x40));
}

static void test_timer_periodic(void **state)
{
	uint64_t t0 = 1000, p = 10000 * TPT;	/* 1 ms */

	timer_setup(0x20041, 0xb);
	wr(VAPIC_TMICT, 10000);
	assert_int_equal(fk.armed, t0 + p);
	fk.now = t0 + p;
	vlapic_timer_expired(&vl);
	assert_true(pir_has(0x41));
	assert_int_equal(fk.armed, t0 + 2 * p);	/* re-armed one period on */
	assert_int_equal(rd(VAPIC_TMCCT), 10000);
	fk.now = t0 + p + p / 2;
	assert_int_equal(rd(VAPIC_TMCCT), 5000);
	vlapic_sync_pir(&vl);
	/* Late by 2.5 periods: one interrupt, phase kept. */
	fk.now = t0 + 4 * p + p / 2;
	vlapic_timer_expired(&vl);
	assert_true(pir_has(0x41));
	assert_int_equal(fk.notify_posted, 2);
	assert_int_equal(fk.armed, t0 + 5 * p);
	/* Expired but not yet run: the count has reloaded already. */
	fk.now = t0 + 5 * p + p / 4;
	assert_int_equal(rd(VAPIC_TMCCT), 7500);
	/* Early call (timer re-armed meanwhile): re-arm, no interrupt. */
	vlapic_sync_pir(&vl);
	wr(VAPIC_TMICT, 10000);
	assert_int_equal(fk.armed, fk.now + p);
	vlapic_timer_expired(&vl);
	assert_int_equal(fk.armed, fk.now + p);
	assert_false(pir_has(0x41));
	/* Periodic -> one-shot keeps counting, then stops. */
	wr(VAPIC_LVT_TIMER, 0x41);
	fk.now += p;
	vlapic_timer_expired(&vl);
	assert_true(pir_has(0x41));
	assert_int_equal(rd(VAPIC_TMCCT), 0);
}

static void test_timer_min_period(void **state)
{
	timer_setup(0x20042, 0xb);
	wr(VAPIC_TMICT, 1);			/* 100 TSC per period */
	assert_int_equal(fk.armed, 1000 + TPT);
	fk.now = 1000 + TPT;
	vlapic_timer_expired(&vl);
	assert_true(pir_has(0x42));
	assert_int_equal(fk.armed, 1000 + TPT + MINP);	/* clamped */
	assert_int_equal(rd(VAPIC_TMCCT), 1);	/* never above initial */
}

static void test_timer_divide(void **state)
{
	static const uint32_t tdcr[] = { 0, 1, 2, 3, 8, 9, 0xa, 0xb };
	static const uint32_t div[] = { 2, 4, 8, 16, 32, 64, 128, 1 };

	for (int i = 0; i < 8; i++) {
		timer_setup(0x40, tdcr[i]);
		wr(VAPIC_TMICT, 10);
		assert_int_equal(fk.armed, 1000 + 10 * div[i] * TPT);
		fk.now += div[i] * TPT;		/* one count */
		assert_int_equal(rd(VAPIC_TMCCT), 9);
	}
	/* A TDCR write applies from the next load. */
	timer_setup(0x40, 0xb);
	wr(VAPIC_TMICT, 10);
	wr(VAPIC_TDCR, 0);
	assert_int_equal(rd(VAPIC_TMCCT), 10);
	wr(VAPIC_TMICT, 10);
	assert_int_equal(fk.armed, 1000 + 20 * TPT);
}

static void test_timer_masked(void **state)
{
	timer_setup(0x10040, 0xb);		/* one-shot, masked */
	wr(VAPIC_TMICT, 5);
	assert_int_equal(fk.arms, 1);		/* counts anyway */
	fk.now += 5 * TPT;
	vlapic_timer_expired(&vl);
	assert_false(pir_has(0x40));
	assert_int_equal(fk.notify_posted, 0);
	assert_int_equal(rd(VAPIC_TMCCT), 0);

	wr(VAPIC_LVT_TIMER, 0x30040);		/* periodic, masked */
	wr(VAPIC_TMICT, 10000);
	fk.now += 10000 * TPT;
	vlapic_timer_expired(&vl);
	assert_false(pir_has(0x40));
	assert_int_equal(fk.armed, fk.now + 10000 * TPT);	/* re-armed */
	wr(VAPIC_LVT_TIMER, 0x20040);		/* unmask */
	fk.now += 10000 * TPT;
	vlapic_timer_expired(&vl);
	assert_true(pir_has(0x40));
}

/*
 * An expiry that fired on another pCPU was flagged for the owner, which
 * told the scheduler then (an early run for it); the owner posts it at
 * entry with vlapic_timer_expired_told(). That post must not notify: a
 * second notify restarted the early run from the entry (94938e5).
 */
static void test_timer_expired_told(void **state)
{
	timer_setup(APIC_LVT_TIMER_TSCDL | 0x51, 0);
	wrmsr(0x6e0, 5000);
	fk.now = 5000;
	vlapic_timer_expired_told(&vl);
	assert_true(pir_has(0x51));
	assert_int_equal(fk.notify_posted + fk.notify_exit, 0);
	assert_int_equal(rdmsr(0x6e0), 0);	/* fired: disarmed itself */

	/* Re-armed later meanwhile: re-arm, no post, no notify. */
	vlapic_sync_pir(&vl);
	wrmsr(0x6e0, 9000);
	fk.now = 8000;
	vlapic_timer_expired_told(&vl);
	assert_false(pir_has(0x51));
	assert_int_equal(fk.armed, 9000);

	/* The plain callback still notifies, once per post. */
	fk.now = 9000;
	vlapic_timer_expired(&vl);
	assert_true(pir_has(0x51));
	assert_int_equal(fk.notify_posted, 1);
	assert_int_equal(fk.notify_exit, 0);

	/* Periodic: posted quietly and re-armed one period on. */
	vlapic_sync_pir(&vl);
	timer_setup(0x20052, 0xb);
	wr(VAPIC_TMICT, 10000);
	fk.now = fk.armed;
	vlapic_timer_expired_told(&vl);
	assert_true(pir_has(0x52));
	assert_int_equal(fk.armed, fk.now + 10000 * TPT);
	assert_int_equal(fk.notify_posted + fk.notify_exit, 0);
}

static void test_timer_tsc_deadline(void **state)
{
	timer_setup(APIC_LVT_TIMER_TSCDL | 0x50, 0);
	wrmsr(0x6e0, 5000);
	assert_int_equal(fk.armed, 5000);
	assert_int_equal(rdmsr(0x6e0), 5000);
	assert_int_equal(rd(VAPIC_TMCCT), 0);	/* no count in this mode */
	wr(VAPIC_TMICT, 100);			/* ignored in this mode */
	assert_int_equal(rd(VAPIC_TMICT), 0);
	assert_int_equal(fk.armed, 5000);
	fk.now = 4999;
	vlapic_timer_expired(&vl);		/* early: no interrupt */
	assert_false(pir_has(0x50));
	fk.now = 5000;
	vlapic_timer_expired(&vl);
	assert_true(pir_has(0x50));
	assert_int_equal(rdmsr(0x6e0), 0);	/* disarmed itself */

	/* Writing 0 cancels. */
	vlapic_sync_pir(&vl);
	wrmsr(0x6e0, 9000);
	assert_int_equal(fk.armed, 9000);
	wrmsr(0x6e0, 0);
	assert_int_equal(fk.armed, 0);
	assert_int_equal(rdmsr(0x6e0), 0);
	fk.now = 9000;
	vlapic_timer_expired(&vl);
	assert_false(pir_has(0x50));

	/* A deadline in the past fires at once. */
	int arms = fk.arms;
	wrmsr(0x6e0, 8000);
	assert_true(pir_has(0x50));
	assert_int_equal(fk.arms, arms);
	assert_int_equal(rdmsr(0x6e0), 0);

	/* Rearming moves the deadline. */
	wrmsr(0x6e0, 20000);
	wrmsr(0x6e0, 30000);
	assert_int_equal(fk.armed, 30000);

	/* Leaving TSC-deadline mode disarms; the MSR is then ignored. */
	wr(VAPIC_LVT_TIMER, 0x50);
	assert_int_equal(fk.armed, 0);
	assert_int_equal(rdmsr(0x6e0), 0);
	arms = fk.arms;
	wrmsr(0x6e0, 40000);
	assert_int_equal(fk.arms, arms);
	assert_int_equal(rdmsr(0x6e0), 0);

	/* Entering it stops a one-shot count. */
	wr(VAPIC_TMICT, 100);
	assert_int_equal(fk.armed, fk.now + 100 * 2 * TPT);
	wr(VAPIC_LVT_TIMER, APIC_LVT_TIMER_TSCDL | 0x50);
	assert_int_equal(fk.armed, 0);
	assert_int_equal(rd(VAPIC_TMICT), 0);

	/* x2APIC mode: the same MSR. */
	to_x2apic();
	wrmsr(0x6e0, 50000);
	assert_int_equal(fk.armed, 50000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_power_on_state),
		cmocka_unit_test(test_init_bad_config),
		cmocka_unit_test(test_xapic_registers),
		cmocka_unit_test(test_xapic_odd_accesses),
		cmocka_unit_test(test_x2apic_registers),
		cmocka_unit_test(test_mmio_not_decoded),
		cmocka_unit_test(test_apic_base_legal),
		cmocka_unit_test(test_apic_base_illegal),
		cmocka_unit_test(test_sw_disable),
		cmocka_unit_test(test_icr_xapic_fixed),
		cmocka_unit_test(test_icr_modes),
		cmocka_unit_test(test_icr_self),
		cmocka_unit_test(test_icr_init_deassert_noop),
		cmocka_unit_test(test_icr_illegal_vector),
		cmocka_unit_test(test_icr_x2apic),
		cmocka_unit_test(test_accept_notify_once),
		cmocka_unit_test(test_accept_illegal_vector),
		cmocka_unit_test(test_accept_nmi_init_sipi),
		cmocka_unit_test(test_accept_level_tmr),
		cmocka_unit_test(test_sync_pending_ack_eoi),
		cmocka_unit_test(test_tpr_priority),
		cmocka_unit_test(test_eoi_level),
		cmocka_unit_test(test_hw_hooks),
		cmocka_unit_test(test_accepts_pic_intr),
		cmocka_unit_test(test_init_reset),
		cmocka_unit_test(test_timer_oneshot),
		cmocka_unit_test(test_timer_periodic),
		cmocka_unit_test(test_timer_expired_told),
		cmocka_unit_test(test_timer_min_period),
		cmocka_unit_test(test_timer_divide),
		cmocka_unit_test(test_timer_masked),
		cmocka_unit_test(test_timer_tsc_deadline),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
