/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Speculative-execution mitigations a hypervisor owes its guests, each
 * used only where CPUID and IA32_ARCH_CAPABILITIES say the CPU has the
 * means and the flaw (run-time probing, no build options):
 *   - IBPB (IA32_PRED_CMD) when a pCPU switches from one guest's vCPU
 *     to another guest's: the last guest's branch predictions cannot
 *     steer the next one's (Spectre v2 across guests);
 *   - L1D flush (IA32_FLUSH_CMD) before every VM entry on CPUs with
 *     L1TF (no RDCL_NO) that do not say the flush is unneeded
 *     (SKIP_L1DFL_VMENTRY): a guest cannot read host data left in L1D;
 *   - VERW (MD_CLEAR) before every VM entry on CPUs with MDS (no
 *     MDS_NO): the CPU's buffers are cleared of host data.
 * What applies is printed once at boot.
 */
#ifndef HV_ARCH_SPEC_H
#define HV_ARCH_SPEC_H

#include <stdbool.h>

struct spec_caps {
	bool ibpb, l1d_flush, verw;
};

/* Probe the boot CPU and say what is in use. */
void spec_probe(void);
/* A vCPU of another guest than the last is about to run on this pCPU. */
void spec_guest_switch(void);
/* Right before VM entry. */
void spec_before_entry(void);

/* The decision from raw CPUID 7 EDX and ARCH_CAPABILITIES (host tests). */
struct spec_caps spec_decide(unsigned int cpuid7_edx, bool have_arch_caps,
			     unsigned long long arch_caps);

#endif
