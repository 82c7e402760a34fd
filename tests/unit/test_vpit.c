// SPDX-License-Identifier: GPL-2.0
/* Unit tests for the virtual 8254 PIT (dev/vpit.c), on a fake TSC. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "dev/pio.h"
#include "dev/vpit.h"

#define MAX_EDGES	4096

struct rig {
	struct pio_bus bus;
	struct vpit pit;
	uint64_t now;		/* the fake TSC */
	uint64_t io_cost;	/* TSC cycles each port access takes */
	uint64_t deadline;	/* armed timer */
	unsigned int arms;
	bool level;		/* IRQ0 line */
	unsigned int rises, falls;
	uint64_t rise_at[MAX_EDGES];
};

static uint64_t fake_now(void *ctx)
{
	return ((struct rig *)ctx)->now;
}

static void fake_arm(void *ctx, uint64_t deadline)
{
	struct rig *r = ctx;

	r->deadline = deadline;
	r->arms++;
}

static void fake_irq(void *ctx, unsigned int irq, bool level)
{
	struct rig *r = ctx;

	assert_int_equal(irq, 0);
	assert_true(level != r->level);		/* changes only */
	r->level = level;
	if (level) {
		if (r->rises < MAX_EDGES)
			r->rise_at[r->rises] = r->now;
		r->rises++;
	} else {
		r->falls++;
	}
}

static const struct vpit_env env = {
	.now = fake_now,
	.timer_arm = fake_arm,
	.set_irq = fake_irq,
};

static void setup(struct rig *r, uint64_t tsc_khz)
{
	memset(r, 0, sizeof(*r));
	r->now = 1000000;	/* not 0: a deadline of 0 means "none" */
	assert_int_equal(vpit_init(&r->pit, &env, r, tsc_khz), 0);
	assert_int_equal(pio_register(&r->bus, 0x40, 4, &vpit_ops, &r->pit), 0);
	assert_int_equal(pio_register(&r->bus, 0x61, 1, &vpit_ops, &r->pit), 0);
}

static void outb(struct rig *r, uint16_t port, uint8_t v)
{
	r->now += r->io_cost;
	pio_write(&r->bus, port, 1, v);
}

static uint8_t inb(struct rig *r, uint16_t port)
{
	r->now += r->io_cost;
	return pio_read(&r->bus, port, 1);
}

static uint64_t rdtsc(struct rig *r)
{
	return r->now;
}

/* The hypervisor's side: move time to @t, firing the timer on time. */
static void run_until(struct rig *r, uint64_t t)
{
	while (r->deadline && r->deadline <= t) {
		uint64_t d = r->deadline;

		r->now = d;
		r->deadline = 0;
		vpit_timer_expired(&r->pit, d);
		/* Re-armed at a time already due would spin forever. */
		assert_true(r->deadline == 0 || r->deadline > d);
	}
	r->now = t;
}

/* TSC cycles for @ticks PIT clocks, rounded up. */
static uint64_t tsc_for(struct rig *r, uint64_t ticks)
{
	return (ticks * r->pit.tsc_hz + VPIT_HZ - 1) / VPIT_HZ;
}

static void program(struct rig *r, unsigned int ch, uint8_t mode_rw_bcd,
		    uint16_t count)
{
	outb(r, 0x43, ch << 6 | mode_rw_bcd);
	outb(r, 0x40 + ch, count & 0xff);
	outb(r, 0x40 + ch, count >> 8);
}

static uint16_t read_count(struct rig *r, unsigned int ch)
{
	uint16_t lo = inb(r, 0x40 + ch);

	return lo | inb(r, 0x40 + ch) << 8;
}

static void test_reset_idle(void **state)
{
	struct rig r;

	setup(&r, 2500000);
	assert_int_equal(r.arms, 0);
	assert_int_equal(inb(&r, 0x61) & (VPIT_61_GATE2 | VPIT_61_OUT2), 0);
	assert_int_equal(inb(&r, 0x43), 0xff);
	run_until(&r, r.now + 1000000000);
	assert_int_equal(r.rises, 0);
	assert_int_equal(vpit_init(&r.pit, &env, &r, 0), -EINVAL);
	assert_int_equal(vpit_init(&r.pit, NULL, &r, 1000), -EINVAL);
}

