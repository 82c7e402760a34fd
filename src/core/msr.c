// SPDX-License-Identifier: GPL-2.0
/*
 * MSR policy, vendor-neutral. Guests read and write directly only the
 * MSRs that the vendor keeps per vCPU (vmx/msr.c lists them); every other
 * access exits here. An MSR we do not model raises #GP in the guest and
 * is logged once.
 */
#include <errno.h>
#include "src/arch/x86.h"
#include "src/arch/printk.h"
#include "src/core/msr.h"
#include "src/core/pv.h"
#include "src/core/vcpu.h"
#include "src/core/vendor.h"
#include "src/core/vm.h"

#define MSR_UCODE_REV		0x8b
#define MSR_MISC_ENABLE		0x1a0
#define MSR_MTRRCAP		0xfe
#define MSR_TSC_ADJUST		0x3b
#define MSR_MTRR_DEF_TYPE	0x2ff
#define MTRRCAP_WC		(1u << 10)	/* no VCNT, no fixed ranges */
#define MTRR_DEF_E		(1u << 11)
#define MTRR_DEF_FE		(1u << 10)
/* Fast strings on; branch trace and PEBS unavailable (no PMU). */
#define MISC_ENABLE_VALUE	((1ULL << 0) | (1ULL << 11) | (1ULL << 12))

static void unknown_msr(struct vcpu *v, uint32_t msr, bool write)
{
	/* The same MSR again on this vCPU is not news; a flood is limited. */
	if (v->last_bad_msr != msr)
		vm_log(v->vm, VM_LOG_MSR,
		       "vCPU %u: %s of unknown MSR %#x at RIP %#lx: #GP",
		       v->id, write ? "write" : "read", msr, v->exit.rip);
	v->last_bad_msr = msr;
	vendor_inject_exception(v, X86_EXC_GP, true, 0);
}

static int write_efer(struct vcpu *v, uint64_t val)
{
	uint64_t ok = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE;

	if (val & ~ok)
		return -1;
	/*
	 * LME changes only with paging off (SDM Vol. 3 10.8.5): flipped
	 * under paging it would make the next entry IA-32e with 32-bit
	 * state and fail it (the guest stopped), where the CPU gives #GP.
	 */
	if (((val ^ vcpu_get_reg(v, VCPU_EFER)) & EFER_LME) &&
	    (vcpu_get_reg(v, VCPU_CR0) & X86_CR0_PG))
		return -1;
	/* LMA is the CPU's to set; it follows LME while paging is on. */
	val &= ~EFER_LMA;
	if ((val & EFER_LME) && (vcpu_get_reg(v, VCPU_CR0) & X86_CR0_PG))
		val |= EFER_LMA;
	vcpu_set_reg(v, VCPU_EFER, val);
	return 0;
}

/* The memory types MTRRs may name: UC, WC, WT, WP, WB. */
static bool mtrr_type_valid(uint64_t t)
{
	return t == 0 || t == 1 || t == 4 || t == 5 || t == 6;
}

/* Fixed-range enable is refused: MTRRCAP offers no fixed ranges. */
static int write_mtrr_def_type(struct vcpu *v, uint64_t val)
{
	if ((val & ~(0xffULL | MTRR_DEF_E)) || !mtrr_type_valid(val & 0xff))
		return -1;
	v->mtrr_def_type = val;
	return 0;
}

/* MSRs every x86 kernel reads early; fixed values, nothing behind them. */
static int fixed_msr(uint32_t msr, uint64_t *val)
{
	switch (msr) {
	case MSR_MTRRCAP:
		*val = MTRRCAP_WC;
		return 0;
	case MSR_UCODE_REV:
		*val = 0;	/* no microcode to report */
		return 0;
	case MSR_MISC_ENABLE:
		*val = MISC_ENABLE_VALUE;
		return 0;
	default:
		return -ENOENT;
	}
}

/*
 * IA32_TSC_ADJUST (SDM 17.17.3): writing it moves the TSC by the change.
 * Offered so that Linux trusts the (invariant, synchronized) TSC without
 * its clocksource watchdog, which under overcommit compares it with a
 * jiffies clock that loses ticks and wrongly marks it unstable.
 */
