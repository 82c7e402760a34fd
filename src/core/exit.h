/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A VM exit as the core sees it: what the guest did, not how the vendor
 * encoded it. The vendor's run step (vendor_vcpu_run) fills one per exit;
 * vcpu_handle_exit() (src/core/run.c) dispatches on its kind.
 */
#ifndef HV_CORE_EXIT_H
#define HV_CORE_EXIT_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;

enum vm_exit_kind {
	VM_EXIT_UNHANDLED,	/* an exit hvisor does not model (0: by default) */
	VM_EXIT_VENDOR,		/* the vendor's own business: vendor_handle_exit */
	VM_EXIT_PREEMPT,	/* the slice or a timer ran out */
	VM_EXIT_HLT,
	VM_EXIT_PAUSE,		/* a PAUSE loop */
	VM_EXIT_IRQ_WINDOW,	/* the guest can take an interrupt again */
	VM_EXIT_CPUID,
	VM_EXIT_VMCALL,
	VM_EXIT_IO,
	VM_EXIT_RDMSR,
	VM_EXIT_WRMSR,
	VM_EXIT_XSETBV,
	VM_EXIT_NOP,		/* MONITOR, WBINVD, INVD: done by going on */
	VM_EXIT_MWAIT,		/* MWAIT: a guest's idle loop, a yield */
	VM_EXIT_NO_PMU,		/* RDPMC: no performance counters, #GP */
	VM_EXIT_UD,		/* VMX or SMX instructions: not there, #UD */
	VM_EXIT_MMIO,		/* guest-physical access nothing maps */
	VM_EXIT_TRIPLE_FAULT,
	VM_EXIT_ENTRY_FAIL,	/* the CPU refused the guest state */
	VM_EXIT_KINDS
};

/* MMIO access kinds, for messages. */
enum vm_exit_access {
	VM_ACCESS_READ,
	VM_ACCESS_WRITE,
	VM_ACCESS_FETCH,
};

struct vm_exit {
	enum vm_exit_kind kind;
	uint32_t reason;	/* the vendor's code (vendor_exit_name) */
	uint64_t qual;		/* the vendor's detail, for messages */
	uint64_t rip;		/* of the instruction that exited */
	uint32_t len;		/* its length */
	uint64_t tsc;		/* host TSC when the exit reached us */
	union {
		struct {
			uint16_t port;
			uint8_t size;	/* 1, 2 or 4 */
			bool in;
			bool string;	/* INS/OUTS or REP */
		} io;
		struct {
			uint64_t gpa;
			uint64_t gla;		/* the guest-linear address... */
			bool gla_valid;		/* ...when the CPU gave it */
			enum vm_exit_access access;
			bool in_delivery;	/* while delivering an event */
			uint8_t vector;		/* that event's vector */
		} mmio;
	};
};

/* Dispatch v->exit; a guest that cannot go on is stopped, only it. */
void vcpu_handle_exit(struct vcpu *v);
/* CPUID as a guest sees it. */
void vcpu_cpuid(struct vcpu *v, uint32_t leaf, uint32_t sub, uint32_t out[4]);

#endif