static void test_mode0_irq(void **state)
{
	struct rig r;
	uint64_t t0;

	setup(&r, 2500000);
	program(&r, 0, 0x30, 1000);		/* ch0, lo/hi, mode 0 */
	t0 = r.now;
	assert_int_equal(r.arms, 1);
	assert_int_equal(r.deadline, t0 + tsc_for(&r, 1000));
	run_until(&r, r.deadline - 1);
	assert_int_equal(r.rises, 0);
	assert_false(vpit_out(&r.pit, 0, r.now));
	run_until(&r, r.now + 1);
	assert_int_equal(r.rises, 1);
	assert_true(r.level);			/* stays high: OUT0 */
	assert_true(vpit_out(&r.pit, 0, r.now));
	assert_int_equal(r.deadline, 0);	/* one-shot: nothing more */
	run_until(&r, r.now + 100000000);
	assert_int_equal(r.rises, 1);
	/* A new count drops OUT and starts again. */
	outb(&r, 0x40, 100);
	outb(&r, 0x40, 0);
	assert_false(r.level);
	assert_int_not_equal(r.deadline, 0);
	run_until(&r, r.now + tsc_for(&r, 100) + 1);
	assert_int_equal(r.rises, 2);
	/* A control word drops OUT and disarms. */
	outb(&r, 0x43, 0x30);
	assert_false(r.level);
	assert_int_equal(r.deadline, 0);
}

static void test_mode2_periodic_no_drift(void **state)
{
	struct rig r;
	uint64_t t0, period_tsc;

	setup(&r, 3000000);
	program(&r, 0, 0x34, 11932);		/* Linux's HZ=100 LATCH */
	t0 = r.now;
	run_until(&r, t0 + 10 * r.pit.tsc_hz);	/* 10 s */
	/* floor(10 s * 1193182 / 11932) = 999 full periods. */
	assert_int_equal(r.rises, 10ULL * VPIT_HZ / 11932);
	assert_int_equal(r.falls, r.rises);	/* pulses: line rests low */
	assert_false(r.level);
	/* Each edge at the k-th period exactly, not accumulated rounding. */
	period_tsc = 11932 * r.pit.tsc_hz / VPIT_HZ;
	for (unsigned int k = 1; k <= r.rises && k < MAX_EDGES; k++) {
		uint64_t want = t0 + tsc_for(&r, 11932ULL * k);

		assert_int_equal(r.rise_at[k - 1], want);
	}
	assert_true(r.rise_at[1] - r.rise_at[0] >= period_tsc);
	assert_true(r.rise_at[1] - r.rise_at[0] <= period_tsc + 1);
}

static void test_mode3_square(void **state)
{
	struct rig r;
	uint64_t t0;

	setup(&r, 2000000);
	program(&r, 0, 0x36, 0);		/* 65536: 18.2 Hz */
	t0 = r.now;
	run_until(&r, t0 + r.pit.tsc_hz);
	assert_int_equal(r.rises, 18);
	/* OUT is high for the first half period, low for the second. */
	assert_true(vpit_out(&r.pit, 0, t0 + tsc_for(&r, 32767)));
	assert_false(vpit_out(&r.pit, 0, t0 + tsc_for(&r, 32768)));
	assert_true(vpit_out(&r.pit, 0, t0 + tsc_for(&r, 65536)));
	/* The count goes down by two. */
	outb(&r, 0x43, 0x36);
	outb(&r, 0x40, 100);
	outb(&r, 0x40, 0);
	r.now += tsc_for(&r, 10);
	assert_int_equal(read_count(&r, 0), 80);
	r.now += tsc_for(&r, 50);		/* second half: 100 - 2*10 */
	assert_int_equal(read_count(&r, 0), 80);
}

