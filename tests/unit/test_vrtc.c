// SPDX-License-Identifier: GPL-2.0
/* Unit tests for the virtual MC146818 RTC (dev/vrtc.c), on a fake TSC. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "dev/pio.h"
#include "dev/vrtc.h"

#define KHZ	2000000ULL		/* 2 GHz fake TSC */
#define HZ	(KHZ * 1000)

struct rig {
	struct pio_bus bus;
	struct vrtc rtc;
	uint64_t now;
};

static uint64_t fake_now(void *ctx)
{
	return ((struct rig *)ctx)->now;
}

static const struct vrtc_env env = { .now = fake_now };

/* Friday 2025-11-21 14:05:09 */
static const struct rtc_time boot = {
	.year = 2025, .mon = 11, .mday = 21, .hour = 14, .min = 5, .sec = 9,
};

static void setup_at(struct rig *r, const struct rtc_time *t)
{
	memset(r, 0, sizeof(*r));
	r->now = 123456789;
	assert_int_equal(vrtc_init(&r->rtc, &env, r, KHZ, t), 0);
	assert_int_equal(pio_register(&r->bus, 0x70, 2, &vrtc_ops, &r->rtc), 0);
}

static uint8_t cmos_read(struct rig *r, uint8_t idx)
{
	pio_write(&r->bus, 0x70, 1, idx);
	return pio_read(&r->bus, 0x71, 1);
}

static void cmos_write(struct rig *r, uint8_t idx, uint8_t v)
{
	pio_write(&r->bus, 0x70, 1, idx);
	pio_write(&r->bus, 0x71, 1, v);
}

static void test_epoch_known_values(void **state)
{
	static const struct {
		struct rtc_time t;
		uint64_t secs;
	} cases[] = {
		{ { 1970, 1, 1, 0, 0, 0, 4 }, 0 },
		{ { 2000, 1, 1, 0, 0, 0, 6 }, 946684800 },
		{ { 2024, 2, 29, 12, 34, 56, 4 }, 1709210096 },
		{ { 2038, 1, 19, 3, 14, 8, 2 }, 2147483648ULL },
		{ { 2100, 3, 1, 0, 0, 0, 1 }, 4107542400ULL },
		{ { 2025, 11, 21, 14, 5, 9, 5 }, 1763733909 },
	};

	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rtc_time t;

		assert_int_equal(rtc_time_to_epoch(&cases[i].t), cases[i].secs);
		rtc_epoch_to_time(cases[i].secs, &t);
		assert_memory_equal(&t, &cases[i].t, sizeof(t));
	}
}

/* Walk every day from 1970 to 2400 by hand and check both directions. */
static void test_epoch_every_day(void **state)
{
	static const uint8_t mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30,
					 31, 30, 31 };
	struct rtc_time d = { .year = 1970, .mon = 1, .mday = 1 }, t;
	uint64_t day = 0;
	unsigned int wday = 4;

	while (d.year < 2400) {
		unsigned int y = d.year, len = mdays[d.mon - 1];

		if (d.mon == 2 && ((y % 4 == 0 && y % 100) || y % 400 == 0))
			len = 29;
		d.wday = wday;
		d.hour = day % 24;
		d.min = day % 60;
		d.sec = (day * 7) % 60;
		uint64_t secs = day * 86400 + d.hour * 3600 + d.min * 60 + d.sec;

		assert_int_equal(rtc_time_to_epoch(&d), secs);
		rtc_epoch_to_time(secs, &t);
		assert_memory_equal(&t, &d, sizeof(t));
		day++;
		wday = (wday + 1) % 7;
		if (++d.mday > len) {
			d.mday = 1;
			if (++d.mon > 12) {
				d.mon = 1;
				d.year++;
			}
		}
	}
	assert_int_equal(day, 157054);		/* 1970-01-01 .. 2399-12-31 */
	/* Out-of-range fields carry over. */
	d = (struct rtc_time){ .year = 2023, .mon = 2, .mday = 30 };
	rtc_epoch_to_time(rtc_time_to_epoch(&d), &t);
	assert_int_equal(t.mon, 3);
	assert_int_equal(t.mday, 2);
	d.year = 1969;
	assert_int_equal(rtc_time_to_epoch(&d), 0);
}

