// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include "src/arch/fpu.h"
#include "src/arch/x86.h"

#define FXSAVE_MXCSR	24
#define FXSAVE_FCW	0

/* Components we switch: x87, SSE and AVX; AVX-512 and others stay off. */
static uint64_t xcr0_host;
/* XSAVEC lays out the compacted format as the SDM says (fpu_probe_xsavec). */
static bool xsavec_ok;

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

/*
 * XSAVEC puts the first extended component (AVX) at offset 576, after the
 * 64-byte header. Bochs 2.7 puts it at 416, right after the SSE registers:
 * over bytes 512-671, the header included. Its XRSTOR then reads the
 * header's reserved bytes (#GP when YMM7's upper half is not zero: Linux
 * warns "Bad FPU state") and the AVX state from 576 (wrong upper halves,
 * silently). Save a known YMM0 and look where it landed. On the BSP, at
 * boot: no guest state is in these registers yet.
 */
#define XSAVEC_AVX_OFFSET	576
#define XSAVE_HEADER		512

void fpu_probe_xsavec(void)
{
	static uint8_t area[1024] __attribute__((aligned(64)));
	static const uint8_t ymm[32] __attribute__((aligned(32))) = {
		[16] = 0xa5, 0x5a, 0xa5, 0x5a, 0xa5, 0x5a, 0xa5, 0x5a,
		0xa5, 0x5a, 0xa5, 0x5a, 0xa5, 0x5a, 0xa5, 0x5a,
	};
	bool header_clean = true;

	xsavec_ok = false;
	if (ops != &xsave_ops || !(xcr0_host & XCR0_AVX) ||
	    !(cpuid(0xd, 1).eax & (1u << 1)))
		return;
	memset(area, 0, sizeof(area));
	asm volatile("vmovdqa %0, %%ymm0\n\t"
		     "xsavec64 (%1)\n\t"
		     "vpxor %%xmm0, %%xmm0, %%xmm0"	/* clears the upper half too */
		     : : "m"(ymm), "r"(area), "a"((uint32_t)xcr0_host), "d"(0)
		     : "memory");
	for (int i = XSAVE_HEADER + 16; i < XSAVEC_AVX_OFFSET; i++)
		header_clean &= !area[i];
	xsavec_ok = header_clean &&
		    !memcmp(area + XSAVEC_AVX_OFFSET, ymm + 16, 16);
}

bool fpu_xsavec_ok(void)
{
	return xsavec_ok;
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
