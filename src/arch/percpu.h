/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-CPU data. GS base points at the CPU's own struct percpu; so does FS
 * base, because Debian's libinih/libfdt are built with the stack protector,
 * which reads its canary at %fs:0x28.
 */
#ifndef HV_PERCPU_H
#define HV_PERCPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "src/lib/spinlock.h"

#define MAX_CPUS	16
#define HV_STACK_SIZE	(16 * 1024)

struct vcpu;
struct vm;

struct percpu {
	struct percpu *self;		/* 0x00: read through %gs:0 */
	uint32_t id;			/* 0x08: logical CPU number */
	uint32_t apic_id;		/* 0x0c */
	uint64_t reserved[3];
	uint64_t stack_canary;		/* 0x28: %fs:0x28 */

	uint64_t stack_top;
	uint64_t tsc_khz;
	bool online;
	bool virt_on;			/* the vendor can run guests here */

	/* Arch state, owned by src/arch/. */
	uint64_t gdt[8];
	uint8_t tss[104] __attribute__((aligned(16)));
	uint8_t ist_stack[4096] __attribute__((aligned(16)));

	/* The core's (src/core/run.c). */
	struct vcpu *vcpu;		/* the vCPU whose exit is handled here */
	const struct vm *last_vm;	/* whose vCPU ran here last (spec.h) */
	uint64_t idle_wake_tsc;		/* when the idle HLT last ended */
	uint64_t preempt_exit_tsc;	/* when the last slice-end exit came */
	void *exited;			/* the vCPU whose exit is being served */
	/*
	 * Passes of the run loop: once it moved, whatever this pCPU was
	 * doing with a guest when it was read is over (guests/restart.c).
	 */
	uint64_t loops;
};

_Static_assert(offsetof(struct percpu, stack_canary) == 0x28,
	       "the stack protector reads %fs:0x28");

extern struct percpu cpus[MAX_CPUS];
extern uint32_t nr_cpus;

static inline struct percpu *this_cpu(void)
{
	struct percpu *p;

	asm volatile("movq %%gs:0, %0" : "=r"(p));
	return p;
}

void percpu_init(uint32_t id, uint32_t apic_id);

#endif
