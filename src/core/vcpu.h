/* SPDX-License-Identifier: GPL-2.0 */
#ifndef HV_VMX_VCPU_H
#define HV_VMX_VCPU_H

#include <stdbool.h>
#include <stdint.h>
#include "sched/sched.h"
#include "dev/vlapic.h"
#include "sched/timer.h"
#include "src/core/vcpu_life.h"
#include "src/core/dump.h"
#include "vmx/msr.h"

struct vm;

/* Guest registers the VMCS does not hold; the layout matches entry.S. */
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

struct vcpu_exit {
	uint32_t reason;
	uint64_t qual;
	uint64_t rip;
	uint32_t len;
	uint64_t tsc;		/* when the exit reached us */
	uint32_t idt_info;	/* IDT-vectoring information */
	uint32_t intr_info;	/* exit interruption information */
};

#define VMCS_NOWHERE	(-1)

struct vcpu {
	struct guest_regs regs;		/* first: entry.S uses offset 0 */
	struct vm *vm;
	uint32_t id;			/* index within its VM */
	uint16_t vpid;
	uint64_t vmcs_pa;
	int vmcs_cpu;			/* pCPU where the VMCS is active */
	bool launched;			/* VMRESUME, not VMLAUNCH */
	bool configured;		/* controls and guest state written */
	int life;			/* enum vcpu_life, src/core/vcpu_life.h */
	struct vcpu_boot boot;
	struct vcpu_exit exit;
	uint64_t nr_exits;
	uint64_t nr_reinjected;		/* events re-delivered after an exit */
	uint32_t exits_by_reason[72];	/* basic exit reasons, for the summary */
	/* Register state VMX does not switch, kept while the vCPU is off. */
	void *fpu;			/* 4 KiB XSAVE/FXSAVE area */
	uint64_t xcr0;
	struct msr_state msrs;
	uint32_t last_bad_msr;		/* log each unknown MSR once */
	uint64_t mtrr_def_type;		/* IA32_MTRR_DEF_TYPE as the guest set it */
	/* Guest TSC = host TSC + tsc_offset; IA32_TSC_ADJUST moves it. */
	int64_t tsc_offset;
	int64_t tsc_adjust;
	struct sched_entity se;
	struct sw_timer sleep_timer;	/* HC_SLEEP_UNTIL */
	/* Interrupts (src/core/vmirq.c, vmx/intr.c). */
	struct vlapic *lapic;
	struct sw_timer lapic_timer;
	bool lapic_timer_due;		/* set on any pCPU, served by the owner */
	bool init_pending;
	bool intr_x2;			/* vid: controls set for x2APIC mode */
	bool intr_tpr_watch;		/* vid: x2APIC TPR writes exit */
	bool intr_poll;			/* vid: exit soon to look at TPR */
	bool nmi_window;		/* NMI-window exiting is on */
	uint64_t eoi_bm[4];		/* vid: the EOI-exit bitmap as written */
	uint32_t pi_ndst;		/* posted: NDST as written */
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

/* Allocate the VMCS; any CPU may call it. */
int vcpu_create(struct vcpu *v, struct vm *vm, uint32_t id);
/*
 * Hand a created vCPU to the scheduler with its start-up state. -EBUSY
 * when it was started already (or another starter won the race), or no
 * run queue would take it.
 */
int vcpu_start(struct vcpu *v, const struct vcpu_boot *boot, uint64_t now);
/* A move of @v's life (src/core/vcpu_life.h); an illegal edge panics. */
bool vcpu_life_to(struct vcpu *v, enum vcpu_life from, enum vcpu_life to);
static inline bool vcpu_started(const struct vcpu *v)
{
	return vcpu_life_started(&v->life);
}
static inline bool vcpu_parked(const struct vcpu *v)
{
	return vcpu_life_get(&v->life) == VCPU_LIFE_PARKED;
}
void vcpu_skip_instruction(struct vcpu *v);
/*
 * An STI or MOV-SS shadow covers only the next instruction: once we have
 * completed that instruction for the guest (HLT after STI, an emulated
 * MMIO access), it is over.
 */
void vcpu_end_shadow(void);
/*
 * Drop this pCPU's TLB entries tagged with @v's VPID (INVVPID single
 * context): after a paging-mode change, and when @v arrives on a pCPU
 * that may still hold translations from an earlier stay.
 */
void vcpu_flush_tlb(struct vcpu *v);

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

/*
 * Outside the scheduler, on this pCPU: set up @v's VMCS afresh as for a
 * first run, let @prepare write what it needs, enter once; v->exit gets
 * the exit reason, RIP and interruption information, and a host interrupt
 * taken on the exit is served. The VMCS is cleared again. 0, or -EIO
 * when loading or entering failed. For boot-time probes (vmx/probe.c).
 */
int vcpu_enter_once(struct vcpu *v, void (*prepare)(struct vcpu *v));

#endif
