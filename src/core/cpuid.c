// SPDX-License-Identifier: GPL-2.0
/*
 * The CPU a guest sees. Start from the host and take away what is not
 * virtualized (VMX, MONITOR/MWAIT, LA57, performance monitoring, state
 * components we do not switch, MSRs we do not model); add the hypervisor
 * bit, a topology that matches the guest's vCPUs, and a consistent TSC
 * description in leaves 0x15/0x16: Bochs' own leaves describe a 3.5 GHz
 * part while its TSC runs at the emulated ips.
 */
#include "src/arch/fpu.h"
#include "src/arch/tsc.h"
#include "src/arch/x86.h"
#include "src/core/exit.h"
#include "src/core/pv.h"
#include "src/core/vcpu.h"
#include "src/core/vendor.h"
#include "src/core/vm.h"

#define BIT(n)		(1u << (n))

/* Leaf 1 ECX/EDX bits the guest never sees. */
#define L1_ECX_HIDE	(BIT(2) | BIT(3) | BIT(4) | BIT(5) | BIT(6) | BIT(7) | \
			 BIT(8) | BIT(11) | BIT(15) | BIT(18) | BIT(21) | \
			 BIT(24) | BIT(27))
#define L1_ECX_OSXSAVE	BIT(27)
#define L1_ECX_HV	BIT(31)
/* APIC only with a vLAPIC (added back below); no MCE/MCA MSRs (not
 * modelled; MTRRs are, without ranges), no DS, ACPI thermal, TM, PBE. */
#define L1_EDX_HIDE	(BIT(7) | BIT(9) | BIT(14) | BIT(21) | \
			 BIT(22) | BIT(29) | BIT(31))
#define L1_EDX_HTT	BIT(28)

/* Leaf 7: SGX, INVPCID (needs a VMX control we do not set), RDT, PT,
 * AVX-512 (its state is not switched); PKU, LA57, WAITPKG; speculation
 * control MSRs we do not model. TSC_ADJUST is modelled (src/core/msr.c). */
#define L7_EBX_HIDE	(BIT(2) | BIT(10) | BIT(12) | BIT(15) | \
			 BIT(16) | BIT(17) | BIT(21) | BIT(25) | BIT(26) | \
			 BIT(27) | BIT(28) | BIT(30) | BIT(31))
#define L7_ECX_HIDE	(BIT(1) | BIT(3) | BIT(4) | BIT(5) | BIT(6) | \
			 BIT(11) | BIT(12) | BIT(14) | BIT(16) | BIT(22))
#define L7_EDX_HIDE	(BIT(2) | BIT(3) | BIT(8) | BIT(23) | BIT(26) | \
			 BIT(27) | BIT(29) | BIT(31))

#define XSAVE_LEGACY_SIZE	576	/* legacy area + XSAVE header */

static uint32_t bits_for(uint32_t n)
{
	uint32_t b = 0;

	while ((1u << b) < n)
		b++;
	return b;
}

/* XSAVE area size for the components in @xcr0 (standard format). */
static uint32_t xsave_size(uint64_t xcr0)
{
	uint32_t size = XSAVE_LEGACY_SIZE;

	for (int i = 2; i < 32; i++) {
		struct cpuid_regs r;

		if (!(xcr0 & (1ULL << i)))
			continue;
		r = cpuid(0xd, i);
		if (r.ebx + r.eax > size)
			size = r.ebx + r.eax;
	}
	return size;
}

/*
 * The same in the compacted format (XSAVEC), which CPUID.(0xD,1):EBX
 * reports for XCR0 | IA32_XSS (no XSS here): components packed in order
 * after the 576-byte legacy area and header, each 64-byte aligned when
 * its ECX bit 1 says so.
 */
static uint32_t xsave_compacted_size(uint64_t xcr0)
{
	uint32_t size = 576;

	for (int i = 2; i < 32; i++) {
		struct cpuid_regs r;

		if (!(xcr0 & (1ULL << i)))
			continue;
		r = cpuid(0xd, i);
		if (r.ecx & BIT(1))
			size = (size + 63) & ~63u;
		size += r.eax;
	}
	return size;
}

static void leaf_1(struct vcpu *v, struct cpuid_regs *r)
{
	uint32_t n = v->vm->n_vcpus;

	r->ecx &= ~L1_ECX_HIDE;
	r->ecx |= L1_ECX_HV;
	/* OSXSAVE mirrors the guest's CR4, not ours. */
	if (vcpu_get_reg(v, VCPU_CR4) & X86_CR4_OSXSAVE)
		r->ecx |= L1_ECX_OSXSAVE;
	r->edx &= ~L1_EDX_HIDE;
	/* The vLAPIC does xAPIC, x2APIC and TSC-deadline. */
	if (v->lapic) {
		r->edx |= BIT(9);
		r->ecx |= BIT(21) | BIT(24);
	}
	r->edx = n > 1 ? r->edx | L1_EDX_HTT : r->edx & ~L1_EDX_HTT;
	r->ebx = (r->ebx & 0xffff) | (n << 16) | (v->id << 24);
}

