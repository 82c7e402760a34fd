/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The PC's MC146818 CMOS RTC at 0x70 (index, bit 7 masks NMI) and 0x71
 * (data). Time runs from the host's RTC at boot, advanced by the TSC
 * that env->now() reads; the guest may set it (register B SET). The
 * century is CMOS byte 0x32 (the FADT's century field). Bytes 0x0E-0x7F
 * are NVRAM. No update/alarm/periodic interrupts: register C reads 0,
 * UIP never shows, and the day of the week follows the date.
 *
 * Register vrtc_ops for (0x70, 2).
 */
#ifndef HV_DEV_VRTC_H
#define HV_DEV_VRTC_H

#include <stdbool.h>
#include <stdint.h>
#include "dev/pio.h"

#define VRTC_PORT		0x70

/* CMOS registers */
#define RTC_SECONDS		0x00
#define RTC_SECONDS_ALARM	0x01
#define RTC_MINUTES		0x02
#define RTC_MINUTES_ALARM	0x03
#define RTC_HOURS		0x04
#define RTC_HOURS_ALARM		0x05
#define RTC_DAY_OF_WEEK		0x06	/* 1-7, Sunday = 1 */
#define RTC_DAY_OF_MONTH	0x07
#define RTC_MONTH		0x08
#define RTC_YEAR		0x09
#define RTC_REG_A		0x0a
#define RTC_REG_B		0x0b
#define RTC_REG_C		0x0c
#define RTC_REG_D		0x0d
#define RTC_NVRAM		0x0e	/* first NVRAM byte */
#define RTC_CENTURY		0x32
#define RTC_NREGS		0x80

#define RTC_A_UIP		0x80
#define RTC_B_SET		0x80
#define RTC_B_UIE		0x10
#define RTC_B_DM_BINARY		0x04
#define RTC_B_24H		0x02
#define RTC_D_VRT		0x80

/* Broken-down time, binary, 24-hour. */
struct rtc_time {
	uint16_t year;		/* full year, 1970-9999 */
	uint8_t mon;		/* 1-12 */
	uint8_t mday;		/* 1-31 */
	uint8_t hour, min, sec;	/* 0-23, 0-59, 0-59 */
	uint8_t wday;		/* 0-6, Sunday = 0 */
};

struct vrtc_env {
	uint64_t (*now)(void *ctx);	/* TSC */
};

struct vrtc {
	const struct vrtc_env *env;
	void *ctx;
	uint64_t tsc_hz;
	uint8_t index;
	bool nmi_masked;	/* port 0x70 bit 7, for whoever cares */
	uint8_t reg_a, reg_b;
	uint8_t cmos[RTC_NREGS];	/* alarms and NVRAM */
	uint64_t base_secs;	/* seconds since 1970 at base_tsc */
	uint64_t base_tsc;
	struct rtc_time set;	/* the halted clock while SET is 1 */
};

extern const struct pio_ops vrtc_ops;

/* Start the clock at @t (NULL: 2000-01-01 00:00:00). -EINVAL without a
 * TSC rate. */
int vrtc_init(struct vrtc *rtc, const struct vrtc_env *env, void *ctx,
	      uint64_t tsc_khz, const struct rtc_time *t);
/* The time the guest would read at TSC @now. */
void vrtc_now(const struct vrtc *rtc, uint64_t now, struct rtc_time *t);

/* Seconds since 1970-01-01 00:00:00 (years before 1970 give 0), and
 * back; out-of-range fields carry over (day 32 is the next month's 1). */
uint64_t rtc_time_to_epoch(const struct rtc_time *t);
void rtc_epoch_to_time(uint64_t secs, struct rtc_time *t);

/*
 * Decode a real CMOS: regs[i] is register i for i < RTC_HOST_NREGS
 * (the lead reads 0x00-0x0D and 0x32; others are ignored; pass 0 at
 * 0x32 when the FADT names no century). BCD or binary and 12/24 hours
 * per register B; without a plausible century, years 70-99 are 19xx.
 * -EAGAIN while register A shows an update in progress (read again),
 * -EINVAL for values no RTC holds.
 */
#define RTC_HOST_NREGS		(RTC_CENTURY + 1)
int rtc_decode_host(const uint8_t regs[RTC_HOST_NREGS], struct rtc_time *t);

#endif
