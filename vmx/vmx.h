/* SPDX-License-Identifier: GPL-2.0 */
#ifndef HV_VMX_VMX_H
#define HV_VMX_VMX_H

#include <stdbool.h>
#include <stdint.h>
#include "src/arch/percpu.h"
#include "src/lib/spinlock.h"

/* What this CPU's VMX can do, read once from the capability MSRs. */
struct vmx_caps {
	uint32_t revision;
	bool true_ctls;
	uint64_t pin, proc, proc2, exit, entry;	/* allowed 0/1 pairs */
	uint64_t misc, ept_vpid;
	uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	bool ept, ept_2m, ept_1g, ept_wb, vpid, unrestricted;
	bool preempt_timer, vid, posted_intr, apic_reg_virt;
	unsigned int preempt_shift;	/* timer ticks at TSC >> shift */
};

extern struct vmx_caps vmx_caps;

struct vcpu;

/* VMX state of one pCPU (vmx_cpus[cpu->id]). */
struct vmx_cpu {
	uint64_t vmxon_pa;
	struct vcpu *current;		/* vCPU whose VMCS is current here */
	/* Mailbox: VMCSs other CPUs want cleared here before they load them. */
	spinlock_t mbox_lock;
	unsigned int n_clear;
	struct vcpu *clear_req[MAX_CPUS];
};

extern struct vmx_cpu vmx_cpus[MAX_CPUS];

/* CPUID.1:ECX[5]. */
bool vmx_supported(void);
/* Read the capabilities of this CPU into @c. */
void vmx_probe(struct vmx_caps *c);
/* Fit @want into what an allowed-0/1 MSR value permits. */
uint32_t vmx_adjust(uint64_t msr_val, uint32_t want);

#endif