static void test_reset_registers_bcd(void **state)
{
	struct rig r;

	setup_at(&r, &boot);
	assert_int_equal(cmos_read(&r, RTC_REG_A), 0x26);
	assert_int_equal(cmos_read(&r, RTC_REG_B), 0x02);
	assert_int_equal(cmos_read(&r, RTC_REG_C), 0x00);
	assert_int_equal(cmos_read(&r, RTC_REG_D), 0x80);
	assert_int_equal(cmos_read(&r, RTC_SECONDS), 0x09);
	assert_int_equal(cmos_read(&r, RTC_MINUTES), 0x05);
	assert_int_equal(cmos_read(&r, RTC_HOURS), 0x14);
	assert_int_equal(cmos_read(&r, RTC_DAY_OF_WEEK), 6);	/* Friday */
	assert_int_equal(cmos_read(&r, RTC_DAY_OF_MONTH), 0x21);
	assert_int_equal(cmos_read(&r, RTC_MONTH), 0x11);
	assert_int_equal(cmos_read(&r, RTC_YEAR), 0x25);
	assert_int_equal(cmos_read(&r, RTC_CENTURY), 0x20);
	/* The index port is write-only. */
	assert_int_equal(pio_read(&r.bus, 0x70, 1), 0xff);
}

static void test_binary_mode(void **state)
{
	struct rig r;

	setup_at(&r, &boot);
	cmos_write(&r, RTC_REG_B, RTC_B_24H | RTC_B_DM_BINARY);
	assert_int_equal(cmos_read(&r, RTC_SECONDS), 9);
	assert_int_equal(cmos_read(&r, RTC_MINUTES), 5);
	assert_int_equal(cmos_read(&r, RTC_HOURS), 14);
	assert_int_equal(cmos_read(&r, RTC_DAY_OF_MONTH), 21);
	assert_int_equal(cmos_read(&r, RTC_MONTH), 11);
	assert_int_equal(cmos_read(&r, RTC_YEAR), 25);
	assert_int_equal(cmos_read(&r, RTC_CENTURY), 20);
	/* Writes are binary too. */
	cmos_write(&r, RTC_MINUTES, 59);
	assert_int_equal(cmos_read(&r, RTC_MINUTES), 59);
	cmos_write(&r, RTC_REG_B, RTC_B_24H);
	assert_int_equal(cmos_read(&r, RTC_MINUTES), 0x59);
}

static void test_12_hour(void **state)
{
	static const struct { uint8_t h, bcd, bin; } cases[] = {
		{ 0, 0x12, 12 },		/* midnight: 12 AM */
		{ 1, 0x01, 1 },
		{ 11, 0x11, 11 },
		{ 12, 0x92, 0x8c },		/* noon: 12 PM */
		{ 14, 0x82, 0x82 },
		{ 23, 0x91, 0x8b },
	};

	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rtc_time t = boot;
		struct rig r;

		t.hour = cases[i].h;
		setup_at(&r, &t);
		cmos_write(&r, RTC_REG_B, 0);			/* BCD 12h */
		assert_int_equal(cmos_read(&r, RTC_HOURS), cases[i].bcd);
		cmos_write(&r, RTC_REG_B, RTC_B_DM_BINARY);	/* bin 12h */
		assert_int_equal(cmos_read(&r, RTC_HOURS), cases[i].bin);
		/* Writing the same value back keeps the hour. */
		cmos_write(&r, RTC_HOURS, cases[i].bin);
		cmos_write(&r, RTC_REG_B, RTC_B_24H | RTC_B_DM_BINARY);
		assert_int_equal(cmos_read(&r, RTC_HOURS), cases[i].h);
	}
}

static void test_time_advances(void **state)
{
	static const struct rtc_time eve = {
		.year = 1999, .mon = 12, .mday = 31, .hour = 23, .min = 59,
		.sec = 59,
	};
	struct rtc_time t;
	struct rig r;

	setup_at(&r, &boot);
	r.now += HZ - 1;			/* not quite a second */
	assert_int_equal(cmos_read(&r, RTC_SECONDS), 0x09);
	r.now += 1;
	assert_int_equal(cmos_read(&r, RTC_SECONDS), 0x10);
	r.now += 3661 * HZ;			/* 1 h 1 min 1 s */
	assert_int_equal(cmos_read(&r, RTC_HOURS), 0x15);
	assert_int_equal(cmos_read(&r, RTC_MINUTES), 0x06);
	assert_int_equal(cmos_read(&r, RTC_SECONDS), 0x11);
	vrtc_now(&r.rtc, r.now, &t);
	assert_int_equal(t.hour, 15);

	/* Over midnight into a new century. */
	setup_at(&r, &eve);
	assert_int_equal(cmos_read(&r, RTC_CENTURY), 0x19);
	assert_int_equal(cmos_read(&r, RTC_DAY_OF_WEEK), 6);	/* Friday */
	r.now += HZ;
	assert_int_equal(cmos_read(&r, RTC_SECONDS), 0x00);
	assert_int_equal(cmos_read(&r, RTC_HOURS), 0x00);
	assert_int_equal(cmos_read(&r, RTC_DAY_OF_MONTH), 0x01);
	assert_int_equal(cmos_read(&r, RTC_MONTH), 0x01);
	assert_int_equal(cmos_read(&r, RTC_YEAR), 0x00);
	assert_int_equal(cmos_read(&r, RTC_CENTURY), 0x20);
	assert_int_equal(cmos_read(&r, RTC_DAY_OF_WEEK), 7);	/* Saturday */
}

