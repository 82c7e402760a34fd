/* SPDX-License-Identifier: GPL-2.0 */
#ifndef HV_VMX_MSR_H
#define HV_VMX_MSR_H

#include <stdbool.h>
#include <stdint.h>

/*
 * MSRs the guest uses directly (SYSCALL targets, KERNEL_GS_BASE for
 * SWAPGS, TSC_AUX for RDTSCP) and that VMX does not switch: they are
 * context-switched with the vCPU instead.
 */
#define NR_SWITCHED_MSRS	6

struct msr_state {
	uint64_t val[NR_SWITCHED_MSRS];
};

/* Build the shared MSR bitmap: which accesses exit. Returns its address. */
uint64_t msr_bitmap_init(void);
/* A copy of @base that lets x2APIC accesses reach virtualization. */
/* @tpr, @self_ipi: those x2APIC writes are virtualized, not exits. */
uint64_t msr_bitmap_x2apic_vid(uint64_t base, bool tpr, bool self_ipi);
void msr_state_save(struct msr_state *s);
void msr_state_load(const struct msr_state *s);

#endif