static void test_late_timer_coalesces(void **state)
{
	struct rig r;
	uint64_t t0, late;

	setup(&r, 2500000);
	program(&r, 0, 0x34, 1193);		/* ~1 ms */
	t0 = r.now;
	late = t0 + tsc_for(&r, 1193 * 5 + 100);
	r.now = late;				/* five periods missed */
	vpit_timer_expired(&r.pit, late);
	assert_int_equal(r.rises, 1);
	/* Next edge at the next period boundary, not in the past. */
	assert_int_equal(r.deadline, t0 + tsc_for(&r, 1193 * 6));
	/* An early call does nothing but re-arm. */
	vpit_timer_expired(&r.pit, late + 1);
	assert_int_equal(r.rises, 1);
	assert_int_equal(r.deadline, t0 + tsc_for(&r, 1193 * 6));
}

/*
 * A hostile guest's reload of 1 (838 ns) or 2: its interrupts come at
 * most every VPIT_MIN_PERIOD_US (whole periods, the rest coalesced), so
 * a second of it is about 10000 edges, not 1.2 million; the count reads
 * on as the chip's. A reload just above the floor keeps its own period.
 */
static void test_min_period_floor(void **state)
{
	struct rig r;
	uint64_t t0, floor_tsc;

	setup(&r, 3000000);
	floor_tsc = VPIT_MIN_PERIOD_US * (r.pit.tsc_hz / 1000000);
	for (uint16_t reload = 1; reload <= 2; reload++) {
		program(&r, 0, 0x34, reload);
		t0 = r.now;
		r.rises = 0;
		run_until(&r, t0 + r.pit.tsc_hz);	/* 1 s */
		assert_in_range(r.rises, 9000, 10000);
		for (unsigned int k = 1; k < MAX_EDGES && k < r.rises; k++)
			assert_true(r.rise_at[k] - r.rise_at[k - 1] >= floor_tsc);
	}
	/* Mode 3 at reload 2: the counter still counts, by twos. */
	program(&r, 0, 0x36, 100);
	r.now += tsc_for(&r, 10);
	assert_int_equal(read_count(&r, 0), 80);
	/* 130 ticks (109 us) is above the floor: every period fires. */
	program(&r, 0, 0x34, 130);
	t0 = r.now;
	r.rises = 0;
	run_until(&r, t0 + tsc_for(&r, 130 * 50));
	assert_int_equal(r.rises, 50);
}

static void test_mode4_strobe(void **state)
{
	struct rig r;

	setup(&r, 1000000);
	program(&r, 0, 0x38, 500);		/* mode 4 */
	run_until(&r, r.now + r.pit.tsc_hz);
	assert_int_equal(r.rises, 1);
	assert_int_equal(r.falls, 1);
	assert_int_equal(r.deadline, 0);
}

static void test_counter_latch_and_access_modes(void **state)
{
	struct rig r;
	uint64_t t0;
	uint16_t v;

	setup(&r, 1193182);		/* one PIT tick per 1000 cycles */
	program(&r, 0, 0x30, 0x1234);
	t0 = r.now;
	r.now = t0 + 5 * 1000;
	assert_int_equal(read_count(&r, 0), 0x1234 - 5);
	/* Latch, let time pass, read the latched value. */
	outb(&r, 0x43, 0x00);
	r.now = t0 + 100 * 1000;
	outb(&r, 0x43, 0x00);			/* ignored until read */
	v = read_count(&r, 0);
	assert_int_equal(v, 0x1234 - 5);
	assert_int_equal(read_count(&r, 0), 0x1234 - 100);
	/* LSB only: the MSB is 0. */
	outb(&r, 0x43, 0x10);
	outb(&r, 0x40, 0x80);
	t0 = r.now;
	r.now = t0 + 3 * 1000;
	assert_int_equal(inb(&r, 0x40), 0x80 - 3);
	assert_int_equal(inb(&r, 0x40), 0x80 - 3);	/* no flip-flop */
	/* MSB only: the LSB is 0. */
	outb(&r, 0x43, 0x20);
	outb(&r, 0x40, 0x12);
	t0 = r.now;
	r.now = t0 + 1 * 1000;
	assert_int_equal(inb(&r, 0x40), 0x11);		/* 0x11ff */
	/* Mode 0 counts on through 0 and wraps. */
	program(&r, 0, 0x30, 10);
	t0 = r.now;
	r.now = t0 + 12 * 1000;
	assert_int_equal(read_count(&r, 0), 0xfffe);
	/* A written 0 is 65536. */
	program(&r, 0, 0x30, 0);
	t0 = r.now;
	r.now = t0 + 1 * 1000;
	assert_int_equal(read_count(&r, 0), 0xffff);
}

