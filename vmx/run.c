// SPDX-License-Identifier: GPL-2.0
/*
 * The VMX run step: arm the preemption timer, enter, read the exit and
 * turn it into struct vm_exit (src/core/exit.h); and the exits that are
 * VMX's own business: host interrupts, interrupt and NMI windows, control
 * registers and APIC virtualization.
 */
#include <errno.h>
#include "src/arch/cpu.h"
#include "src/arch/fpu.h"
#include "src/arch/lapic.h"
#include "src/arch/percpu.h"
#include "src/arch/tsc.h"
#include "src/core/vendor.h"
#include "src/core/vm.h"
#include "vmx/cr.h"
#include "vmx/exit.h"
#include "vmx/intr.h"
#include "vmx/msr.h"
#include "vmx/vcpu.h"
#include "vmx/vmcs.h"
#include "vmx/vmx.h"

static const char *const reason_names[EXIT_REASON_MAX] = {
	[EXIT_EXCEPTION_NMI] = "exception or NMI",
	[EXIT_EXTERNAL_INTR] = "external interrupt",
	[EXIT_TRIPLE_FAULT] = "triple fault",
	[EXIT_INIT] = "INIT signal",
	[EXIT_SIPI] = "SIPI",
	[EXIT_INTR_WINDOW] = "interrupt window",
	[EXIT_CPUID] = "CPUID",
	[EXIT_GETSEC] = "GETSEC",
	[EXIT_HLT] = "HLT",
	[EXIT_INVD] = "INVD",
	[EXIT_INVLPG] = "INVLPG",
	[EXIT_RDPMC] = "RDPMC",
	[EXIT_RDTSC] = "RDTSC",
	[EXIT_VMCALL] = "VMCALL",
	[EXIT_VMCLEAR ... EXIT_VMXON] = "VMX instruction",
	[EXIT_CR_ACCESS] = "control-register access",
	[EXIT_IO] = "I/O instruction",
	[EXIT_RDMSR] = "RDMSR",
	[EXIT_WRMSR] = "WRMSR",
	[EXIT_INVALID_STATE] = "VM entry: invalid guest state",
	[EXIT_MSR_LOADING] = "VM entry: MSR loading",
	[EXIT_MWAIT] = "MWAIT",
	[EXIT_MONITOR] = "MONITOR",
	[EXIT_PAUSE] = "PAUSE",
	[EXIT_MACHINE_CHECK] = "VM entry: machine check",
	[EXIT_APIC_ACCESS] = "APIC access",
	[EXIT_EOI_INDUCED] = "EOI induced",
	[EXIT_APIC_WRITE] = "APIC write",
	[EXIT_EPT_VIOLATION] = "EPT violation",
	[EXIT_EPT_MISCONFIG] = "EPT misconfiguration",
	[EXIT_INVEPT] = "INVEPT",
	[EXIT_PREEMPT_TIMER] = "preemption timer",
	[EXIT_INVVPID] = "INVVPID",
	[EXIT_VMFUNC] = "VMFUNC",
	[EXIT_WBINVD] = "WBINVD",
	[EXIT_XSETBV] = "XSETBV",
};

const char *vendor_exit_name(uint32_t reason)
{
	reason &= 0xffff;
	if (reason < EXIT_REASON_MAX && reason_names[reason])
		return reason_names[reason];
	return "unknown";
}

int vmx_enter(struct guest_regs *regs, int launched);	/* entry.S */

/* Basic exit reason -> what the core is told. */
static const enum vm_exit_kind kinds[EXIT_REASON_MAX] = {
	[EXIT_EXTERNAL_INTR] = VM_EXIT_VENDOR,
	[EXIT_INTR_WINDOW] = VM_EXIT_IRQ_WINDOW,
	[EXIT_CR_ACCESS] = VM_EXIT_VENDOR,
	[EXIT_APIC_ACCESS] = VM_EXIT_VENDOR,
	[EXIT_APIC_WRITE] = VM_EXIT_VENDOR,
	[EXIT_EOI_INDUCED] = VM_EXIT_VENDOR,
	[EXIT_TRIPLE_FAULT] = VM_EXIT_TRIPLE_FAULT,
	[EXIT_CPUID] = VM_EXIT_CPUID,
	[EXIT_HLT] = VM_EXIT_HLT,
	[EXIT_VMCALL] = VM_EXIT_VMCALL,
	[EXIT_IO] = VM_EXIT_IO,
	[EXIT_RDMSR] = VM_EXIT_RDMSR,
	[EXIT_WRMSR] = VM_EXIT_WRMSR,
	[EXIT_PAUSE] = VM_EXIT_PAUSE,
	[EXIT_EPT_VIOLATION] = VM_EXIT_MMIO,
	[EXIT_PREEMPT_TIMER] = VM_EXIT_PREEMPT,
	[EXIT_XSETBV] = VM_EXIT_XSETBV,
	/* Exits we ask for so that no guest holds a pCPU or reads the host's state. */
	[EXIT_MONITOR] = VM_EXIT_NOP,
	[EXIT_WBINVD] = VM_EXIT_NOP,
	[EXIT_INVD] = VM_EXIT_NOP,	/* always exits */
	[EXIT_MWAIT] = VM_EXIT_MWAIT,
	[EXIT_RDPMC] = VM_EXIT_NO_PMU,
	/* Always exit; VMX and SMX are not shown to guests: #UD. */
	[EXIT_GETSEC] = VM_EXIT_UD,
	[EXIT_VMCLEAR ... EXIT_VMXON] = VM_EXIT_UD,
	[EXIT_INVEPT] = VM_EXIT_UD,
	[EXIT_INVVPID] = VM_EXIT_UD,
	[EXIT_VMFUNC] = VM_EXIT_UD,
};

