// SPDX-License-Identifier: GPL-2.0
/*
 * TSC frequency. Bochs' skylake_x model claims 3.5 GHz in CPUID 0x16 while
 * its TSC counts emulated instructions, and leaf 0x15 has ECX = 0, so
 * unless 0x15 is complete we measure against PIT channel 2.
 */
#include "src/arch/tsc.h"
#include "src/arch/x86.h"

#define PIT_HZ		1193182
#define PIT_CH2		0x42
#define PIT_CMD		0x43
#define PIT_GATE	0x61
#define CAL_MS		10

uint64_t tsc_khz;

static uint64_t pit_measure(void)
{
	uint32_t count = PIT_HZ * CAL_MS / 1000;
	uint64_t t0, t1;
	uint8_t gate;

	gate = inb(PIT_GATE);
	outb(PIT_GATE, (gate & ~0x02) & ~0x01);	/* speaker off, gate low */
	outb(PIT_CMD, 0xb0);			/* ch2, lo/hi, mode 0 */
	outb(PIT_CH2, count & 0xff);
	outb(PIT_CH2, count >> 8);
	outb(PIT_GATE, (gate & ~0x02) | 0x01);	/* gate high: count */
	t0 = rdtsc();
	while (!(inb(PIT_GATE) & 0x20))		/* OUT2 goes high at 0 */
		;
	t1 = rdtsc();
	outb(PIT_GATE, gate);
	return (t1 - t0) / CAL_MS;
}

uint64_t tsc_calibrate(const char **how)
{
	struct cpuid_regs r = cpuid(0, 0);
	uint64_t best = ~0ULL;

	if (r.eax >= 0x15) {
		r = cpuid(0x15, 0);
		if (r.eax && r.ebx && r.ecx) {
			*how = "CPUID 0x15";
			tsc_khz = (uint64_t)r.ecx * r.ebx / r.eax / 1000;
			return tsc_khz;
		}
	}
	/* Take the shortest of three: interruptions only make it longer. */
	for (int i = 0; i < 3; i++) {
		uint64_t k = pit_measure();

		if (k < best)
			best = k;
	}
	*how = "PIT";
	tsc_khz = best;
	return tsc_khz;
}

void udelay(uint64_t us)
{
	uint64_t end = rdtsc() + us * tsc_khz / 1000;

	while ((int64_t)(rdtsc() - end) < 0)
		cpu_relax();
}
