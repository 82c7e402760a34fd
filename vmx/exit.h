/* SPDX-License-Identifier: GPL-2.0 */
#ifndef HV_VMX_EXIT_H
#define HV_VMX_EXIT_H

#include <stdint.h>
#include "src/core/vcpu.h"

/* Basic exit reasons (Intel SDM Vol. 3D, appendix C). */
enum exit_reason {
	EXIT_EXCEPTION_NMI	= 0,
	EXIT_EXTERNAL_INTR	= 1,
	EXIT_TRIPLE_FAULT	= 2,
	EXIT_INIT		= 3,
	EXIT_SIPI		= 4,
	EXIT_INTR_WINDOW	= 7,
	EXIT_CPUID		= 10,
	EXIT_HLT		= 12,
	EXIT_INVLPG		= 14,
	EXIT_RDTSC		= 16,
	EXIT_VMCALL		= 18,
	EXIT_CR_ACCESS		= 28,
	EXIT_IO			= 30,
	EXIT_RDMSR		= 31,
	EXIT_WRMSR		= 32,
	EXIT_INVALID_STATE	= 33,
	EXIT_MSR_LOADING	= 34,
	EXIT_MWAIT		= 36,
	EXIT_MTF		= 37,
	EXIT_MONITOR		= 39,
	EXIT_PAUSE		= 40,
	EXIT_MACHINE_CHECK	= 41,
	EXIT_TPR_BELOW		= 43,
	EXIT_APIC_ACCESS	= 44,
	EXIT_EOI_INDUCED	= 45,
	EXIT_EPT_VIOLATION	= 48,
	EXIT_EPT_MISCONFIG	= 49,
	EXIT_PREEMPT_TIMER	= 52,
	EXIT_WBINVD		= 54,
	EXIT_XSETBV		= 55,
	EXIT_APIC_WRITE		= 56,
	EXIT_REASON_MAX		= 70,
};

#define EXIT_REASON_ENTRY_FAIL	(1u << 31)

_Static_assert(EXIT_REASON_MAX <= VCPU_EXIT_CODES, "the exit counters");

/*
 * Right after an exit: turn the VMCS's exit information into v->exit.
 * Exits that are VMX's own business (control registers, APIC
 * virtualization, host interrupts, window exits) are handled here and
 * leave VM_EXIT_NONE; the rest go to the core (src/core/exit.c).
 */
void vmx_exit_decode(struct vcpu *v);

#endif