static void exit_decode(struct vcpu *v)
{
	struct vm_exit *e = &v->exit;
	uint32_t raw = e->reason;
	uint64_t q = e->qual;

	e->reason = raw & 0xffff;
	if (raw & EXIT_REASON_ENTRY_FAIL) {
		e->kind = VM_EXIT_ENTRY_FAIL;
		return;
	}
	e->kind = e->reason < EXIT_REASON_MAX ? kinds[e->reason] :
		  VM_EXIT_UNHANDLED;
	switch (e->reason) {
	case EXIT_IO:		/* SDM Table 28-5 */
		e->io.size = (q & 7) + 1;
		e->io.in = q & (1u << 3);
		e->io.string = q & (3u << 4);	/* string or REP */
		e->io.port = q >> 16;
		break;
	case EXIT_EPT_VIOLATION: {	/* SDM Table 28-7 */
		uint32_t idt = vmx(v)->idt_info;

		e->mmio.gpa = vmcs_read(GUEST_PHYS_ADDR);
		e->mmio.gla_valid = q & (1u << 7);
		e->mmio.gla = e->mmio.gla_valid ? vmcs_read(GUEST_LINEAR_ADDR) : 0;
		e->mmio.access = q & 4 ? VM_ACCESS_FETCH :
				 q & 2 ? VM_ACCESS_WRITE : VM_ACCESS_READ;
		e->mmio.in_delivery = idt & INTR_INFO_VALID;
		e->mmio.vector = idt & 0xff;
		break;
	}
	default:
		break;
	}
}

static void handle_external_intr(struct vcpu *v)
{
	/* "Acknowledge interrupt on exit" left the vector for us. */
	uint32_t info = vmcs_read(EXIT_INTR_INFO);
	struct trap_frame f = { .vector = info & 0xff };

	if (info & INTR_INFO_VALID)
		trap_dispatch(&f);
}

void vendor_handle_exit(struct vcpu *v)
{
	switch (v->exit.reason) {
	case EXIT_EXTERNAL_INTR:
		handle_external_intr(v);
		break;
	case EXIT_CR_ACCESS:
		vmx_handle_cr_access(v);
		break;
	case EXIT_APIC_ACCESS:
		vmx_handle_apic_access(v);
		break;
	case EXIT_APIC_WRITE:
		vmx_handle_apic_write(v);
		break;
	case EXIT_EOI_INDUCED:
		vmx_handle_eoi_induced(v);
		break;
	}
}

/*
 * The pCPU's registers hold the state of vmx_cpus[]'s current. Save it before
 * another vCPU's takes its place, or before that vCPU leaves this pCPU.
 */
static void dr_save(uint64_t *dr)
{
	asm volatile("mov %%db0, %0" : "=r"(dr[0]));
	asm volatile("mov %%db1, %0" : "=r"(dr[1]));
	asm volatile("mov %%db2, %0" : "=r"(dr[2]));
	asm volatile("mov %%db3, %0" : "=r"(dr[3]));
	asm volatile("mov %%db6, %0" : "=r"(dr[4]));
}

static void dr_load(const uint64_t *dr)
{
	asm volatile("mov %0, %%db0" : : "r"(dr[0]));
	asm volatile("mov %0, %%db1" : : "r"(dr[1]));
	asm volatile("mov %0, %%db2" : : "r"(dr[2]));
	asm volatile("mov %0, %%db3" : : "r"(dr[3]));
	asm volatile("mov %0, %%db6" : : "r"(dr[4]));
}

static void state_save(struct vcpu *v)
{
	fpu_save(v->fpu);
	msr_state_save(&vmx(v)->msrs);
	dr_save(vmx(v)->dr);
}

