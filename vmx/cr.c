// SPDX-License-Identifier: GPL-2.0
#include <stdint.h>
#include "src/arch/printk.h"
#include "src/arch/x86.h"
#include "src/core/vendor.h"
#include "src/core/vm.h"
#include "vmx/cr.h"
#include "vmx/vcpu.h"
#include "vmx/vmcs.h"
#include "vmx/vmx.h"

#define X86_CR4_PSE	(1UL << 4)
#define X86_CR4_PCIDE	(1UL << 17)
#define X86_CR4_SMEP	(1UL << 20)

/* Bits whose change invalidates cached translations (SDM 4.10.4.1). */
#define CR0_TLB_BITS	(X86_CR0_PG | X86_CR0_WP | X86_CR0_PE)
#define CR4_TLB_BITS	(X86_CR4_PGE | X86_CR4_PAE | X86_CR4_PSE | \
			 X86_CR4_PCIDE | X86_CR4_SMEP)

/* A general-purpose register by its SDM number (0 RAX ... 15 R15). */
static uint64_t gpr(struct vcpu *v, unsigned int n)
{
	struct guest_regs *g = &v->regs;
	const uint64_t r[16] = {
		g->rax, g->rcx, g->rdx, g->rbx, 0, g->rbp, g->rsi, g->rdi,
		g->r8, g->r9, g->r10, g->r11, g->r12, g->r13, g->r14, g->r15,
	};

	return n == 4 ? vmcs_read(GUEST_RSP) : r[n & 15];
}

/*
 * What the guest sees: its own bits from the register, the host-owned
 * ones from the read shadow (which only those bits keep current).
 */
static uint64_t guest_cr(enum vmcs_field reg, enum vmcs_field shadow,
			 enum vmcs_field mask)
{
	uint64_t m = vmcs_read(mask);

	return (vmcs_read(reg) & ~m) | (vmcs_read(shadow) & m);
}

void vcpu_flush_tlb(struct vcpu *v)
{
	struct { uint64_t vpid, addr; } desc = { v->vpid, 0 };

	if (!vmx_caps.vpid || !v->vpid)
		return;		/* without VPID every entry flushes anyway */
	asm volatile("invvpid %0, %1" : : "m"(desc), "r"(1UL) : "cc", "memory");
}

void vendor_flush_guest_tlb(struct vcpu *v)
{
	vcpu_flush_tlb(v);
}

static int guest_write_cr0(struct vcpu *v, uint64_t val)
{
	const struct vmx_caps *c = &vmx_caps;
	uint64_t old = guest_cr(GUEST_CR0, CR0_READ_SHADOW, CR0_GUEST_HOST_MASK);
	uint64_t efer = vmcs_read(GUEST_IA32_EFER);

	if (val >> 32 || ((val & X86_CR0_PG) && !(val & X86_CR0_PE)) ||
	    ((val & X86_CR0_NW) && !(val & X86_CR0_CD)))
		return -1;
	if ((val & X86_CR0_PG) && !(old & X86_CR0_PG) && (efer & EFER_LME)) {
		if (!(guest_cr(GUEST_CR4, CR4_READ_SHADOW,
			       CR4_GUEST_HOST_MASK) & X86_CR4_PAE))
			return -1;
		efer |= EFER_LMA;	/* paging on with LME: IA-32e mode */
	} else if (!(val & X86_CR0_PG) && (efer & EFER_LMA)) {
		efer &= ~EFER_LMA;
	}
	/* Also sets the IA-32e entry control to match (vmx/regs.c). */
	vcpu_set_reg(v, VCPU_EFER, efer);
	vmcs_write(CR0_READ_SHADOW, val);
	/*
	 * Unrestricted guest lets PE and PG follow the guest; the rest is
	 * fixed. Caching stays on underneath (EPT sets the memory types):
	 * CD and NW live only in the read shadow.
	 */
	vmcs_write(GUEST_CR0, ((val & ~CR0_SHADOW_ONLY) | (c->cr0_fixed0 &
		   ~(X86_CR0_PE | X86_CR0_PG))) & c->cr0_fixed1);
	if ((val ^ old) & CR0_TLB_BITS)
		vcpu_flush_tlb(v);
	return 0;
}

static int guest_write_cr4(struct vcpu *v, uint64_t val)
{
	const struct vmx_caps *c = &vmx_caps;
	uint64_t old = guest_cr(GUEST_CR4, CR4_READ_SHADOW, CR4_GUEST_HOST_MASK);
	/* VMX, SMX, 5-level paging, PKU, CET, PKS: hidden in CPUID. */
	uint64_t allowed = c->cr4_fixed1 & ~CR4_HOST_OWNED;

	if (val & ~allowed)
		return -1;
	if ((vmcs_read(GUEST_IA32_EFER) & EFER_LMA) && !(val & X86_CR4_PAE))
		return -1;
	vmcs_write(CR4_READ_SHADOW, val);
	vmcs_write(GUEST_CR4, (val | c->cr4_fixed0) & c->cr4_fixed1);
	if ((val ^ old) & CR4_TLB_BITS)
		vcpu_flush_tlb(v);
	return 0;
}

void vmx_handle_cr_access(struct vcpu *v)
{
	uint64_t q = v->exit.qual;
	unsigned int cr = q & 15, type = (q >> 4) & 3;
	int r = -1;

	if (type == 0 && cr == 0)
		r = guest_write_cr0(v, gpr(v, (q >> 8) & 15));
	else if (type == 0 && cr == 4)
		r = guest_write_cr4(v, gpr(v, (q >> 8) & 15));
	else if (type == 3)	/* LMSW: PE can be set, not cleared; MP, EM, TS */
		r = guest_write_cr0(v, (guest_cr(GUEST_CR0, CR0_READ_SHADOW,
						  CR0_GUEST_HOST_MASK) & ~0xeUL) |
				       ((q >> 16) & 0xf));
	else {
		/* CR3/CR8 exiting is off: nothing else should reach us. */
		vm_stop(v->vm, HV_EXIT_GUEST_CRASH,
			"unexpected control-register exit, qualification %#lx, RIP %#lx",
			q, v->exit.rip);
		return;
	}
	if (r)
		vendor_inject_exception(v, X86_EXC_GP, true, 0);
	else
		vcpu_skip_instruction(v);
}