static void test_bcd(void **state)
{
	struct rig r;
	uint64_t t0;

	setup(&r, 1193182);		/* one PIT tick per 1000 cycles */
	program(&r, 0, 0x31, 0x0100);		/* BCD 100 */
	t0 = r.now;
	assert_int_equal(r.deadline, t0 + 100 * 1000);
	r.now = t0 + 1 * 1000;
	assert_int_equal(read_count(&r, 0), 0x0099);
	r.now = t0 + 101 * 1000;
	assert_int_equal(read_count(&r, 0), 0x9999);	/* wraps in BCD */
	run_until(&r, r.now);
	assert_int_equal(r.rises, 1);
	/* A written 0 is 10000 in BCD. */
	program(&r, 0, 0x31, 0);
	t0 = r.now;
	r.now = t0 + 1 * 1000;
	assert_int_equal(read_count(&r, 0), 0x9999);
}

static void test_readback(void **state)
{
	struct rig r;
	uint64_t t0;

	setup(&r, 1193182);
	outb(&r, 0x43, 0xb0);			/* ch2, lo/hi, mode 0 */
	/* Status only: null count set, OUT low, rw 3, mode 0. */
	outb(&r, 0x43, 0xe8);
	assert_int_equal(inb(&r, 0x42), 0x70);
	outb(&r, 0x42, 50);
	outb(&r, 0x42, 0);
	outb(&r, 0x61, VPIT_61_GATE2);
	t0 = r.now;
	r.now = t0 + 60 * 1000;
	/* Count and status of ch2: status first, then the count. */
	outb(&r, 0x43, 0xc8);
	r.now += 1000 * 1000;
	assert_int_equal(inb(&r, 0x42), 0x80 | 0x30);	/* OUT high */
	assert_int_equal(read_count(&r, 2), (uint16_t)(50 - 60));
	/* Count only, several channels at once. */
	program(&r, 0, 0x34, 1000);
	t0 = r.now;
	r.now = t0 + 7 * 1000;
	outb(&r, 0x43, 0xd6);			/* count of ch0 and ch1 */
	r.now += 50 * 1000;
	assert_int_equal(read_count(&r, 0), 1000 - 7);
	assert_int_equal(inb(&r, 0x43), 0xff);
}

static void test_channel2_gate_and_out2(void **state)
{
	struct rig r;
	uint64_t t0;

	setup(&r, 1193182);
	outb(&r, 0x61, 0);
	program(&r, 2, 0xb0, 100);		/* gate low: no counting */
	t0 = r.now;
	r.now = t0 + 500 * 1000;
	assert_int_equal(read_count(&r, 2), 100);
	assert_int_equal(inb(&r, 0x61) & VPIT_61_OUT2, 0);
	outb(&r, 0x61, VPIT_61_GATE2 | VPIT_61_SPEAKER);
	t0 = r.now;
	r.now = t0 + 40 * 1000;
	assert_int_equal(read_count(&r, 2), 60);
	/* Gate low pauses mode 0; high resumes where it was. */
	outb(&r, 0x61, 0);
	r.now += 1000 * 1000;
	assert_int_equal(read_count(&r, 2), 60);
	outb(&r, 0x61, VPIT_61_GATE2);
	r.now += 59 * 1000;
	assert_int_equal(inb(&r, 0x61) & VPIT_61_OUT2, 0);
	r.now += 1 * 1000;
	assert_int_equal(inb(&r, 0x61) & (VPIT_61_OUT2 | 0x0f),
			 VPIT_61_OUT2 | VPIT_61_GATE2);
	/* Channel 2 never touches IRQ0 or the timer. */
	assert_int_equal(r.rises, 0);
	assert_int_equal(r.arms, 0);

	/* Mode 2: gate low holds OUT high, the rising edge reloads. */
	program(&r, 2, 0xb4, 10);
	t0 = r.now;
	r.now = t0 + 9 * 1000;			/* count 1: OUT low */
	assert_int_equal(inb(&r, 0x61) & VPIT_61_OUT2, 0);
	outb(&r, 0x61, 0);
	assert_int_equal(inb(&r, 0x61) & VPIT_61_OUT2, VPIT_61_OUT2);
	outb(&r, 0x61, VPIT_61_GATE2);
	r.now += 3 * 1000;
	assert_int_equal(read_count(&r, 2), 7);
}