/* Linux's mc146818_set_time: SET, year..seconds, century, SET off. */
static void test_set_time(void **state)
{
	struct rig r;
	uint8_t b;

	setup_at(&r, &boot);
	/* Jan 31 first, so that "February" alone would be Feb 31. */
	cmos_write(&r, RTC_MONTH, 0x01);
	cmos_write(&r, RTC_DAY_OF_MONTH, 0x31);
	assert_int_equal(cmos_read(&r, RTC_DAY_OF_MONTH), 0x31);
	b = cmos_read(&r, RTC_REG_B);
	cmos_write(&r, RTC_REG_B, b | RTC_B_SET | RTC_B_UIE);
	assert_int_equal(cmos_read(&r, RTC_REG_B) & RTC_B_UIE, 0);
	r.now += 10 * HZ;			/* halted */
	assert_int_equal(cmos_read(&r, RTC_SECONDS), 0x09);
	cmos_write(&r, RTC_YEAR, 0x24);
	cmos_write(&r, RTC_MONTH, 0x02);
	cmos_write(&r, RTC_DAY_OF_MONTH, 0x29);
	cmos_write(&r, RTC_HOURS, 0x23);
	cmos_write(&r, RTC_MINUTES, 0x58);
	cmos_write(&r, RTC_SECONDS, 0x30);
	cmos_write(&r, RTC_CENTURY, 0x20);
	/* Read back as written while halted. */
	assert_int_equal(cmos_read(&r, RTC_MONTH), 0x02);
	assert_int_equal(cmos_read(&r, RTC_DAY_OF_MONTH), 0x29);
	r.now += 5 * HZ;
	assert_int_equal(cmos_read(&r, RTC_SECONDS), 0x30);
	cmos_write(&r, RTC_REG_B, b);		/* runs again from here */
	r.now += 95 * HZ;
	assert_int_equal(cmos_read(&r, RTC_SECONDS), 0x05);
	assert_int_equal(cmos_read(&r, RTC_MINUTES), 0x00);
	assert_int_equal(cmos_read(&r, RTC_HOURS), 0x00);
	assert_int_equal(cmos_read(&r, RTC_DAY_OF_MONTH), 0x01);
	assert_int_equal(cmos_read(&r, RTC_MONTH), 0x03);
	assert_int_equal(cmos_read(&r, RTC_YEAR), 0x24);
	assert_int_equal(cmos_read(&r, RTC_DAY_OF_WEEK), 6);	/* Friday */
}

static void test_write_while_running(void **state)
{
	struct rig r;

	setup_at(&r, &boot);
	r.now += HZ / 2;			/* half way into :09 */
	cmos_write(&r, RTC_MINUTES, 0x30);
	assert_int_equal(cmos_read(&r, RTC_MINUTES), 0x30);
	assert_int_equal(cmos_read(&r, RTC_HOURS), 0x14);
	assert_int_equal(cmos_read(&r, RTC_SECONDS), 0x09);
	r.now += HZ / 2;			/* the phase is kept */
	assert_int_equal(cmos_read(&r, RTC_SECONDS), 0x10);
	/* The day of the week follows the date: writes are ignored. */
	cmos_write(&r, RTC_DAY_OF_WEEK, 1);
	assert_int_equal(cmos_read(&r, RTC_DAY_OF_WEEK), 6);
	cmos_write(&r, RTC_DAY_OF_MONTH, 0x23);	/* Sunday */
	assert_int_equal(cmos_read(&r, RTC_DAY_OF_WEEK), 1);
	/* 12-hour binary write: 1 PM. */
	cmos_write(&r, RTC_REG_B, RTC_B_DM_BINARY);
	cmos_write(&r, RTC_HOURS, 0x81);
	cmos_write(&r, RTC_REG_B, RTC_B_24H);
	assert_int_equal(cmos_read(&r, RTC_HOURS), 0x13);
}

