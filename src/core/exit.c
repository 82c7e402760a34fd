// SPDX-License-Identifier: GPL-2.0
/*
 * VM-exit dispatch: one handler per basic exit reason. An exit with no
 * handler, or one a handler cannot make sense of, stops that guest and
 * only that guest.
 */
#include <errno.h>
#include "src/arch/cpu.h"
#include "src/arch/x86.h"
#include "src/arch/fpu.h"
#include "src/arch/lapic.h"
#include "src/core/hypercall.h"
#include "src/arch/percpu.h"
#include "src/arch/printk.h"
#include "src/core/vm.h"
#include "vmx/cr.h"
#include "src/core/exit.h"
#include "src/core/inject.h"
#include "vmx/intr.h"
#include "src/core/mmio.h"
#include "vmx/msr.h"
#include "src/core/vcpu.h"
#include "vmx/vmcs.h"

typedef void (*exit_handler_t)(struct vcpu *v);

static const char *const reason_names[EXIT_REASON_MAX] = {
	[EXIT_EXCEPTION_NMI] = "exception or NMI",
	[EXIT_EXTERNAL_INTR] = "external interrupt",
	[EXIT_TRIPLE_FAULT] = "triple fault",
	[EXIT_INIT] = "INIT signal",
	[EXIT_SIPI] = "SIPI",
	[EXIT_INTR_WINDOW] = "interrupt window",
	[EXIT_CPUID] = "CPUID",
	[EXIT_HLT] = "HLT",
	[EXIT_INVLPG] = "INVLPG",
	[EXIT_RDTSC] = "RDTSC",
	[EXIT_VMCALL] = "VMCALL",
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
	[EXIT_PREEMPT_TIMER] = "preemption timer",
	[EXIT_WBINVD] = "WBINVD",
	[EXIT_XSETBV] = "XSETBV",
};

const char *exit_reason_name(uint32_t reason)
{
	reason &= 0xffff;
	if (reason < EXIT_REASON_MAX && reason_names[reason])
		return reason_names[reason];
	return "unknown";
}

static void stop_unhandled(struct vcpu *v)
{
	vm_stop(v->vm, HV_EXIT_GUEST_CRASH,
		"unhandled VM exit %u (%s), qualification %#lx, RIP %#lx",
		v->exit.reason & 0xffff, exit_reason_name(v->exit.reason),
		v->exit.qual, v->exit.rip);
}

static void handle_external_intr(struct vcpu *v)
{
	/* "Acknowledge interrupt on exit" left the vector for us. */
	uint32_t info = vmcs_read(EXIT_INTR_INFO);
	struct trap_frame f = { .vector = info & 0xff };

	if (info & (1u << 31))
		trap_dispatch(&f);
}

static void handle_triple_fault(struct vcpu *v)
{
	vm_stop(v->vm, HV_EXIT_GUEST_CRASH, "triple fault at RIP %#lx",
		v->exit.rip);
}

static void handle_cpuid(struct vcpu *v)
{
	uint32_t out[4];

	vcpu_cpuid(v, v->regs.rax, v->regs.rcx, out);
	v->regs.rax = out[0];
	v->regs.rbx = out[1];
	v->regs.rcx = out[2];
	v->regs.rdx = out[3];
	vcpu_skip_instruction(v);
}

static void handle_hlt(struct vcpu *v)
{
	/*
	 * With interrupts off only NMI, INIT or reset would end the HLT, and
	 * hvisor sends none to a halted vCPU: it stays off the run queues.
	 * That is how kernels park CPUs on shutdown; only when every vCPU of
	 * the guest is parked so is the guest dead.
	 */
	if (!(vmcs_read(GUEST_RFLAGS) & (1u << 9))) {
		vcpu_skip_instruction(v);
		vcpu_life_to(v, VCPU_LIFE_STARTED, VCPU_LIFE_PARKED);
		sched_block(&v->se, v->exit.tsc);
		if (__atomic_add_fetch(&v->vm->n_parked, 1, __ATOMIC_ACQ_REL) ==
		    vm_started_vcpus(v->vm))
			vm_stop(v->vm, HV_EXIT_GUEST_CRASH,
				"every vCPU halted with interrupts disabled (the last at RIP %#lx)",
				v->exit.rip);
		return;
	}
	vcpu_skip_instruction(v);
	if (vcpu_interrupt_pending(v))
		return;
	sched_block(&v->se, v->exit.tsc);
	/* Something posted between the check and the block must not be lost. */
	if (vcpu_interrupt_pending(v))
		sched_wake(&v->se, rdtsc());
}

static void handle_intr_window(struct vcpu *v)
{
	/* Nothing to do: the next entry injects what is pending. */
}

static void handle_preempt_timer(struct vcpu *v)
{
	sched_tick(this_cpu()->id, v->exit.tsc);
}

static void handle_pause(struct vcpu *v)
{
	/* A PAUSE loop: whoever it waits for may need this pCPU. */
	vcpu_skip_instruction(v);
	sched_yield(&v->se, v->exit.tsc);
}