static void leaf_topology(struct vcpu *v, uint32_t sub, struct cpuid_regs *r)
{
	uint32_t n = v->vm->n_vcpus;

	/* One thread per core, n cores in one package. */
	r->edx = v->id;
	switch (sub) {
	case 0:
		r->eax = 0;
		r->ebx = 1;
		r->ecx = (1u << 8) | sub;	/* SMT level */
		break;
	case 1:
		r->eax = bits_for(n);
		r->ebx = n;
		r->ecx = (2u << 8) | sub;	/* core level */
		break;
	default:
		r->eax = r->ebx = 0;
		r->ecx = sub;
		break;
	}
}

static void leaf_xsave(struct vcpu *v, uint32_t sub, struct cpuid_regs *r)
{
	uint64_t mask = fpu_guest_xcr0_mask();

	if (!fpu_has_xsave()) {
		r->eax = r->ebx = r->ecx = r->edx = 0;
		return;
	}
	switch (sub) {
	case 0:
		r->eax = mask;
		r->edx = mask >> 32;
		r->ebx = xsave_size(v->xcr0);
		r->ecx = xsave_size(mask);
		break;
	case 1:
		/*
		 * XSAVEOPT, XSAVEC, XGETBV1; not XSAVES (no IA32_XSS), and
		 * not XSAVEC where it writes over its own header (fpu.h).
		 */
		r->eax &= BIT(0) | (fpu_xsavec_ok() ? BIT(1) : 0) | BIT(2);
		/* Linux sizes its compacted buffers from this; 0 trips a WARN. */
		r->ebx = (r->eax & BIT(1)) ? xsave_compacted_size(v->xcr0) : 0;
		r->ecx = r->edx = 0;
		break;
	default:
		if (sub >= 64 || !(mask & (1ULL << sub)))
			r->eax = r->ebx = r->ecx = r->edx = 0;
		break;
	}
}

void vcpu_cpuid(struct vcpu *v, uint32_t leaf, uint32_t sub, uint32_t out[4])
{
	struct cpuid_regs r = cpuid(leaf, sub);

	switch (leaf) {
	case 0:
		if (r.eax < 0x16)
			r.eax = 0x16;
		break;
	case 1:
		leaf_1(v, &r);
		break;
	case 4:
		/* Cores per package - 1 in 31:26; one thread per cache. */
		r.eax = (r.eax & 0x3ff) | ((v->vm->n_vcpus - 1) << 26);
		break;
	case 5:	/* MONITOR/MWAIT */
	case 6:	/* thermal and power */
	case 0xa: /* performance monitoring */
	case 0x14: /* processor trace */
		r.eax = r.ebx = r.ecx = r.edx = 0;
		break;
	case 7:
		if (sub == 0) {
			r.ebx &= ~L7_EBX_HIDE;
			r.ecx &= ~L7_ECX_HIDE;
			r.edx &= ~L7_EDX_HIDE;
		} else {
			r.eax = r.ebx = r.ecx = r.edx = 0;
		}
		break;
	case 0xb:
	case 0x1f:
		leaf_topology(v, sub, &r);
		break;
	case 0xd:
		leaf_xsave(v, sub, &r);
		break;
	case 0x15:
		/* TSC = crystal * EBX / EAX, with a 1 kHz-exact crystal. */
		r.eax = 1;
		r.ebx = 1;
		r.ecx = tsc_khz * 1000;
		r.edx = 0;
		break;
	case 0x16:
		/* Base and max MHz, rounded: 49997 kHz is a 50 MHz part. */
		r.eax = r.ebx = (tsc_khz + 500) / 1000;
		r.ecx = 100;			/* bus MHz */
		r.edx = 0;
		break;
	case 0x40000000:
		/*
		 * The KVM signature: Linux then keeps x2APIC and TSC-deadline,
		 * Asterinas uses port 0xF4 to exit. Leaf 0x40000001 lists
		 * the paravirtual features the guest is offered (src/core/pv.h).
		 */
		r.eax = 0x40000001;
		r.ebx = 0x4b4d564b;	/* "KVMK" */
		r.ecx = 0x564b4d56;	/* "VMKV" */
		r.edx = 0x0000004d;	/* "M\0\0\0" */
		break;
	case 0x40000001:
		r.eax = (v->vm->cfg->pv & CFG_PV_STEAL ?
			 BIT(KVM_FEATURE_STEAL_TIME) : 0) |
			(v->vm->cfg->pv & CFG_PV_TLB ?
			 BIT(KVM_FEATURE_PV_TLB_FLUSH) : 0) |
			(v->vm->cfg->pv & CFG_PV_YIELD ?
			 BIT(KVM_FEATURE_PV_SCHED_YIELD) : 0) |
			(v->vm->cfg->pv & CFG_PV_KICK ?
			 BIT(KVM_FEATURE_PV_UNHALT) : 0) |
			(v->vm->cfg->pv & CFG_PV_IPI ?
			 BIT(KVM_FEATURE_PV_SEND_IPI) : 0);
		r.ebx = r.ecx = r.edx = 0;
		break;
	case 0x80000001:
		r.ecx &= ~BIT(2);	/* SVM */
		break;
	default:
		if (leaf > 0x16 && leaf < 0x80000000)
			r.eax = r.ebx = r.ecx = r.edx = 0;
		else if (leaf > 0x40000000 && leaf < 0x40000100)
			r.eax = r.ebx = r.ecx = r.edx = 0;
		break;
	}
	out[0] = r.eax;
	out[1] = r.ebx;
	out[2] = r.ecx;
	out[3] = r.edx;
}