static void test_nvram_and_control(void **state)
{
	struct rig r;

	setup_at(&r, &boot);
	for (unsigned int i = RTC_NVRAM; i < RTC_NREGS; i++)
		if (i != RTC_CENTURY)
			cmos_write(&r, i, i ^ 0xa5);
	for (unsigned int i = RTC_NVRAM; i < RTC_NREGS; i++)
		if (i != RTC_CENTURY)
			assert_int_equal(cmos_read(&r, i), i ^ 0xa5);
	/* The alarms are plain bytes. */
	cmos_write(&r, RTC_SECONDS_ALARM, 0xc0);
	cmos_write(&r, RTC_HOURS_ALARM, 0x17);
	assert_int_equal(cmos_read(&r, RTC_SECONDS_ALARM), 0xc0);
	assert_int_equal(cmos_read(&r, RTC_HOURS_ALARM), 0x17);
	/* Bit 7 of the index masks NMI and is not part of the index. */
	pio_write(&r.bus, 0x70, 1, 0x80 | 0x20);
	assert_true(r.rtc.nmi_masked);
	assert_int_equal(pio_read(&r.bus, 0x71, 1), 0x20 ^ 0xa5);
	pio_write(&r.bus, 0x70, 1, 0x20);
	assert_false(r.rtc.nmi_masked);
	/* C and D are read-only, UIP never shows. */
	cmos_write(&r, RTC_REG_C, 0xff);
	cmos_write(&r, RTC_REG_D, 0x00);
	cmos_write(&r, RTC_REG_A, 0xa6);
	assert_int_equal(cmos_read(&r, RTC_REG_C), 0x00);
	assert_int_equal(cmos_read(&r, RTC_REG_D), 0x80);
	assert_int_equal(cmos_read(&r, RTC_REG_A), 0x26);
	/* A 16-bit write to 0x70 is index then data. */
	pio_write(&r.bus, 0x70, 2, 0x5a << 8 | 0x40);
	assert_int_equal(cmos_read(&r, 0x40), 0x5a);
}

static void test_init_defaults(void **state)
{
	struct rig r;

	setup_at(&r, NULL);
	assert_int_equal(cmos_read(&r, RTC_YEAR), 0x00);
	assert_int_equal(cmos_read(&r, RTC_CENTURY), 0x20);
	assert_int_equal(cmos_read(&r, RTC_MONTH), 0x01);
	assert_int_equal(cmos_read(&r, RTC_DAY_OF_MONTH), 0x01);
	assert_int_equal(vrtc_init(&r.rtc, &env, &r, 0, NULL), -EINVAL);
	assert_int_equal(vrtc_init(&r.rtc, NULL, &r, KHZ, NULL), -EINVAL);
}

static void host_regs(uint8_t regs[RTC_HOST_NREGS], uint8_t b, uint8_t sec,
		      uint8_t min, uint8_t hour, uint8_t mday, uint8_t mon,
		      uint8_t year, uint8_t cent)
{
	memset(regs, 0, RTC_HOST_NREGS);
	regs[RTC_REG_A] = 0x26;
	regs[RTC_REG_B] = b;
	regs[RTC_SECONDS] = sec;
	regs[RTC_MINUTES] = min;
	regs[RTC_HOURS] = hour;
	regs[RTC_DAY_OF_MONTH] = mday;
	regs[RTC_MONTH] = mon;
	regs[RTC_YEAR] = year;
	regs[RTC_CENTURY] = cent;
}

