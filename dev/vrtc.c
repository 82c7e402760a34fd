// SPDX-License-Identifier: GPL-2.0
/*
 * Virtual MC146818 RTC (Motorola MC146818A datasheet; the PC keeps the
 * century at CMOS 0x32). The clock is base_secs at base_tsc, plus TSC
 * time; the registers encode it on every read, in BCD or binary and 12
 * or 24 hours as register B says at that moment.
 */
#include <errno.h>
#include <string.h>
#include "dev/vrtc.h"

#define SECS_PER_DAY	86400ULL
#define DAYS_400Y	146097ULL	/* the Gregorian calendar repeats */
#define RESET_REG_A	0x26		/* 32.768 kHz time base, 1024 Hz rate */
#define RESET_REG_B	RTC_B_24H	/* BCD, 24 hours, as BIOSes leave it */

static const uint16_t days_before_month[12] = {
	0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334,
};

static bool leap(unsigned int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Leap days in the years 1 .. y - 1. */
static uint64_t leaps_before(unsigned int y)
{
	y--;
	return y / 4 - y / 100 + y / 400;
}

static unsigned int month_days(unsigned int y, unsigned int m)
{
	if (m == 2)
		return leap(y) ? 29 : 28;
	return (m == 4 || m == 6 || m == 9 || m == 11) ? 30 : 31;
}

uint64_t rtc_time_to_epoch(const struct rtc_time *t)
{
	unsigned int mon = t->mon < 1 ? 1 : t->mon > 12 ? 12 : t->mon;
	uint64_t days;

	if (t->year < 1970)
		return 0;
	days = 365ULL * (t->year - 1970) + leaps_before(t->year) -
	       leaps_before(1970) + days_before_month[mon - 1] +
	       (mon > 2 && leap(t->year));
	days += t->mday ? t->mday - 1 : 0;
	return days * SECS_PER_DAY + t->hour * 3600ULL + t->min * 60ULL +
	       t->sec;
}

void rtc_epoch_to_time(uint64_t secs, struct rtc_time *t)
{
	uint64_t days = secs / SECS_PER_DAY, rem = secs % SECS_PER_DAY;
	unsigned int y = 1970, m = 1;

	t->wday = (days + 4) % 7;	/* 1970-01-01 was a Thursday */
	t->hour = rem / 3600;
	t->min = rem / 60 % 60;
	t->sec = rem % 60;
	y += days / DAYS_400Y * 400;
	days %= DAYS_400Y;
	while (days >= (leap(y) ? 366U : 365U)) {
		days -= leap(y) ? 366 : 365;
		y++;
	}
	while (days >= month_days(y, m)) {
		days -= month_days(y, m);
		m++;
	}
	t->year = y;
	t->mon = m;
	t->mday = days + 1;
}

static uint8_t weekday(const struct rtc_time *t)
{
	return (rtc_time_to_epoch(t) / SECS_PER_DAY + 4) % 7;
}

static uint64_t live_secs(const struct vrtc *rtc, uint64_t now)
{
	if (now <= rtc->base_tsc)
		return rtc->base_secs;
	return rtc->base_secs + (now - rtc->base_tsc) / rtc->tsc_hz;
}

void vrtc_now(const struct vrtc *rtc, uint64_t now, struct rtc_time *t)
{
	if (rtc->reg_b & RTC_B_SET) {
		*t = rtc->set;
		/* The weekday follows the date, even a half-written one. */
		t->wday = weekday(t);
		return;
	}
	rtc_epoch_to_time(live_secs(rtc, now), t);
}

/* Restart the clock at @t, keeping the phase within the second. */
static void commit(struct vrtc *rtc, const struct rtc_time *t, uint64_t now)
{
	uint64_t frac = now > rtc->base_tsc ?
			(now - rtc->base_tsc) % rtc->tsc_hz : 0;

	rtc->base_secs = rtc_time_to_epoch(t);
	rtc->base_tsc = now - frac;
}

static uint8_t bin2bcd(unsigned int v)
{
	return (v / 10 % 10) << 4 | v % 10;
}

static unsigned int bcd2bin(uint8_t v)
{
	return (v >> 4) * 10 + (v & 0xf);
}

static uint8_t encode(const struct vrtc *rtc, unsigned int v)
{
	return rtc->reg_b & RTC_B_DM_BINARY ? v : bin2bcd(v);
}

static unsigned int decode(const struct vrtc *rtc, uint8_t v)
{
	return rtc->reg_b & RTC_B_DM_BINARY ? v : bcd2bin(v);
}

/* 12-hour mode: 12, 1 .. 11, with bit 7 for PM. */
static uint8_t encode_hour(const struct vrtc *rtc, unsigned int h)
{
	if (rtc->reg_b & RTC_B_24H)
		return encode(rtc, h);
	return encode(rtc, h % 12 ? h % 12 : 12) | (h >= 12 ? 0x80 : 0);
}

static unsigned int decode_hour(const struct vrtc *rtc, uint8_t v)
{
	if (rtc->reg_b & RTC_B_24H)
		return decode(rtc, v);
	return decode(rtc, v & 0x7f) % 12 + (v & 0x80 ? 12 : 0);
}

static bool is_time_reg(uint8_t idx)
{
	switch (idx) {
	case RTC_SECONDS:
	case RTC_MINUTES:
	case RTC_HOURS:
	case RTC_DAY_OF_WEEK:
	case RTC_DAY_OF_MONTH:
	case RTC_MONTH:
	case RTC_YEAR:
	case RTC_CENTURY:
		return true;
	}
	return false;
}

static uint8_t read_time(struct vrtc *rtc, uint8_t idx, uint64_t now)
{
	struct rtc_time t;

	vrtc_now(rtc, now, &t);
	switch (idx) {
	case RTC_SECONDS:
		return encode(rtc, t.sec);
	case RTC_MINUTES:
		return encode(rtc, t.min);
	case RTC_HOURS:
		return encode_hour(rtc, t.hour);
	case RTC_DAY_OF_WEEK:
		return encode(rtc, t.wday + 1);
	case RTC_DAY_OF_MONTH:
		return encode(rtc, t.mday);
	case RTC_MONTH:
		return encode(rtc, t.mon);
	case RTC_YEAR:
		return encode(rtc, t.year % 100);
	default:
		return encode(rtc, t.year / 100);
	}
}

static void write_time(struct vrtc *rtc, uint8_t idx, uint8_t v, uint64_t now)
{
	bool halted = rtc->reg_b & RTC_B_SET;
	struct rtc_time t;
	unsigned int x = decode(rtc, v);

	vrtc_now(rtc, now, &t);
	switch (idx) {
	case RTC_SECONDS:
		t.sec = x;
		break;
	case RTC_MINUTES:
		t.min = x;
		break;
	case RTC_HOURS:
		t.hour = decode_hour(rtc, v);
		break;
	case RTC_DAY_OF_WEEK:
		return;			/* follows the date */
	case RTC_DAY_OF_MONTH:
		t.mday = x;
		break;
	case RTC_MONTH:
		t.mon = x;
		break;
	case RTC_YEAR:
		t.year = t.year / 100 * 100 + x % 100;
		break;
	default:
		t.year = x * 100 + t.year % 100;
		break;
	}
	/*
	 * Halted, fields are kept as written and carried over only when SET
	 * clears, so the order of the writes does not matter; running, each
	 * write takes effect at once.
	 */
	if (halted)
		rtc->set = t;
	else
		commit(rtc, &t, now);
}

static void write_reg_b(struct vrtc *rtc, uint8_t v, uint64_t now)
{
	bool was = rtc->reg_b & RTC_B_SET;

	if (!was && (v & RTC_B_SET))
		vrtc_now(rtc, now, &rtc->set);	/* freeze before the change */
	if (v & RTC_B_SET)
		v &= ~RTC_B_UIE;		/* SET clears UIE */
	rtc->reg_b = v;
	if (was && !(v & RTC_B_SET))
		commit(rtc, &rtc->set, now);
}

static uint8_t data_read(struct vrtc *rtc, uint64_t now)
{
	uint8_t idx = rtc->index;

	if (is_time_reg(idx))
		return read_time(rtc, idx, now);
	switch (idx) {
	case RTC_REG_A:
		return rtc->reg_a & ~RTC_A_UIP;
	case RTC_REG_B:
		return rtc->reg_b;
	case RTC_REG_C:
		return 0;		/* no interrupt flags: none raised */
	case RTC_REG_D:
		return RTC_D_VRT;	/* the battery is fine */
	}
	return rtc->cmos[idx];
}

static void data_write(struct vrtc *rtc, uint8_t v, uint64_t now)
{
	uint8_t idx = rtc->index;

	if (is_time_reg(idx)) {
		write_time(rtc, idx, v, now);
		return;
	}
	switch (idx) {
	case RTC_REG_A:
		rtc->reg_a = v & ~RTC_A_UIP;
		break;
	case RTC_REG_B:
		write_reg_b(rtc, v, now);
		break;
	case RTC_REG_C:
	case RTC_REG_D:
		break;			/* read-only */
	default:
		rtc->cmos[idx] = v;	/* alarms and NVRAM */
		break;
	}
}

static uint32_t vrtc_read(void *dev, uint16_t port, unsigned int size)
{
	struct vrtc *rtc = dev;
	uint32_t v = 0;

	for (unsigned int i = 0; i < size && i < 4; i++) {
		uint8_t b = 0xff;	/* the index port is write-only */

		if (port + i == VRTC_PORT + 1)
			b = data_read(rtc, rtc->env->now(rtc->ctx));
		v |= (uint32_t)b << (8 * i);
	}
	return v;
}

static void vrtc_write(void *dev, uint16_t port, unsigned int size, uint32_t v)
{
	struct vrtc *rtc = dev;

	for (unsigned int i = 0; i < size && i < 4; i++) {
		uint8_t b = v >> (8 * i);

		if (port + i == VRTC_PORT) {
			rtc->index = b & 0x7f;
			rtc->nmi_masked = b & 0x80;
		} else if (port + i == VRTC_PORT + 1) {
			data_write(rtc, b, rtc->env->now(rtc->ctx));
		}
	}
}

const struct pio_ops vrtc_ops = {
	.name = "rtc",
	.read = vrtc_read,
	.write = vrtc_write,
};

int vrtc_init(struct vrtc *rtc, const struct vrtc_env *env, void *ctx,
	      uint64_t tsc_khz, const struct rtc_time *t)
{
	static const struct rtc_time y2k = { .year = 2000, .mon = 1, .mday = 1 };

	if (!env || !tsc_khz)
		return -EINVAL;
	memset(rtc, 0, sizeof(*rtc));
	rtc->env = env;
	rtc->ctx = ctx;
	rtc->tsc_hz = tsc_khz * 1000;
	rtc->reg_a = RESET_REG_A;
	rtc->reg_b = RESET_REG_B;
	rtc->base_secs = rtc_time_to_epoch(t ? t : &y2k);
	rtc->base_tsc = env->now(ctx);
	return 0;
}

/* One register as the host's RTC holds it; -EINVAL unless in lo..hi. */
static int host_field(uint8_t v, bool binary, unsigned int lo, unsigned int hi,
		      unsigned int *out)
{
	if (!binary) {
		if ((v & 0xf) > 9 || (v >> 4) > 9)
			return -EINVAL;
		v = bcd2bin(v);
	}
	if (v < lo || v > hi)
		return -EINVAL;
	*out = v;
	return 0;
}

int rtc_decode_host(const uint8_t regs[RTC_HOST_NREGS], struct rtc_time *t)
{
	bool bin = regs[RTC_REG_B] & RTC_B_DM_BINARY;
	unsigned int sec, min, hour, mday, mon, yy, cent;
	uint8_t h = regs[RTC_HOURS];

	if (regs[RTC_REG_A] & RTC_A_UIP)
		return -EAGAIN;
	if (host_field(regs[RTC_SECONDS], bin, 0, 59, &sec) ||
	    host_field(regs[RTC_MINUTES], bin, 0, 59, &min) ||
	    host_field(regs[RTC_DAY_OF_MONTH], bin, 1, 31, &mday) ||
	    host_field(regs[RTC_MONTH], bin, 1, 12, &mon) ||
	    host_field(regs[RTC_YEAR], bin, 0, 99, &yy))
		return -EINVAL;
	if (regs[RTC_REG_B] & RTC_B_24H) {
		if (host_field(h, bin, 0, 23, &hour))
			return -EINVAL;
	} else {
		if (host_field(h & 0x7f, bin, 1, 12, &hour))
			return -EINVAL;
		hour = hour % 12 + (h & 0x80 ? 12 : 0);
	}
	/* A century byte that is absent or gives a year before 1970 gives
	 * way to the 1970-2069 window. */
	if (host_field(regs[RTC_CENTURY], bin, 19, 99, &cent) ||
	    cent * 100 + yy < 1970)
		cent = yy < 70 ? 20 : 19;
	if (mday > month_days(cent * 100 + yy, mon))
		return -EINVAL;
	t->year = cent * 100 + yy;
	t->mon = mon;
	t->mday = mday;
	t->hour = hour;
	t->min = min;
	t->sec = sec;
	t->wday = weekday(t);
	return 0;
}