static void state_load(struct vcpu *v)
{
	fpu_restore(v->fpu, v->xcr0);
	msr_state_load(&vmx(v)->msrs);
	dr_load(vmx(v)->dr);
}

static int vmptrld(uint64_t pa)
{
	uint8_t fail;

	asm volatile("vmptrld %1; setna %0" : "=q"(fail) : "m"(pa) : "cc", "memory");
	return fail ? -EIO : 0;
}

static void vmclear(uint64_t pa)
{
	asm volatile("vmclear %0" : : "m"(pa) : "cc", "memory");
}

/* ---- VMCS ownership across pCPUs ---------------------------------------- */

/* VMCLEAR @v's VMCS, active on this CPU (@m), and say it is nowhere. */
static void vmcs_clear_here(struct vmx_cpu *m, struct vcpu *v)
{
	struct vcpu_vendor *x = vmx(v);

	vmclear(x->vmcs_pa);
	if (m->current == v) {
		state_save(v);
		m->current = NULL;
	}
	x->launched = false;
	__atomic_store_n(&x->vmcs_cpu, VMCS_NOWHERE, __ATOMIC_RELEASE);
}

/* Clear every VMCS other CPUs asked for; runs only on this CPU. */
static void mbox_process(struct percpu *cpu)
{
	struct vmx_cpu *m = &vmx_cpus[cpu->id];

	/*
	 * Before every entry, and almost always empty: look without the
	 * lock. A request that lands just after is followed by its IPI,
	 * which brings this CPU round again.
	 */
	if (!__atomic_load_n(&m->n_clear, __ATOMIC_ACQUIRE))
		return;
	spin_lock(&m->mbox_lock);
	for (unsigned int i = 0; i < m->n_clear; i++)
		vmcs_clear_here(m, m->clear_req[i]);
	__atomic_store_n(&m->n_clear, 0, __ATOMIC_RELEASE);
	spin_unlock(&m->mbox_lock);
}

void vendor_cpu_serve(void)
{
	mbox_process(this_cpu());
}

/*
 * VMCLEAR must run on the CPU where a VMCS is active: ask that CPU
 * through its mailbox and an IPI, and serve our own mailbox while
 * waiting so two CPUs asking each other cannot deadlock.
 */
static void vmcs_pull(struct percpu *cpu, struct vcpu *v, int owner)
{
	struct vmx_cpu *o = &vmx_cpus[owner];

	spin_lock(&o->mbox_lock);
	o->clear_req[o->n_clear] = v;
	__atomic_store_n(&o->n_clear, o->n_clear + 1, __ATOMIC_RELEASE);
	spin_unlock(&o->mbox_lock);
	lapic_send_ipi(cpus[owner].apic_id, VEC_RESCHED);
	while (__atomic_load_n(&vmx(v)->vmcs_cpu, __ATOMIC_ACQUIRE) !=
	       VMCS_NOWHERE) {
		mbox_process(cpu);
		cpu_relax();
	}
}

void vendor_vcpu_release(struct vcpu *v)
{
	struct percpu *cpu = this_cpu();
	int owner = __atomic_load_n(&vmx(v)->vmcs_cpu, __ATOMIC_ACQUIRE);

	if (owner == VMCS_NOWHERE)
		return;
	if (owner == (int)cpu->id)
		vmcs_clear_here(&vmx_cpus[cpu->id], v);
	else
		vmcs_pull(cpu, v, owner);
}

/* Make @v's VMCS the current one on this CPU. */
int vmx_vcpu_load(struct percpu *cpu, struct vcpu *v)
{
	struct vcpu_vendor *x = vmx(v);
	struct vmx_cpu *m = &vmx_cpus[cpu->id];
	int owner = __atomic_load_n(&x->vmcs_cpu, __ATOMIC_ACQUIRE);

	if (owner != VMCS_NOWHERE && owner != (int)cpu->id)
		vmcs_pull(cpu, v, owner);
	if (m->current == v)
		return 0;
	if (vmptrld(x->vmcs_pa))
		return -EIO;
	if (m->current)
		state_save(m->current);
	state_load(v);
	m->current = v;
	if (x->vmcs_cpu == (int)cpu->id)
		return 0;
	/*
	 * First time on this CPU since it left: host state is per CPU. The
	 * VPID stays, so this pCPU may still cache translations from the
	 * vCPU's last stay here, made stale by what the guest changed since
	 * elsewhere (SDM 28.3.3.3): flush them.
	 */
	x->vmcs_cpu = cpu->id;
	x->launched = false;
	vcpu_flush_tlb(v);
	if (!x->configured) {
		vmx_vcpu_configure(v);
		x->configured = true;
	}
	vmx_vcpu_host();
	return 0;
}

