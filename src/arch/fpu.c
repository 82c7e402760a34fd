// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include "src/arch/fpu.h"
#include "src/arch/x86.h"

#define FXSAVE_MXCSR	24
#define FXSAVE_FCW	0

/* Components we switch: x87, SSE and AVX; AVX-512 and others stay off. */
static uint64_t xcr0_host;

static void xsetbv(uint32_t reg, uint64_t v)
{
	asm volatile("xsetbv" : : "c"(reg), "a"((uint32_t)v),
		     "d"((uint32_t)(v >> 32)) : "memory");
}

static void xsave_save(void *area)
{
	asm volatile("xsave64 (%0)" : : "r"(area), "a"(~0u), "d"(~0u)
		     : "memory");
}

static void xsave_restore(const void *area)
{
	asm volatile("xrstor64 (%0)" : : "r"(area), "a"(~0u), "d"(~0u)
		     : "memory");
}

static void fx_save(void *area)
{
	asm volatile("fxsave64 (%0)" : : "r"(area) : "memory");
}

static void fx_restore(const void *area)
{
	asm volatile("fxrstor64 (%0)" : : "r"(area) : "memory");
}

static const struct fpu_ops xsave_ops = { "XSAVE", xsave_save, xsave_restore };
static const struct fpu_ops fxsave_ops = { "FXSAVE", fx_save, fx_restore };
static const struct fpu_ops *ops = &fxsave_ops;

void fpu_probe(void)
{
	struct cpuid_regs r = cpuid(1, 0);

	if (!(r.ecx & (1u << 26)))	/* XSAVE */
		return;
	xcr0_host = XCR0_X87 | XCR0_SSE;
	if (r.ecx & (1u << 28))		/* AVX */
		xcr0_host |= XCR0_AVX;
	xcr0_host &= cpuid(0xd, 0).eax;
	ops = &xsave_ops;
}

void fpu_cpu_init(void)
{
	if (ops != &xsave_ops)
		return;
	write_cr4(read_cr4() | X86_CR4_OSXSAVE);
	xsetbv(0, xcr0_host);
}

void fpu_init_area(void *area)
{
	/*
	 * An XSAVE header of zeros means "every component in its reset
	 * state"; MXCSR and the x87 control word still come from the
	 * legacy area, so give them their reset values.
	 */
	memset(area, 0, 4096);
	*(uint16_t *)((uint8_t *)area + FXSAVE_FCW) = 0x37f;
	*(uint32_t *)((uint8_t *)area + FXSAVE_MXCSR) = 0x1f80;
}

void fpu_save(void *area)
{
	/* Save with every switched component enabled, whatever the guest set. */
	if (ops == &xsave_ops)
		xsetbv(0, xcr0_host);
	ops->save(area);
}

void fpu_restore(const void *area, uint64_t guest_xcr0)
{
	if (ops == &xsave_ops)
		xsetbv(0, xcr0_host);
	ops->restore(area);
	if (ops == &xsave_ops)
		xsetbv(0, guest_xcr0);
}

uint64_t fpu_guest_xcr0_mask(void)
{
	return xcr0_host;
}

bool fpu_has_xsave(void)
{
	return ops == &xsave_ops;
}

const char *fpu_mode(void)
{
	return ops->name;
}

void fpu_set_xcr0(uint64_t xcr0)
{
	if (ops == &xsave_ops)
		xsetbv(0, xcr0);
}
