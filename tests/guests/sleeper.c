// SPDX-License-Identifier: GPL-2.0
/*
 * sleeper: a periodic test guest for the scheduler's wake-up latency. It
 * sleeps until deadline, deadline + period, deadline + 2 * period, ...
 * and records how late each wake-up is (TSC after the sleep - deadline).
 * At the end it prints
 *
 *	sleeper: wakes <n> lateness_us p50 <x> p99 <y> max <z>
 *	sleeper: lateness_tsc min <a> p50 <b> p99 <c> max <d>
 *	sleeper: PASS
 *
 * (percentiles by nearest rank). A wake-up before its deadline is a
 * failure. Command line (all optional):
 *
 *	period_us=N	the period (default 2000)
 *	count=N		wake-ups to record, 1..SLEEPER_MAX_WAKES (default 200)
 *	delay_ms=N	sleep this long before the first period, so that the
 *			other guests are up and busy (default 0)
 *
 * The one way it sleeps is sleep_to(): HC_SLEEP_UNTIL for now, the vLAPIC
 * timer and HLT once the interrupt platform exists.
 */
#include "libguest.h"

enum sleeper_fail {
	FAIL_ARGS = 1,		/* a malformed or out-of-range argument */
	FAIL_TSC,		/* CPUID 0x15 gives no TSC rate */
	FAIL_SLEEP,		/* the sleep hypercall failed */
	FAIL_EARLY,		/* a wake-up came before its deadline */
};

#define SLEEPER_MAX_WAKES	4096

/* Lateness of each wake-up in TSC ticks (saturated at 32 bits). */
static uint32_t late[SLEEPER_MAX_WAKES];

/* Blocks until the TSC reaches @deadline. Returns 0 or the error. */
static int sleep_to(uint64_t deadline)
{
	return sleep_until(deadline);
}

/* Shell sort, ascending. */
static void sort_u32(uint32_t *a, uint32_t n)
{
	uint32_t gap, i, j, v;

	for (gap = n / 2; gap; gap = gap == 2 ? 1 : gap * 5 / 11) {
		for (i = gap; i < n; i++) {
			v = a[i];
			for (j = i; j >= gap && a[j - gap] > v; j -= gap)
				a[j] = a[j - gap];
			a[j] = v;
		}
	}
}

/* Nearest-rank percentile @p (1..100) of the sorted @a[0..n). */
static uint32_t percentile(const uint32_t *a, uint32_t n, uint32_t p)
{
	uint32_t rank = (p * n + 99) / 100;

	return a[rank ? rank - 1 : 0];
}

static uint32_t ticks_us(uint32_t t)
{
	return (uint32_t)tsc_to_us(t);
}

int guest_main(uint32_t magic, uint32_t mbi)
{
	uint32_t period_us, count, delay_ms, i, early = 0, worst_early = 0;
	uint64_t period, deadline, now;
	int ret;

	if (guest_arg_u32("period_us", 2000, &period_us) ||
	    guest_arg_u32("count", 200, &count) ||
	    guest_arg_u32("delay_ms", 0, &delay_ms))
		return FAIL_ARGS;
	if (!period_us || !count || count > SLEEPER_MAX_WAKES ||
	    delay_ms > 100000) {
		guest_printf("sleeper: FAIL: arguments out of range in '%s'\n",
			     guest_cmdline());
		return FAIL_ARGS;
	}
	if (!tsc_hz()) {
		guest_puts("sleeper: FAIL: no TSC rate in CPUID leaf 0x15\n");
		return FAIL_TSC;
	}
	guest_printf("sleeper: %u wake-ups every %u us after %u ms, tsc %u kHz\n",
		     count, period_us, delay_ms,
		     (uint32_t)udiv64_32(tsc_hz(), 1000, 0));

	period = us_to_tsc(period_us);
	deadline = rdtsc() + us_to_tsc(delay_ms * 1000ull);
	ret = sleep_to(deadline);
	for (i = 0; i < count && !ret; i++) {
		deadline += period;
		ret = sleep_to(deadline);
		now = rdtsc();
		if (now < deadline) {
			early++;
			if (deadline - now > worst_early)
				worst_early = (uint32_t)(deadline - now);
			late[i] = 0;
		} else if (now - deadline > 0xffffffffu) {
			late[i] = 0xffffffffu;
		} else {
			late[i] = (uint32_t)(now - deadline);
		}
	}
	if (ret) {
		guest_printf("sleeper: FAIL: HC_SLEEP_UNTIL returned %d\n", ret);
		return FAIL_SLEEP;
	}

	sort_u32(late, count);
	guest_printf("sleeper: wakes %u lateness_us p50 %u p99 %u max %u\n",
		     count, ticks_us(percentile(late, count, 50)),
		     ticks_us(percentile(late, count, 99)),
		     ticks_us(late[count - 1]));
	guest_printf("sleeper: lateness_tsc min %u p50 %u p99 %u max %u\n",
		     late[0], percentile(late, count, 50),
		     percentile(late, count, 99), late[count - 1]);
	if (early) {
		guest_printf("sleeper: FAIL: %u wake-ups came early, by up to %u TSC ticks\n",
			     early, worst_early);
		return FAIL_EARLY;
	}
	guest_puts("sleeper: PASS\n");
	return 0;
}