void vmx_vcpu_put(struct percpu *cpu, struct vcpu *v)
{
	struct vcpu_vendor *x = vmx(v);

	vmclear(x->vmcs_pa);
	vmx_cpus[cpu->id].current = NULL;
	x->vmcs_cpu = VMCS_NOWHERE;
	x->launched = false;
}

/* ---- the run step -------------------------------------------------------- */

/* How soon a vCPU whose interrupt waits on an xAPIC TPR write looks again. */
#define INTR_POLL_US	100

static void arm_slice_timer(struct vcpu *v, uint64_t now, uint64_t end)
{
	if (vmx(v)->intr_poll && now + INTR_POLL_US * tsc_khz / 1000 < end)
		end = now + INTR_POLL_US * tsc_khz / 1000;
	if (vmx_caps.preempt_timer) {
		uint64_t ticks = end > now ?
			(end - now) >> vmx_caps.preempt_shift : 0;

		vmcs_write(PREEMPT_TIMER_VALUE,
			   ticks > 0xffffffff ? 0xffffffff : ticks);
	} else {
		/* No preemption timer: the host LAPIC timer exits the guest. */
		lapic_timer_arm(end);
	}
}

/*
 * SDM 27.2.4 / 28.2.3: an exit during event delivery (an EPT violation on
 * the stack, a host interrupt) leaves the event in the IDT-vectoring
 * information; it was not delivered and must be injected again, error
 * code and instruction length included.
 */
static void reinject(struct vcpu *v)
{
	uint32_t info = vmx(v)->idt_info;
	uint32_t type = (info >> 8) & 7;

	vmcs_write(ENTRY_INTR_INFO, info & ~INTR_INFO_RSVD);
	if (info & INTR_INFO_HAS_ERROR)
		vmcs_write(ENTRY_EXCEPTION_ERROR, vmcs_read(IDT_VECTORING_ERROR));
	/* Software interrupts and exceptions restart at the instruction. */
	if (type == 4 || type == 5 || type == 6)
		vmcs_write(ENTRY_INSTR_LEN, v->exit.len);
	v->nr_reinjected++;
}

int vendor_vcpu_load(struct vcpu *v)
{
	if (vmx_vcpu_load(this_cpu(), v)) {
		vm_stop(v->vm, HV_EXIT_GUEST_CRASH,
			"VMPTRLD of vCPU %u's VMCS failed", v->id);
		return -EIO;
	}
	vcpu_deliver_interrupts(v);
	return 0;
}

int vendor_vcpu_run(struct vcpu *v, uint64_t now, uint64_t deadline)
{
	struct vcpu_vendor *x = vmx(v);

	arm_slice_timer(v, now, deadline);
	if (vmx_enter(&v->regs, x->launched)) {
		vm_stop(v->vm, HV_EXIT_GUEST_CRASH,
			"VM entry failed: VM-instruction error %lu",
			vmcs_read(VM_INSTRUCTION_ERROR));
		return -EIO;
	}
	v->exit.tsc = rdtsc();
	x->launched = true;
	v->exit.reason = vmcs_read(EXIT_REASON);	/* decode masks it */
	v->exit.qual = vmcs_read(EXIT_QUALIFICATION);
	v->exit.rip = vmcs_read(GUEST_RIP);
	v->exit.len = vmcs_read(EXIT_INSTR_LEN);
	x->idt_info = vmcs_read(IDT_VECTORING_INFO);
	/* An event the exit interrupted is delivered again at the next entry. */
	if (x->idt_info & INTR_INFO_VALID)
		reinject(v);
	exit_decode(v);
	return 0;
}

int vcpu_enter_once(struct vcpu *v, void (*prepare)(struct vcpu *v))
{
	struct percpu *cpu = this_cpu();
	struct vcpu_vendor *x = vmx(v);
	int r = 0;

	x->configured = false;		/* set up afresh each time */
	if (vmx_vcpu_load(cpu, v))
		return -EIO;
	prepare(v);
	if (vmx_enter(&v->regs, 0)) {
		r = -EIO;
	} else {
		v->exit.reason = vmcs_read(EXIT_REASON) & 0xffff;
		v->exit.rip = vmcs_read(GUEST_RIP);
		x->intr_info = vmcs_read(EXIT_INTR_INFO);
		/* A host interrupt acknowledged on exit is ours to serve. */
		if (v->exit.reason == EXIT_EXTERNAL_INTR &&
		    (x->intr_info & INTR_INFO_VALID)) {
			struct trap_frame f = { .vector = x->intr_info & 0xff };

			trap_dispatch(&f);
		}
	}
	vmx_vcpu_put(cpu, v);
	return r;
}