static void handle_vmcall(struct vcpu *v)
{
	v->regs.rax = hypercall(v, v->regs.rax, &v->regs.rbx);
	vcpu_skip_instruction(v);
}

static void handle_io(struct vcpu *v)
{
	uint64_t q = v->exit.qual;
	unsigned int size = (q & 7) + 1;
	bool in = q & (1u << 3);
	uint16_t port = q >> 16;
	uint32_t mask = size == 4 ? 0xffffffff : (1u << (size * 8)) - 1;

	if (q & (3u << 4)) {		/* string or REP */
		vm_stop(v->vm, HV_EXIT_GUEST_CRASH,
			"string I/O on port %#x is not supported (RIP %#lx)",
			port, v->exit.rip);
		return;
	}
	if (in) {
		uint32_t val = pio_read(&v->vm->pio, port, size);

		v->regs.rax = (v->regs.rax & ~(uint64_t)mask) | (val & mask);
	} else {
		pio_write(&v->vm->pio, port, size, v->regs.rax & mask);
	}
	if (!vm_stopped(v->vm))
		vcpu_skip_instruction(v);
}

static void handle_xsetbv(struct vcpu *v)
{
	uint64_t val = (v->regs.rdx << 32) | (uint32_t)v->regs.rax;
	uint64_t allowed = fpu_guest_xcr0_mask();

	/* SDM XSETBV: XCR0 only, x87 always on, AVX needs SSE. */
	if ((uint32_t)v->regs.rcx != 0 || !(val & XCR0_X87) ||
	    (val & ~allowed) || ((val & XCR0_AVX) && !(val & XCR0_SSE))) {
		vcpu_inject_exception(v, X86_EXC_GP, true, 0);
		return;
	}
	v->xcr0 = val;
	fpu_set_xcr0(val);
	vcpu_skip_instruction(v);
}

static void handle_ept_violation(struct vcpu *v)
{
	uint64_t q = v->exit.qual;
	uint64_t gpa = vmcs_read(GUEST_PHYS_ADDR);
	int r;

	/* The fault came from delivering an event (IDT, stack), not from
	 * the instruction at RIP: nothing there to emulate. */
	if (v->exit.idt_info & (1u << 31)) {
		vm_stop(v->vm, HV_EXIT_GUEST_CRASH,
			"event delivery (vector %u) touched unmapped or MMIO GPA %#lx, RIP %#lx",
			v->exit.idt_info & 0xff, gpa, v->exit.rip);
		return;
	}
	r = vmx_emulate_mmio(v, gpa);

	if (!r)
		return;
	if (r != -ENOENT) {
		vm_stop(v->vm, HV_EXIT_GUEST_CRASH,
			"cannot emulate the MMIO access to GPA %#lx at RIP %#lx (error %d)",
			gpa, v->exit.rip, r);
		return;
	}
	vm_stop(v->vm, HV_EXIT_GUEST_CRASH,
		"EPT violation: %s GPA %#lx (nothing is mapped there), qualification %#lx, RIP %#lx",
		q & 4 ? "fetch at" : q & 2 ? "write to" : "read of",
		vmcs_read(GUEST_PHYS_ADDR), q, v->exit.rip);
}

static const exit_handler_t handlers[EXIT_REASON_MAX] = {
	[EXIT_EXTERNAL_INTR] = handle_external_intr,
	[EXIT_TRIPLE_FAULT] = handle_triple_fault,
	[EXIT_CPUID] = handle_cpuid,
	[EXIT_HLT] = handle_hlt,
	[EXIT_VMCALL] = handle_vmcall,
	[EXIT_IO] = handle_io,
	[EXIT_EPT_VIOLATION] = handle_ept_violation,
	[EXIT_PAUSE] = handle_pause,
	[EXIT_INTR_WINDOW] = handle_intr_window,
	[EXIT_RDMSR] = vmx_handle_rdmsr,
	[EXIT_WRMSR] = vmx_handle_wrmsr,
	[EXIT_XSETBV] = handle_xsetbv,
	[EXIT_CR_ACCESS] = vmx_handle_cr_access,
	[EXIT_APIC_ACCESS] = vmx_handle_apic_access,
	[EXIT_APIC_WRITE] = vmx_handle_apic_write,
	[EXIT_EOI_INDUCED] = vmx_handle_eoi_induced,
	[EXIT_PREEMPT_TIMER] = handle_preempt_timer,
};

void vmx_handle_exit(struct vcpu *v)
{
	uint32_t basic = v->exit.reason & 0xffff;

	if (v->exit.reason & EXIT_REASON_ENTRY_FAIL) {
		vm_stop(v->vm, HV_EXIT_GUEST_CRASH,
			"VM entry failed: %s (reason %u, qualification %#lx)",
			exit_reason_name(basic), basic, v->exit.qual);
		return;
	}
	if (basic < EXIT_REASON_MAX && handlers[basic])
		handlers[basic](v);
	else
		stop_unhandled(v);
}