static void write_tsc_adjust(struct vcpu *v, uint64_t val)
{
	v->tsc_offset += (int64_t)val - v->tsc_adjust;
	v->tsc_adjust = (int64_t)val;
	vcpu_set_reg(v, VCPU_TSC_OFFSET, v->tsc_offset);
}

static void *guest_range(void *ctx, uint64_t gpa, uint64_t len)
{
	return vm_gpa_to_hva(ctx, gpa, len);
}

/* MSR_KVM_STEAL_TIME: where the guest wants its steal-time record. */
static int write_steal_time(struct vcpu *v, uint64_t val)
{
	bool was = v->steal.rec;
	int r = pv_steal_write(&v->steal, val, guest_range, v->vm);

	if (!r && !was && v->steal.rec)
		pr_info("hvisor: guest '%s' vCPU %u: steal time at GPA %#lx\n",
			v->vm->name, v->id, val & ~63UL);
	return r;
}

void vcpu_handle_rdmsr(struct vcpu *v)
{
	uint32_t msr = v->regs.rcx;
	uint64_t val;
	int r = fixed_msr(msr, &val);

	if (msr == MSR_MTRR_DEF_TYPE) {
		val = v->mtrr_def_type;
		r = 0;
	} else if (msr == MSR_TSC_ADJUST) {
		val = v->tsc_adjust;
		r = 0;
	} else if (msr == MSR_KVM_STEAL_TIME && (v->vm->cfg->pv & CFG_PV_STEAL)) {
		val = v->steal.msr;
		r = 0;
	}
	if (r == -ENOENT && v->lapic)
		r = vlapic_rdmsr(v->lapic, msr, &val);

	if (r == -ENOENT) {
		unknown_msr(v, msr, false);
		return;
	}
	if (r) {
		vendor_inject_exception(v, X86_EXC_GP, true, 0);
		return;
	}
	v->regs.rax = (uint32_t)val;
	v->regs.rdx = val >> 32;
	vcpu_skip_instruction(v);
}

/* A WRMSR the handler refused (@err) raises #GP; one it took completes. */
static void wrmsr_done(struct vcpu *v, int err)
{
	if (err)
		vendor_inject_exception(v, X86_EXC_GP, true, 0);
	else
		vcpu_skip_instruction(v);
}

void vcpu_handle_wrmsr(struct vcpu *v)
{
	uint32_t msr = v->regs.rcx;
	uint64_t val = (v->regs.rdx << 32) | (uint32_t)v->regs.rax;
	int r;

	switch (msr) {
	case MSR_EFER:
		wrmsr_done(v, write_efer(v, val));
		return;
	case MSR_MTRR_DEF_TYPE:
		wrmsr_done(v, write_mtrr_def_type(v, val));
		return;
	case MSR_MTRRCAP:
		vendor_inject_exception(v, X86_EXC_GP, true, 0);	/* read-only */
		return;
	case MSR_TSC_ADJUST:
		write_tsc_adjust(v, val);
		vcpu_skip_instruction(v);
		return;
	case MSR_KVM_STEAL_TIME:
		if (!(v->vm->cfg->pv & CFG_PV_STEAL))
			break;		/* not offered: unknown, #GP */
		wrmsr_done(v, write_steal_time(v, val));
		return;
	case MSR_UCODE_REV:
		/* Writing 0 before CPUID is how the revision is read. */
	case MSR_MISC_ENABLE: {
		uint64_t cur;

		fixed_msr(msr, &cur);
		/* Only what it already holds may be written back. */
		wrmsr_done(v, val != cur && !(msr == MSR_UCODE_REV && val == 0));
		return;
	}
	default:
		break;
	}
	r = v->lapic ? vlapic_wrmsr(v->lapic, msr, val) : -ENOENT;
	if (r == -ENOENT)
		unknown_msr(v, msr, true);
	else
		wrmsr_done(v, r);
}
