// SPDX-License-Identifier: GPL-2.0
/*
 * VM-exit dispatch, vendor-neutral: one handler per kind of struct
 * vm_exit (src/core/exit.h). An exit with no handler, or one a handler
 * cannot make sense of, stops that guest and only that guest.
 */
#include <errno.h>
#include "src/arch/fpu.h"
#include "src/arch/percpu.h"
#include "src/arch/x86.h"
#include "src/core/exit.h"
#include "src/core/intr.h"
#include "src/core/mmio.h"
#include "src/core/msr.h"
#include "src/core/vcpu.h"
#include "src/core/vendor.h"
#include "src/core/vm.h"

typedef void (*exit_handler_t)(struct vcpu *v);

static void stop_unhandled(struct vcpu *v)
{
	vm_stop(v->vm, HV_EXIT_GUEST_CRASH,
		"unhandled VM exit %u (%s), qualification %#lx, RIP %#lx",
		v->exit.reason, vendor_exit_name(v->exit.reason),
		v->exit.qual, v->exit.rip);
}

static void handle_entry_fail(struct vcpu *v)
{
	vm_stop(v->vm, HV_EXIT_GUEST_CRASH,
		"VM entry failed: %s (reason %u, qualification %#lx)",
		vendor_exit_name(v->exit.reason), v->exit.reason, v->exit.qual);
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
	if (!(vcpu_get_reg(v, VCPU_RFLAGS) & RFLAGS_IF)) {
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
	unsigned int size = v->exit.io.size;
	bool in = v->exit.io.in;
	uint16_t port = v->exit.io.port;
	uint32_t mask = size == 4 ? 0xffffffff : (1u << (size * 8)) - 1;

	if (v->exit.io.string) {
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
		vendor_inject_exception(v, X86_EXC_GP, true, 0);
		return;
	}
	v->xcr0 = val;
	fpu_set_xcr0(val);
	vcpu_skip_instruction(v);
}

static void handle_mmio(struct vcpu *v)
{
	static const char *const what[] = {
		[VM_ACCESS_READ] = "read of", [VM_ACCESS_WRITE] = "write to",
		[VM_ACCESS_FETCH] = "fetch at",
	};
	uint64_t gpa = v->exit.mmio.gpa;
	int r;

	/* The fault came from delivering an event (IDT, stack), not from
	 * the instruction at RIP: nothing there to emulate. */
	if (v->exit.mmio.in_delivery) {
		vm_stop(v->vm, HV_EXIT_GUEST_CRASH,
			"event delivery (vector %u) touched unmapped or MMIO GPA %#lx, RIP %#lx",
			v->exit.mmio.vector, gpa, v->exit.rip);
		return;
	}
	r = vcpu_emulate_mmio(v, gpa);
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
		what[v->exit.mmio.access], gpa, v->exit.qual, v->exit.rip);
}

static const exit_handler_t handlers[VM_EXIT_KINDS] = {
	[VM_EXIT_VENDOR] = vendor_handle_exit,
	[VM_EXIT_PREEMPT] = handle_preempt_timer,
	[VM_EXIT_HLT] = handle_hlt,
	[VM_EXIT_PAUSE] = handle_pause,
	[VM_EXIT_CPUID] = handle_cpuid,
	[VM_EXIT_VMCALL] = handle_vmcall,
	[VM_EXIT_IO] = handle_io,
	[VM_EXIT_RDMSR] = vcpu_handle_rdmsr,
	[VM_EXIT_WRMSR] = vcpu_handle_wrmsr,
	[VM_EXIT_XSETBV] = handle_xsetbv,
	[VM_EXIT_MMIO] = handle_mmio,
	[VM_EXIT_TRIPLE_FAULT] = handle_triple_fault,
	[VM_EXIT_ENTRY_FAIL] = handle_entry_fail,
	[VM_EXIT_UNHANDLED] = stop_unhandled,
};

void vcpu_handle_exit(struct vcpu *v)
{
	handlers[v->exit.kind](v);
}
