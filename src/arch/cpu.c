// SPDX-License-Identifier: GPL-2.0
#include "src/arch/cpu.h"
#include "src/arch/x86.h"

#define X86_CR0_MP	(1UL << 1)
#define X86_CR0_EM	(1UL << 2)
#define X86_CR4_OSXMMEXCPT (1UL << 10)

void cpu_init_control_regs(void)
{
	/*
	 * Our own code never touches SSE, but Debian's libinih does (it is
	 * built for the normal x86_64 ABI), so the FPU must be usable. It
	 * only runs at boot, before any guest state could be clobbered.
	 */
	write_cr0((read_cr0() & ~X86_CR0_EM) | X86_CR0_MP | X86_CR0_NE);
	write_cr4(read_cr4() | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT);
}
