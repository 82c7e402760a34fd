// SPDX-License-Identifier: GPL-2.0
/*
 * The CPUID a guest sees: the host's, minus VMX, plus the hypervisor bit.
 * Leaf 0x15 reports the calibrated TSC rate, because Bochs' own leaves
 * describe a 3.5 GHz part while its TSC runs at the emulated ips.
 */
#include "src/arch/tsc.h"
#include "src/arch/x86.h"
#include "vmx/exit.h"
#include "vmx/vcpu.h"

#define CPUID1_ECX_VMX		(1u << 5)
#define CPUID1_ECX_HYPERVISOR	(1u << 31)

void vcpu_cpuid(struct vcpu *v, uint32_t leaf, uint32_t sub, uint32_t out[4])
{
	struct cpuid_regs r = cpuid(leaf, sub);

	switch (leaf) {
	case 0:
		if (r.eax < 0x15)
			r.eax = 0x15;
		break;
	case 1:
		r.ecx &= ~CPUID1_ECX_VMX;
		r.ecx |= CPUID1_ECX_HYPERVISOR;
		/* Initial APIC ID: the vCPU's index. */
		r.ebx = (r.ebx & 0x00ffffff) | (v->id << 24);
		break;
	case 0x15:
		/* TSC = crystal * EBX / EAX, with a 1 kHz-exact crystal. */
		r.eax = 1;
		r.ebx = 1;
		r.ecx = tsc_khz * 1000;
		r.edx = 0;
		break;
	case 0x40000000:
		r.eax = 0x40000000;
		r.ebx = 0x73697668;	/* "hvisorhvisor" */
		r.ecx = 0x7668726f;
		r.edx = 0x726f7369;
		break;
	default:
		if (leaf > 0x40000000 && leaf < 0x40000100)
			r.eax = r.ebx = r.ecx = r.edx = 0;
		break;
	}
	out[0] = r.eax;
	out[1] = r.ebx;
	out[2] = r.ecx;
	out[3] = r.edx;
}