static void test_refresh_toggles(void **state)
{
	struct rig r;
	uint8_t a, b;

	setup(&r, 1193182);
	r.now = 0;
	a = inb(&r, 0x61) & VPIT_61_REFRESH;
	r.now += 18 * 1000;
	b = inb(&r, 0x61) & VPIT_61_REFRESH;
	assert_int_not_equal(a, b);
}

/* src/arch/tsc.c's pit_measure(), word for word in its port accesses. */
static uint64_t pit_measure(struct rig *r)
{
	uint32_t count = VPIT_HZ * 10 / 1000;
	uint64_t t0, t1;
	uint8_t gate;

	gate = inb(r, 0x61);
	outb(r, 0x61, (gate & ~0x02) & ~0x01);
	outb(r, 0x43, 0xb0);
	outb(r, 0x42, count & 0xff);
	outb(r, 0x42, count >> 8);
	outb(r, 0x61, (gate & ~0x02) | 0x01);
	t0 = rdtsc(r);
	while (!(inb(r, 0x61) & 0x20))
		assert_true(r->now - t0 < r->pit.tsc_hz);	/* 1 s */
	t1 = rdtsc(r);
	outb(r, 0x61, gate);
	return (t1 - t0) / 10;
}

/* Linux's slow path: gate up first, count loaded after, poll OUT2. */
static uint64_t linux_pit_calibrate(struct rig *r)
{
	uint32_t latch = VPIT_HZ / (1000 / 50);		/* 50 ms */
	uint64_t t0, t1;

	outb(r, 0x61, (inb(r, 0x61) & ~0x02) | 0x01);
	outb(r, 0x43, 0xb0);
	outb(r, 0x42, latch & 0xff);
	outb(r, 0x42, latch >> 8);
	t0 = rdtsc(r);
	while (!(inb(r, 0x61) & 0x20))
		assert_true(r->now - t0 < r->pit.tsc_hz);
	t1 = rdtsc(r);
	return (t1 - t0) / 50;
}

static void test_tsc_calibration(void **state)
{
	/* Bochs' 50 MHz, odd rates, a fast CPU; each port access (a VM
	 * exit) costs 0.1 to 3 us. */
	static const uint64_t rates[] = { 50000, 1193182, 2494333, 3500000 };
	static const uint64_t cost_ns[] = { 100, 700, 3000 };

	for (unsigned int i = 0; i < 4; i++) {
		for (unsigned int j = 0; j < 3; j++) {
			struct rig r;
			uint64_t best = ~0ULL, k, err;

			setup(&r, rates[i]);
			r.io_cost = cost_ns[j] * rates[i] / 1000000;
			for (int n = 0; n < 3; n++) {
				k = pit_measure(&r);
				if (k < best)
					best = k;
			}
			err = best > rates[i] ? best - rates[i] : rates[i] - best;
			/* Within 0.1 %. */
			assert_true(err * 1000 <= rates[i]);

			k = linux_pit_calibrate(&r);
			err = k > rates[i] ? k - rates[i] : rates[i] - k;
			assert_true(err * 1000 <= rates[i]);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reset_idle),
		cmocka_unit_test(test_mode0_irq),
		cmocka_unit_test(test_mode2_periodic_no_drift),
		cmocka_unit_test(test_mode3_square),
		cmocka_unit_test(test_late_timer_coalesces),
		cmocka_unit_test(test_min_period_floor),
		cmocka_unit_test(test_mode4_strobe),
		cmocka_unit_test(test_counter_latch_and_access_modes),
		cmocka_unit_test(test_bcd),
		cmocka_unit_test(test_readback),
		cmocka_unit_test(test_channel2_gate_and_out2),
		cmocka_unit_test(test_refresh_toggles),
		cmocka_unit_test(test_tsc_calibration),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
