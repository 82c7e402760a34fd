// SPDX-License-Identifier: GPL-2.0
/* The host local APIC, in x2APIC mode wherever the CPU has it. */
#include "src/arch/cpu.h"
#include "src/arch/lapic.h"
#include "src/arch/tsc.h"
#include "src/arch/x86.h"

#define APIC_BASE_ENABLE	(1UL << 11)
#define APIC_BASE_X2APIC	(1UL << 10)
#define APIC_BASE_ADDR_MASK	0xffffff000ULL
#define MSR_X2APIC_BASE		0x800

static volatile uint32_t *xapic_mmio;

static uint32_t xapic_read(uint32_t reg)
{
	return xapic_mmio[reg / 4];
}

static void xapic_write(uint32_t reg, uint32_t v)
{
	xapic_mmio[reg / 4] = v;
}

static void xapic_send_icr(uint32_t dest, uint32_t low)
{
	xapic_write(APIC_ICR_HI, dest << 24);
	xapic_write(APIC_ICR, low);
	while (xapic_read(APIC_ICR) & ICR_BUSY)
		cpu_relax();
}

static uint32_t xapic_id(void)
{
	return xapic_read(APIC_ID) >> 24;
}

static const struct lapic_ops xapic_ops = {
	.name = "xAPIC",
	.read = xapic_read,
	.write = xapic_write,
	.send_icr = xapic_send_icr,
	.id = xapic_id,
};

static uint32_t x2apic_read(uint32_t reg)
{
	return rdmsr(MSR_X2APIC_BASE + (reg >> 4));
}

static void x2apic_write(uint32_t reg, uint32_t v)
{
	wrmsr(MSR_X2APIC_BASE + (reg >> 4), v);
}

static void x2apic_send_icr(uint32_t dest, uint32_t low)
{
	/* x2APIC ICR is one 64-bit MSR; there is no busy bit to poll. */
	wrmsr(MSR_X2APIC_BASE + (APIC_ICR >> 4), ((uint64_t)dest << 32) | low);
}

static uint32_t x2apic_id(void)
{
	return x2apic_read(APIC_ID);
}

static const struct lapic_ops x2apic_ops = {
	.name = "x2APIC",
	.read = x2apic_read,
	.write = x2apic_write,
	.send_icr = x2apic_send_icr,
	.id = x2apic_id,
};

static const struct lapic_ops *ops;

static bool has_x2apic(void)
{
	return cpuid(1, 0).ecx & (1u << 21);
}

void lapic_init(void)
{
	uint64_t base = rdmsr(MSR_IA32_APIC_BASE);

	if (!ops)
		ops = has_x2apic() ? &x2apic_ops : &xapic_ops;
	base |= APIC_BASE_ENABLE;
	if (ops == &x2apic_ops)
		base |= APIC_BASE_X2APIC;
	wrmsr(MSR_IA32_APIC_BASE, base);
	xapic_mmio = (volatile uint32_t *)(base & APIC_BASE_ADDR_MASK);

	ops->write(APIC_TPR, 0);
	ops->write(APIC_LVT_TIMER, 1 << 16);	/* masked until used */
	ops->write(APIC_LVT_LINT0, 1 << 16);
	ops->write(APIC_LVT_LINT1, 1 << 16);
	ops->write(APIC_LVT_ERROR, 1 << 16);
	ops->write(APIC_SVR, 0x100 | VEC_SPURIOUS);
}

uint32_t lapic_id(void)
{
	return ops->id();
}

void lapic_eoi(void)
{
	ops->write(APIC_EOI, 0);
}

void lapic_send_ipi(uint32_t apic_id, uint32_t icr_low)
{
	ops->send_icr(apic_id, icr_low);
}

bool lapic_x2apic(void)
{
	return ops == &x2apic_ops;
}

const char *lapic_mode(void)
{
	return ops ? ops->name : "none";
}

#define LVT_TSC_DEADLINE	(2u << 17)
#define LVT_MASKED		(1u << 16)
#define TDCR_DIV1		0x0b

static bool tsc_deadline;
static uint64_t apic_ticks_per_ms;	/* one-shot fallback */

void lapic_timer_init(void)
{
	uint32_t start, end;

	tsc_deadline = cpuid(1, 0).ecx & (1u << 24);
	if (tsc_deadline) {
		ops->write(APIC_LVT_TIMER, LVT_TSC_DEADLINE | VEC_TIMER);
		return;
	}
	/* Measure the APIC timer against the TSC once, on the BSP. */
	if (!apic_ticks_per_ms) {
		ops->write(APIC_TDCR, TDCR_DIV1);
		ops->write(APIC_LVT_TIMER, LVT_MASKED | VEC_TIMER);
		ops->write(APIC_TMICT, 0xffffffff);
		start = ops->read(APIC_TMCCT);
		udelay(1000);
		end = ops->read(APIC_TMCCT);
		apic_ticks_per_ms = start - end;
	}
	ops->write(APIC_TDCR, TDCR_DIV1);
	ops->write(APIC_LVT_TIMER, LVT_MASKED | VEC_TIMER);
}

void lapic_timer_arm(uint64_t deadline)
{
	uint64_t now, ticks;

	if (tsc_deadline) {
		wrmsr(MSR_IA32_TSC_DEADLINE, deadline);
		return;
	}
	if (!deadline) {
		ops->write(APIC_TMICT, 0);
		return;
	}
	now = rdtsc();
	ticks = deadline > now ?
		(deadline - now) * apic_ticks_per_ms / tsc_khz + 1 : 1;
	if (ticks > 0xffffffff)
		ticks = 0xffffffff;
	ops->write(APIC_LVT_TIMER, VEC_TIMER);
	ops->write(APIC_TMICT, ticks);
}

const char *lapic_timer_mode(void)
{
	return tsc_deadline ? "TSC-deadline" : "one-shot";
}
