/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the vendor-neutral core asks of the CPU's virtualization
 * extension. vmx/ implements every hook (an svm/ could implement the same
 * set); the core never includes a vendor header, the linker finds the
 * implementation. Hooks that take a vCPU run on the pCPU that owns it,
 * with its state loaded, unless they say otherwise.
 */
#ifndef HV_CORE_VENDOR_H
#define HV_CORE_VENDOR_H

#include <stdbool.h>
#include <stdint.h>

struct hyp_config;
struct vcpu;
struct vm;
struct exit_rec;

/* Guest state the vendor holds (in its VMCS) rather than struct vcpu. */
enum vcpu_reg {
	VCPU_RIP,
	VCPU_RSP,
	VCPU_RFLAGS,
	VCPU_CR0,		/* as the CPU runs it (VMX may force bits on) */
	VCPU_CR3,
	VCPU_CR4,
	VCPU_EFER,		/* writes keep IA-32e mode in step */
	VCPU_ES_BASE,		/* the six segment bases, in insn_seg order */
	VCPU_CS_BASE,
	VCPU_SS_BASE,
	VCPU_DS_BASE,
	VCPU_FS_BASE,
	VCPU_GS_BASE,
	VCPU_PDPTE0,		/* PAE paging: PDPTE0..3 follow */
	VCPU_PDPTE3 = VCPU_PDPTE0 + 3,
	VCPU_CS_LONG,		/* CS.L: 64-bit code */
	VCPU_CS_DB,		/* CS.D/B: 32-bit default operand size */
	VCPU_CPL,
	VCPU_TSC_OFFSET,	/* guest TSC = host TSC + offset */
	VCPU_NR_REGS
};

/* At boot: can this CPU run guests at all? 0, or -ENODEV (said why). */
int vendor_probe(void);
/* Once per pCPU at boot: enter root operation. 0 or -errno. */
int vendor_cpu_init(void);
/*
 * On the boot CPU, every pCPU up: choose interrupt delivery as @hyp asks
 * (and probe the CPU where it must). 0, or -ENOTSUP (said why).
 */
int vendor_setup(const struct hyp_config *hyp);
/* Other pCPUs, while they wait for guests: help the boot CPU's probes. */
void vendor_cpu_wait(void);
/* How slices end: "VMX-preemption-timer" or the like, for the log. */
const char *vendor_preemption(void);
/* This pCPU, between entries: what other pCPUs asked of it. */
void vendor_cpu_serve(void);
/* Once per VM, before its vCPUs are created. 0 or -ENOMEM. */
int vendor_vm_init(struct vm *vm);
/* Allocate @v's vendor state (v->vendor). 0 or -ENOMEM. Any pCPU. */
int vendor_vcpu_create(struct vcpu *v);
/*
 * Before a restart rebuilds @v: make sure no pCPU has its hardware state
 * (VMCS) active any more, asking the pCPU that has it. @v runs nowhere.
 */
void vendor_vcpu_release(struct vcpu *v);
/*
 * The run step, in two halves. vendor_vcpu_load: make @v current on this
 * pCPU and hand it its pending interrupts. vendor_vcpu_run: enter it
 * until it exits or the host TSC reaches @deadline (@now: the TSC the
 * caller read), and describe the exit in v->exit. Either returns -EIO
 * when @v could not be loaded or entered; the guest is then stopped.
 */
int vendor_vcpu_load(struct vcpu *v);
int vendor_vcpu_run(struct vcpu *v, uint64_t now, uint64_t deadline);
/* An exit of kind VM_EXIT_VENDOR: one only the vendor understands. */
void vendor_handle_exit(struct vcpu *v);
/*
 * With @v loaded here after an exit: nothing is staged for delivery or
 * waits for a window, no event is being injected, and the CPU tracks the
 * guest's APIC state itself. If the model has not changed since the last
 * entry (vcpu_intr_quiet()), that entry's interrupt setup still holds.
 */
bool vendor_intr_quiet(struct vcpu *v);
/* vendor_intr_quiet(), and no vector in service either. */
bool vendor_intr_idle(struct vcpu *v);

uint64_t vcpu_get_reg(struct vcpu *v, enum vcpu_reg r);
void vcpu_set_reg(struct vcpu *v, enum vcpu_reg r, uint64_t val);
/* An STI / MOV-SS shadow ends with the instruction we completed. */
void vendor_end_shadow(struct vcpu *v);
/* Drop this pCPU's cached guest-linear translations of @v (PV TLB flush). */
void vendor_flush_guest_tlb(struct vcpu *v);
/* Exception @vector at the next entry; the instruction is not skipped. */
void vendor_inject_exception(struct vcpu *v, uint8_t vector, bool has_error,
			     uint32_t error);
/* The vector that makes a running vCPU look at new interrupts. Any pCPU. */
uint8_t vendor_notify_vector(void);
/* The vendor's name for its exit code @reason (messages, counters). */
const char *vendor_exit_name(uint32_t reason);
/* Right after an exit: RSP, RFLAGS and the interrupt state for @r. */
void vendor_trace_exit(struct vcpu *v, struct exit_rec *r);
/* The vendor's lines of a vCPU dump; @live: @v is loaded here. */
void vendor_dump(struct vcpu *v, bool live);

#endif
