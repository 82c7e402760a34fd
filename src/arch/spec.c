// SPDX-License-Identifier: GPL-2.0
/* Speculative-execution mitigations between guests (spec.h). */
#include <stdint.h>
#include "src/arch/cpu.h"
#include "src/arch/printk.h"
#include "src/arch/spec.h"
#include "src/arch/x86.h"

#define MSR_PRED_CMD		0x49
#define MSR_ARCH_CAPABILITIES	0x10a
#define MSR_FLUSH_CMD		0x10b
#define C7_ARCH_CAPS		(1u << 29)

static struct spec_caps caps;

void spec_probe(void)
{
	uint32_t edx = 0;
	bool have_ac;

	if (cpuid(0, 0).eax >= 7)
		edx = cpuid(7, 0).edx;
	have_ac = edx & C7_ARCH_CAPS;
	caps = spec_decide(edx, have_ac, have_ac ? rdmsr(MSR_ARCH_CAPABILITIES) : 0);
	pr_info("hvisor: speculation: IBPB between guests %s, L1D flush on entry %s, VERW on entry %s\n",
		caps.ibpb ? "on" : "no (no IBPB)",
		caps.l1d_flush ? "on" : "no (not needed or no L1D_FLUSH)",
		caps.verw ? "on" : "no (not needed or no MD_CLEAR)");
}

void spec_guest_switch(void)
{
	if (caps.ibpb)
		wrmsr(MSR_PRED_CMD, 1);
}

void spec_before_entry(void)
{
	static const uint16_t ds = SEL_DATA;	/* any valid writable selector */

	if (caps.l1d_flush)
		wrmsr(MSR_FLUSH_CMD, 1);
	else if (caps.verw)	/* an L1D flush clears the buffers too */
		asm volatile("verw %0" : : "m"(ds) : "cc");
}
