// SPDX-License-Identifier: GPL-2.0
/*
 * hog: a CPU-bound test guest for the scheduler. Every vCPU repeats a
 * fixed unit of work and reads the TSC after each unit; it counts only the
 * units that end inside one TSC window that all vCPUs of the guest share:
 *
 *	boot TSC + warmup_ms  ..  + ms  (counted)  ..  + cooldown_ms  (stop)
 *
 * The vCPUs stay busy during the warm-up and the cool-down too, so that
 * another hog guest booted a little earlier or later still competes with
 * all of them throughout its own window. Then each vCPU prints
 *
 *	hog: vcpu <i> work <units> per_ms <units per ms of the window>
 *
 * and the boot vCPU waits for the others and prints "hog: total <units>"
 * and "hog: PASS". Command line (all optional):
 *
 *	vcpus=N		vCPUs to run, 1..8 (default 1); must match hvisor.ini
 *	ms=N		window length in ms (default 200)
 *	warmup_ms=N	from boot to the window (default 20)
 *	cooldown_ms=N	from the window's end to the stop (default 20)
 *
 * Each failed check exits with its own code.
 */
#include "libguest.h"

enum hog_fail {
	FAIL_ARGS = 1,		/* a malformed or out-of-range argument */
	FAIL_TSC,		/* CPUID 0x15 gives no TSC rate */
	FAIL_START,		/* HC_VCPU_START failed for a vCPU we own */
	FAIL_START_EINVAL,	/* starting vCPU N (one too many) did not fail */
	FAIL_START_EBUSY,	/* starting vCPU 1 twice did not fail */
	FAIL_LATE,		/* a vCPU first ran after the window opened */
	FAIL_NO_WORK,		/* a vCPU counted no work in the window */
};

/* One unit: this many xorshift rounds, about 200 instructions in all. */
#define WORK_ROUNDS	32

static uint32_t window_ms;
static uint64_t win_start, win_end, stop_at;
static uint32_t work[GUEST_MAX_VCPUS];
static bool late[GUEST_MAX_VCPUS];
static volatile uint32_t sink[GUEST_MAX_VCPUS];

static uint32_t work_unit(uint32_t x)
{
	unsigned int i;

	for (i = 0; i < WORK_ROUNDS; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
	}
	return x;
}

static void hog_run(uint32_t index)
{
	uint64_t now = rdtsc();
	uint32_t units = 0, x = index + 1;

	if (now >= win_start) {
		late[index] = true;
		guest_printf("hog: vcpu %u first ran %u us after the window opened\n",
			     index, (uint32_t)tsc_to_us(now - win_start));
	}
	for (;;) {
		x = work_unit(x);
		now = rdtsc();
		if (now >= stop_at)
			break;
		if (now >= win_start && now < win_end)
			units++;
	}
	sink[index] = x;
	work[index] = units;
	guest_printf("hog: vcpu %u work %u per_ms %u\n",
		     index, units, units / window_ms);
}

int guest_main(uint32_t magic, uint32_t mbi)
{
	uint64_t boot = rdtsc();
	uint32_t vcpus, warmup_ms, cooldown_ms, i, total = 0;
	int ret, code = 0;

	if (guest_arg_u32("vcpus", 1, &vcpus) ||
	    guest_arg_u32("ms", 200, &window_ms) ||
	    guest_arg_u32("warmup_ms", 20, &warmup_ms) ||
	    guest_arg_u32("cooldown_ms", 20, &cooldown_ms))
		return FAIL_ARGS;
	if (!vcpus || vcpus > GUEST_MAX_VCPUS || !window_ms ||
	    window_ms > 100000 || warmup_ms > 100000 || cooldown_ms > 100000) {
		guest_printf("hog: FAIL: arguments out of range in '%s'\n",
			     guest_cmdline());
		return FAIL_ARGS;
	}
	if (!tsc_hz()) {
		guest_puts("hog: FAIL: no TSC rate in CPUID leaf 0x15\n");
		return FAIL_TSC;
	}
	win_start = boot + us_to_tsc(warmup_ms * 1000ull);
	win_end = win_start + us_to_tsc(window_ms * 1000ull);
	stop_at = win_end + us_to_tsc(cooldown_ms * 1000ull);
	guest_printf("hog: vcpus %u window %u ms after %u ms warm-up, %u ms cool-down, tsc %u kHz\n",
		     vcpus, window_ms, warmup_ms, cooldown_ms,
		     (uint32_t)udiv64_32(tsc_hz(), 1000, 0));

	ret = guest_start_vcpus(vcpus, hog_run);
	if (ret) {
		guest_printf("hog: FAIL: HC_VCPU_START for %u vCPUs returned %d\n",
			     vcpus, ret);
		return FAIL_START;
	}
	if (vcpus > 1) {
		ret = guest_vcpu_start(vcpus, 0, 0);
		if (ret != HC_EINVAL) {
			guest_printf("hog: FAIL: starting vCPU %u of %u returned %d, want %d\n",
				     vcpus, vcpus, ret, HC_EINVAL);
			return FAIL_START_EINVAL;
		}
		ret = guest_vcpu_start(1, 0, 0);
		if (ret != HC_EBUSY) {
			guest_printf("hog: FAIL: starting vCPU 1 again returned %d, want %d\n",
				     ret, HC_EBUSY);
			return FAIL_START_EBUSY;
		}
	}

	hog_run(0);
	guest_wait_vcpus();

	for (i = 0; i < vcpus; i++) {
		total += work[i];
		if (late[i] && !code)
			code = FAIL_LATE;
		if (!work[i] && !code)
			code = FAIL_NO_WORK;
	}
	guest_printf("hog: total %u\n", total);
	if (code) {
		guest_printf("hog: FAIL: %s\n", code == FAIL_LATE ?
			     "a vCPU started after the window opened (longer warmup_ms?)" :
			     "a vCPU did no work in the window");
		return code;
	}
	guest_puts("hog: PASS\n");
	return 0;
}
