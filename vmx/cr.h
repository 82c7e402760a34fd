/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Control-register exits. The host owns the bits VMX forces on (CR0.NE,
 * CR4.VMXE) and the cache-disable pair CR0.CD/NW, which the guest sees
 * in the read shadow only: its caches never really turn off (as under
 * KVM), so an MTRR update's CD toggling costs nothing. A guest exits
 * when a CR0 or CR4 write differs from the read shadow in those bits:
 * Linux's first CR0 write (which sets NE), CD toggles, and any attempt to
 * set a CR4 bit of CR4_HOST_OWNED. The write is then emulated whole, with the architectural
 * checks and the IA-32e mode switch that a CR0.PG write implies.
 */
#ifndef HV_VMX_CR_H
#define HV_VMX_CR_H

#include "src/arch/x86.h"

struct vcpu;

/* CR0 bits the guest has only in the read shadow. */
#define CR0_SHADOW_ONLY		(X86_CR0_CD | X86_CR0_NW)
/* CR0 bits the host owns: writes that change them exit. */
#define CR0_HOST_OWNED		(X86_CR0_NE | CR0_SHADOW_ONLY)
/*
 * CR4 bits the guest may not own: VMX (forced on, hidden), and features
 * CPUID hides whose state VM exits do not switch. A guest that set PKE
 * itself would have WRPKRU, and its PKRU would stay on the pCPU for the
 * next guest's user space; CET and PKS likewise with their MSRs; SMX and
 * 5-level paging are not offered. Writes that change them exit and are
 * refused with #GP (guest_write_cr4()).
 */
#define X86_CR4_LA57		(1UL << 12)
#define X86_CR4_SMXE		(1UL << 14)
#define X86_CR4_PKE		(1UL << 22)
#define X86_CR4_CET		(1UL << 23)
#define X86_CR4_PKS		(1UL << 24)
#define CR4_HOST_OWNED		(X86_CR4_VMXE | X86_CR4_LA57 | X86_CR4_SMXE | \
				 X86_CR4_PKE | X86_CR4_CET | X86_CR4_PKS)

void vmx_handle_cr_access(struct vcpu *v);

#endif
