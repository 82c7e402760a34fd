/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A vCPU's VMX half (struct vcpu_vendor, reached through v->vendor): its
 * VMCS and where it is active, the interrupt-delivery controls as last
 * written, the exit information the core does not need, and the MSRs VMX
 * does not switch.
 */
#ifndef HV_VMX_VCPU_H
#define HV_VMX_VCPU_H

#include <stdbool.h>
#include <stdint.h>
#include "src/core/vcpu.h"
#include "vmx/msr.h"

#define VMCS_NOWHERE	(-1)

struct vcpu_vendor {
	uint64_t vmcs_pa;
	int vmcs_cpu;			/* pCPU where the VMCS is active */
	bool launched;			/* VMRESUME, not VMLAUNCH */
	bool configured;		/* controls and guest state written */
	bool intr_x2;			/* vid: controls set for x2APIC mode */
	bool intr_tpr_watch;		/* vid: x2APIC TPR writes exit */
	bool intr_poll;			/* vid: exit soon to look at TPR */
	bool nmi_window;		/* NMI-window exiting is on */
	uint64_t eoi_bm[4];		/* vid: the EOI-exit bitmap as written */
	uint32_t pi_ndst;		/* posted: NDST as written */
	uint32_t idt_info;		/* IDT-vectoring information */
	uint32_t intr_info;		/* exit interruption information */
	struct msr_state msrs;
	/*
	 * DR0-DR3 and DR6, which VM entry and exit leave alone (DR7 is in
	 * the VMCS): the guest writes them without an exit, so they follow
	 * the vCPU, or one guest's breakpoints would reach another.
	 */
	uint64_t dr[5];
};

/* A VM's VMX half (vm->vendor, vmx/vm.c). */
struct vm_vendor {
	uint64_t msr_bitmap;		/* shared by every VM */
	uint64_t msr_bitmap_x2vid;	/* the same with x2APIC virtualization */
	uint64_t msr_bitmap_x2vid_tpr;	/* ... and TPR writes exiting */
	uint64_t apic_access_page;	/* vid: what the xAPIC page maps to */
};

static inline struct vcpu_vendor *vmx(struct vcpu *v)
{
	return v->vendor;
}

struct percpu;
/* Write @v's controls and start-up guest state (its first run). */
void vmx_vcpu_configure(struct vcpu *v);
/* Write this pCPU's host state into the current VMCS. */
void vmx_vcpu_host(void);
/*
 * Make @v's VMCS the current one on @cpu (this pCPU): pull it from the
 * pCPU where it is active, set it up on its first run, write the host
 * state on its first run here. 0, or -EIO when VMPTRLD failed.
 */
int vmx_vcpu_load(struct percpu *cpu, struct vcpu *v);
/* VMCLEAR @v's VMCS on @cpu and forget where it was (probes only). */
void vmx_vcpu_put(struct percpu *cpu, struct vcpu *v);

/*
 * Drop this pCPU's TLB entries tagged with @v's VPID (INVVPID single
 * context): after a paging-mode change, and when @v arrives on a pCPU
 * that may still hold translations from an earlier stay.
 */
void vcpu_flush_tlb(struct vcpu *v);

/*
 * Outside the scheduler, on this pCPU: set up @v's VMCS afresh as for a
 * first run, let @prepare write what it needs, enter once; v->exit gets
 * the exit reason and RIP, vmx(v)->intr_info the interruption
 * information, and a host interrupt taken on the exit is served. The
 * VMCS is cleared again. 0, or -EIO when loading or entering failed. For
 * boot-time probes (vmx/probe.c).
 */
int vcpu_enter_once(struct vcpu *v, void (*prepare)(struct vcpu *v));

#endif
