/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A vCPU as the core sees it: registers, how it starts, its exit, its
 * scheduling entity and interrupt state. What the CPU vendor keeps (the
 * VMCS and its bookkeeping) hangs off v->vendor, which only vmx/ reads.
 */
#ifndef HV_CORE_VCPU_H
#define HV_CORE_VCPU_H

#include <stdbool.h>
#include <stdint.h>
#include "sched/sched.h"
#include "sched/timer.h"
#include "src/core/dump.h"
#include "src/core/exit.h"
#include "src/core/guard.h"
#include "src/core/pv.h"
#include "src/core/vcpu_life.h"

struct vm;
struct vcpu_vendor;
struct vlapic;

/* Guest registers the vendor does not hold; vmx/entry.S knows the layout. */
struct guest_regs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t cr2;
};

/* How a vCPU starts. */
enum vcpu_mode {
	VCPU_MODE_PM32,		/* Multiboot2, PVH: paging off, flat segments */
	VCPU_MODE_REAL,		/* after SIPI: real mode at cs:rip */
	VCPU_MODE_LONG64,	/* Linux 64-bit boot: paging on cr3, CS 0x10 */
};

struct vcpu_boot {
	enum vcpu_mode mode;
	uint64_t rip, rsp;
	uint64_t rax, rbx, rsi;
	uint16_t cs;		/* real mode */
	uint64_t cr3;		/* long mode: the guest's page tables */
	uint64_t gdt;		/* long mode: a GDT with 0x10 code, 0x18 data */
};

/* Exit counters by the vendor's exit code, for the summary. */
#define VCPU_EXIT_CODES	80

struct vcpu {
	struct guest_regs regs;		/* first: the entry code uses offset 0 */
	struct vm *vm;
	struct vcpu_vendor *vendor;	/* vmx/: the VMCS and its state */
	uint32_t id;			/* index within its VM */
	uint16_t vpid;			/* TLB tag, 0: none */
	int life;			/* enum vcpu_life, src/core/vcpu_life.h */
	struct vcpu_boot boot;
	struct vm_exit exit;
	uint64_t nr_exits;
	uint64_t nr_vmcall_user;	/* VMCALLs refused: not from CPL 0 */
	uint64_t nr_mmio_retry;		/* MMIO bytes at RIP not what faulted */
	uint64_t nr_reinjected;		/* events re-delivered after an exit */
	uint64_t fast_reentries;	/* exits resumed without a loop pass */
	uint32_t exits_by_reason[VCPU_EXIT_CODES];
	/* TSC ticks from an exit to the entry that resumes the same vCPU. */
	uint64_t exit_cost[VCPU_EXIT_CODES];
	uint32_t exit_cost_n[VCPU_EXIT_CODES];
	/* Register state the CPU does not switch, kept while the vCPU is off. */
	void *fpu;			/* 4 KiB XSAVE/FXSAVE area */
	uint64_t xcr0;
	uint32_t last_bad_msr;		/* log each unknown MSR once */
	uint64_t mtrr_def_type;		/* IA32_MTRR_DEF_TYPE as the guest set it */
	/* Guest TSC = host TSC + tsc_offset; IA32_TSC_ADJUST moves it. */
	int64_t tsc_offset;
	int64_t tsc_adjust;
	struct sched_entity se;
	struct guard_watch guard;	/* ends its interrupt guards early */
	struct pv_steal steal;		/* KVM steal time, when the guest asked */
	uint64_t pv_flushes;		/* PV TLB flushes done at entry */
	uint64_t pv_yields;		/* KVM_HC_SCHED_YIELD calls */
	uint32_t pv_kick;		/* KVM_HC_KICK_CPU: the next HLT returns */
	uint64_t pv_kicks;		/* kicks this vCPU sent */
	uint64_t pv_ipis;		/* KVM_HC_SEND_IPI calls */
	struct sw_timer sleep_timer;	/* HC_SLEEP_UNTIL */
	/* Interrupts (src/core/vmirq.c; delivery is the vendor's). */
	struct vlapic *lapic;
	struct sw_timer lapic_timer;
	bool lapic_timer_due;		/* set on any pCPU, served by the owner */
	bool init_pending;
	char name[40];			/* "guest/N" */
	/* Diagnostics (src/core/dump.c). */
	struct exit_rec ring[EXIT_RING];
	uint32_t ring_pos;
	bool dump_req;			/* set on any pCPU, served by the owner */
	const char *dump_why;
	int pending_vec;		/* highest IRR vector, and since when */
	uint64_t pending_since;
	bool pending_dumped;
};

/* The guest's TSC now, and a guest-TSC deadline on the host's TSC. */
static inline uint64_t vcpu_guest_tsc(const struct vcpu *v, uint64_t host)
{
	return host + (uint64_t)v->tsc_offset;
}

static inline uint64_t vcpu_host_tsc(const struct vcpu *v, uint64_t guest)
{
	return guest - (uint64_t)v->tsc_offset;
}

static inline struct vcpu *se_to_vcpu(struct sched_entity *se)
{
	return se->owner;
}

/* Set @v up and allocate its vendor state; any CPU may call it. */
int vcpu_create(struct vcpu *v, struct vm *vm, uint32_t id);
/*
 * Hand a created vCPU to the scheduler with its start-up state. -EBUSY
 * when it was started already (or another starter won the race), or no
 * run queue would take it.
 */
int vcpu_start(struct vcpu *v, const struct vcpu_boot *boot, uint64_t now);
/* A move of @v's life (src/core/vcpu_life.h); an illegal edge panics. */
bool vcpu_life_to(struct vcpu *v, enum vcpu_life from, enum vcpu_life to);
/* End the HLT @v is in, with interrupts on or off (from any pCPU). */
void vcpu_unhalt(struct vcpu *v, uint64_t now);
/*
 * KVM_HC_KICK_CPU for @v (from any pCPU): the HLT it is in ends, and if it
 * is not halted yet, its next HLT returns at once (src/core/pv.h).
 */
void vcpu_kick(struct vcpu *v, uint64_t now);
static inline bool vcpu_started(const struct vcpu *v)
{
	return vcpu_life_started(&v->life);
}
static inline bool vcpu_parked(const struct vcpu *v)
{
	return vcpu_life_get(&v->life) == VCPU_LIFE_PARKED;
}
/*
 * The exiting instruction is done: RIP past it, and an STI or MOV-SS
 * shadow (which covers only that instruction) is over.
 */
void vcpu_skip_instruction(struct vcpu *v);

/* Path-length counters (TSC cycles) for the benchmark. */
struct path_stat {
	uint64_t sum, min, n;
};
extern struct path_stat path_preempt, path_wake;

/*
 * This pCPU's scheduling loop: pick a vCPU, enter it, handle its exit,
 * repeat; idle with the LAPIC timer armed when nothing is runnable.
 * Returns (on any CPU) once no guest is running any more.
 */
void vcpu_loop(void);

#endif