static void test_decode_host(void **state)
{
	uint8_t regs[RTC_HOST_NREGS];
	struct rtc_time t;

	/* BCD, 24 hours, with a century. */
	host_regs(regs, 0x02, 0x09, 0x05, 0x14, 0x21, 0x11, 0x25, 0x20);
	assert_int_equal(rtc_decode_host(regs, &t), 0);
	assert_memory_equal(&t, &boot, offsetof(struct rtc_time, wday));
	assert_int_equal(t.wday, 5);
	/* Binary, 24 hours. */
	host_regs(regs, 0x06, 9, 5, 14, 21, 11, 25, 20);
	assert_int_equal(rtc_decode_host(regs, &t), 0);
	assert_int_equal(rtc_time_to_epoch(&t), 1763733909);
	/* BCD, 12 hours: 2 PM, 12 AM, 12 PM. */
	host_regs(regs, 0x00, 0x09, 0x05, 0x82, 0x21, 0x11, 0x25, 0x20);
	assert_int_equal(rtc_decode_host(regs, &t), 0);
	assert_int_equal(t.hour, 14);
	regs[RTC_HOURS] = 0x12;
	assert_int_equal(rtc_decode_host(regs, &t), 0);
	assert_int_equal(t.hour, 0);
	regs[RTC_HOURS] = 0x92;
	assert_int_equal(rtc_decode_host(regs, &t), 0);
	assert_int_equal(t.hour, 12);
	/* Binary, 12 hours: 11 PM. */
	host_regs(regs, 0x04, 9, 5, 0x8b, 21, 11, 25, 20);
	assert_int_equal(rtc_decode_host(regs, &t), 0);
	assert_int_equal(t.hour, 23);
	/* No century byte: 70-99 are 19xx, 00-69 are 20xx. */
	host_regs(regs, 0x02, 0, 0, 0, 0x01, 0x01, 0x99, 0x00);
	assert_int_equal(rtc_decode_host(regs, &t), 0);
	assert_int_equal(t.year, 1999);
	regs[RTC_YEAR] = 0x25;
	assert_int_equal(rtc_decode_host(regs, &t), 0);
	assert_int_equal(t.year, 2025);
	regs[RTC_CENTURY] = 0x19;		/* 1925: not plausible */
	assert_int_equal(rtc_decode_host(regs, &t), 0);
	assert_int_equal(t.year, 2025);
	regs[RTC_CENTURY] = 0x21;
	assert_int_equal(rtc_decode_host(regs, &t), 0);
	assert_int_equal(t.year, 2125);
	/* Update in progress: read again. */
	regs[RTC_REG_A] |= RTC_A_UIP;
	assert_int_equal(rtc_decode_host(regs, &t), -EAGAIN);
	/* Garbage. */
	host_regs(regs, 0x02, 0x5a, 0x05, 0x14, 0x21, 0x11, 0x25, 0x20);
	assert_int_equal(rtc_decode_host(regs, &t), -EINVAL);	/* BCD */
	host_regs(regs, 0x02, 0x60, 0x05, 0x14, 0x21, 0x11, 0x25, 0x20);
	assert_int_equal(rtc_decode_host(regs, &t), -EINVAL);	/* sec 60 */
	host_regs(regs, 0x02, 0x00, 0x05, 0x24, 0x21, 0x11, 0x25, 0x20);
	assert_int_equal(rtc_decode_host(regs, &t), -EINVAL);	/* 24:05 */
	host_regs(regs, 0x00, 0x00, 0x05, 0x13, 0x21, 0x11, 0x25, 0x20);
	assert_int_equal(rtc_decode_host(regs, &t), -EINVAL);	/* 13 AM */
	host_regs(regs, 0x02, 0x00, 0x05, 0x14, 0x30, 0x02, 0x25, 0x20);
	assert_int_equal(rtc_decode_host(regs, &t), -EINVAL);	/* Feb 30 */
	host_regs(regs, 0x02, 0x00, 0x05, 0x14, 0x29, 0x02, 0x23, 0x20);
	assert_int_equal(rtc_decode_host(regs, &t), -EINVAL);	/* 2023 */
	regs[RTC_YEAR] = 0x24;
	assert_int_equal(rtc_decode_host(regs, &t), 0);		/* leap */
	host_regs(regs, 0x02, 0x00, 0x05, 0x14, 0x31, 0x13, 0x25, 0x20);
	assert_int_equal(rtc_decode_host(regs, &t), -EINVAL);	/* month */
}

/* What the lead will do: decode the host, boot the vRTC from it. */
static void test_host_to_guest(void **state)
{
	uint8_t regs[RTC_HOST_NREGS];
	struct rtc_time t;
	struct rig r;

	host_regs(regs, 0x00, 0x59, 0x59, 0x91, 0x31, 0x12, 0x99, 0x19);
	assert_int_equal(rtc_decode_host(regs, &t), 0);	/* 23:59:59 */
	setup_at(&r, &t);
	r.now += HZ;
	assert_int_equal(cmos_read(&r, RTC_CENTURY), 0x20);
	assert_int_equal(cmos_read(&r, RTC_YEAR), 0x00);
	assert_int_equal(cmos_read(&r, RTC_HOURS), 0x00);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_epoch_known_values),
		cmocka_unit_test(test_epoch_every_day),
		cmocka_unit_test(test_reset_registers_bcd),
		cmocka_unit_test(test_binary_mode),
		cmocka_unit_test(test_12_hour),
		cmocka_unit_test(test_time_advances),
		cmocka_unit_test(test_set_time),
		cmocka_unit_test(test_write_while_running),
		cmocka_unit_test(test_nvram_and_control),
		cmocka_unit_test(test_init_defaults),
		cmocka_unit_test(test_decode_host),
		cmocka_unit_test(test_host_to_guest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
