// SPDX-License-Identifier: GPL-2.0
/*
 * The run loop of one pCPU and what each exit means, vendor-neutral: pick
 * a vCPU (sched/), let the vendor load and enter it (src/core/vendor.h),
 * count and record the exit, and dispatch it on its kind (struct vm_exit,
 * src/core/exit.h): one handler per kind. An exit with no handler, or one
 * a handler cannot make sense of, stops that guest and only that guest.
 */
#include <errno.h>
#include "src/arch/fpu.h"
#include "src/arch/spec.h"
#include "src/arch/lapic.h"
#include "src/arch/percpu.h"
#include "src/arch/tsc.h"
#include "src/arch/x86.h"
#include "src/core/dump.h"
#include "src/core/exit.h"
#include "src/core/guard.h"
#include "src/core/intr.h"
#include "src/core/mmio.h"
#include "src/core/msr.h"
#include "src/core/pv.h"
#include "src/core/vcpu.h"
#include "src/core/vendor.h"
#include "src/core/vm.h"
#include "src/core/vmnet.h"
#include "sched/trace.h"

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
	uint32_t parked;

	vcpu_skip_instruction(v);
	/* Kicked (PV unhalt) since its last HLT: this one returns at once. */
	if (pv_kick_take(&v->pv_kick))
		return;
	/*
	 * With interrupts off only NMI, INIT, reset or a PV kick would end
	 * the HLT, and hvisor sends no NMI or INIT to a halted vCPU: it stays
	 * off the run queues. That is how kernels park CPUs on shutdown, and
	 * how a paravirtual spinlock waits in an interrupts-off section; only
	 * when every vCPU of the guest is parked so is the guest dead.
	 */
	if (!(vcpu_get_reg(v, VCPU_RFLAGS) & RFLAGS_IF)) {
		vcpu_life_to(v, VCPU_LIFE_STARTED, VCPU_LIFE_PARKED);
		sched_block(&v->se, v->exit.tsc);
		parked = __atomic_add_fetch(&v->vm->n_parked, 1, __ATOMIC_ACQ_REL);
		/* A kick that came meanwhile may have found it still running. */
		if (pv_kick_take(&v->pv_kick))
			vcpu_unhalt(v, rdtsc());
		else if (parked == vm_started_vcpus(v->vm))
			vm_stop(v->vm, HV_EXIT_GUEST_CRASH,
				"every vCPU halted with interrupts disabled (the last at RIP %#lx)",
				v->exit.rip);
		return;
	}
	if (vcpu_interrupt_pending(v))
		return;
	sched_block(&v->se, v->exit.tsc);
	/* Something posted between the check and the block must not be lost. */
	if (vcpu_interrupt_pending(v) || pv_kick_take(&v->pv_kick))
		sched_wake(&v->se, rdtsc());
}

static void handle_preempt_timer(struct vcpu *v)
{
	sched_tick(this_cpu()->id, v->exit.tsc);
}

static void handle_pause(struct vcpu *v)
{
	/*
	 * A PAUSE loop, or MWAIT (a guest's idle loop; MONITOR is not
	 * shown, so nothing wakes it but this): whoever it waits for may
	 * need this pCPU.
	 */
	vcpu_skip_instruction(v);
	sched_yield(&v->se, v->exit.tsc);
}

/* RDPMC: no performance counters are shown (CPUID leaf 0xA is zero). */
static void inject_gp(struct vcpu *v)
{
	vendor_inject_exception(v, X86_EXC_GP, true, 0);
}

/* VMX and SMX instructions: the CPUID bits are clear, so #UD as on a CPU without. */
static void inject_ud(struct vcpu *v)
{
	vendor_inject_exception(v, X86_EXC_UD, false, 0);
}

static void handle_irq_window(struct vcpu *v)
{
	/* The next entry delivers what waited; the scheduler may stretch. */
	sched_irq_open(&v->se, v->exit.tsc);
}

static void handle_vmcall(struct vcpu *v)
{
	/*
	 * Hypercalls are the guest kernel's: from user space VMCALL is an
	 * invalid opcode (#UD at the instruction), so no program in a guest
	 * can reach hvisor but through its kernel.
	 */
	if (vcpu_get_reg(v, VCPU_CPL) != 0) {
		v->nr_vmcall_user++;
		vendor_inject_exception(v, X86_EXC_UD, false, 0);
		return;
	}
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
	[VM_EXIT_IRQ_WINDOW] = handle_irq_window,
	[VM_EXIT_CPUID] = handle_cpuid,
	[VM_EXIT_VMCALL] = handle_vmcall,
	[VM_EXIT_IO] = handle_io,
	[VM_EXIT_RDMSR] = vcpu_handle_rdmsr,
	[VM_EXIT_WRMSR] = vcpu_handle_wrmsr,
	[VM_EXIT_XSETBV] = handle_xsetbv,
	[VM_EXIT_NOP] = vcpu_skip_instruction,
	[VM_EXIT_MWAIT] = handle_pause,
	[VM_EXIT_NO_PMU] = inject_gp,
	[VM_EXIT_UD] = inject_ud,
	[VM_EXIT_MMIO] = handle_mmio,
	[VM_EXIT_TRIPLE_FAULT] = handle_triple_fault,
	[VM_EXIT_ENTRY_FAIL] = handle_entry_fail,
	[VM_EXIT_UNHANDLED] = stop_unhandled,
};

void vcpu_handle_exit(struct vcpu *v)
{
	handlers[v->exit.kind](v);
}

/* ---- the loop ------------------------------------------------------------ */

struct path_stat path_preempt, path_wake;

static void path_add(struct path_stat *p, uint64_t cycles)
{
	/* Shared by all CPUs; a rare lost update only blurs an average. */
	p->sum += cycles;
	if (!p->n || cycles < p->min)
		p->min = cycles;
	p->n++;
}

/* When @v must exit at the latest: its slice, a timer, the IRQ watch. */
static uint64_t run_deadline(struct vcpu *v, uint32_t cpu, uint64_t now)
{
	uint64_t end = sched_slice_end(cpu, now);
	uint64_t t = timer_next(cpu);

	if (t < end)
		end = t;
	/* A guest that never exits must still meet the pending-IRQ watch. */
	if (v->pending_vec >= 0 && !v->pending_dumped &&
	    v->pending_since + PENDING_WATCH_MS * tsc_khz < end)
		end = v->pending_since + PENDING_WATCH_MS * tsc_khz;
	return end;
}

static void idle(struct percpu *cpu)
{
	uint64_t next = timer_next(cpu->id);

	lapic_timer_arm(next == UINT64_MAX ? 0 : next);
	sti();
	hlt();
	cli();
	cpu->idle_wake_tsc = rdtsc();
}

/* TSC ticks to nanoseconds, without overflow for any uint64_t. */
static uint64_t ticks_to_ns(uint64_t t)
{
	return t / tsc_khz * 1000000 + t % tsc_khz * 1000000 / tsc_khz;
}

/* What the last exit cost, when it resumes the same vCPU here. */
static void exit_cost_add(struct percpu *cpu, struct vcpu *v)
{
	/* (nr_exits: a vCPU rebuilt by a restart has none to resume from.) */
	if (cpu->exited == v && v->nr_exits &&
	    v->exit.reason < VCPU_EXIT_CODES) {
		v->exit_cost[v->exit.reason] += rdtsc() - v->exit.tsc;
		v->exit_cost_n[v->exit.reason]++;
	}
	cpu->exited = NULL;
}

/*
 * An exit a guest makes on its hot path that touches nothing the
 * scheduler or the pCPU loop looks at, as KVM's "fastpath" exits: once
 * handled, the vCPU may go straight back in. Today one: a Linux guest
 * writes IA32_TSC_DEADLINE at every timer interrupt.
 */
static bool exit_is_fast(struct vcpu *v)
{
	return v->exit.kind == VM_EXIT_WRMSR &&
	       (uint32_t)v->regs.rcx == MSR_IA32_TSC_DEADLINE;
}

/*
 * After a fast exit: nothing is due before @deadline (no slice end, no
 * timer of this pCPU), the guest runs on, no dump is asked for, and
 * neither the interrupt model nor the VMCS's interrupt setup changed, so
 * the last entry's setup holds. Anything else takes the loop's pass.
 */
static bool reenter_ok(struct vcpu *v, uint64_t now, uint64_t deadline)
{
	return deadline > now && !vm_stopped(v->vm) &&
	       !__atomic_load_n(&v->dump_req, __ATOMIC_ACQUIRE) &&
	       vcpu_intr_quiet(v) && vendor_intr_quiet(v);
}

static void run_one(struct percpu *cpu, struct vcpu *v)
{
	uint32_t code;
	uint64_t now, deadline, look;
	bool looked;

	cpu->vcpu = v;
	/* Another guest's vCPU ran here last: its branch history must go. */
	if (cpu->last_vm != v->vm) {
		spec_guest_switch();
		cpu->last_vm = v->vm;
	}
	if (vendor_vcpu_load(v))
		return;
	now = rdtsc();
	vcpu_watch_pending(v, now);
	/* Hypervisor path lengths: from the event to this entry, on this pCPU. */
	if (cpu->idle_wake_tsc)
		path_add(&path_wake, now - cpu->idle_wake_tsc);
	else if (cpu->preempt_exit_tsc)
		path_add(&path_preempt, now - cpu->preempt_exit_tsc);
	cpu->idle_wake_tsc = 0;
	cpu->preempt_exit_tsc = 0;
	/* Steal time; a flush another vCPU asked for while this one was off. */
	if (v->steal.rec && pv_steal_enter(&v->steal, ticks_to_ns(v->se.st.wait))) {
		vendor_flush_guest_tlb(v);
		v->pv_flushes++;
	}
	deadline = run_deadline(v, cpu->id, now);
	for (;;) {
		look = guard_watch_next(v, cpu->id, now);
		exit_cost_add(cpu, v);
		spec_before_entry();
		if (vendor_vcpu_run(v, now, look < deadline ? look : deadline))
			return;
		cpu->exited = v;
		v->nr_exits++;
		vcpu_trace_exit(v);
		code = v->exit.reason;
		if (code < VCPU_EXIT_CODES)
			v->exits_by_reason[code]++;
		trace_rec(cpu->id, v->exit.tsc, TR_EXIT, v->se.tid, code);
		/* The preemption timer for the guard watch's look, not a slice end. */
		looked = v->exit.kind == VM_EXIT_PREEMPT && look < deadline &&
			 v->exit.tsc < deadline;
		if (!looked) {
			if (v->exit.kind == VM_EXIT_PREEMPT)
				cpu->preempt_exit_tsc = v->exit.tsc;
			vcpu_handle_exit(v);
			/* Frames a guest sent: moved with no lock held (vmnet.h). */
			vmnet_poll(cpu->id);
		}
		/*
		 * The look is due: its own exit, or any exit after its time
		 * (without a preemption timer the look's is a host interrupt).
		 */
		if ((looked || (look < deadline && v->exit.tsc >= look)) &&
		    guard_watch_poll(v, cpu->id, v->exit.tsc)) {
			cpu->preempt_exit_tsc = v->exit.tsc;
			break;
		}
		if (!looked) {
			if (!exit_is_fast(v))
				break;
			guard_watch_wrote(v, v->exit.tsc);
		}
		now = rdtsc();
		deadline = run_deadline(v, cpu->id, now);
		if (!reenter_ok(v, now, deadline))
			break;
		v->fast_reentries++;
	}
	vcpu_serve_dump(v);
}

void vcpu_loop(void)
{
	struct percpu *cpu = this_cpu();
	struct sched_entity *se = NULL;

	while (vms_running()) {
		uint64_t now;

		/* Only this pCPU writes it: a store, no locked add. */
		__atomic_store_n(&cpu->loops, cpu->loops + 1, __ATOMIC_RELEASE);
		vendor_cpu_serve();
		now = rdtsc();
		timer_run(cpu->id, now);
		se = sched_current(cpu->id);
		if (!se || se->state != VCPU_RUNNING ||
		    sched_need_resched(cpu->id)) {
			/* Still ours to mark, before another pCPU can take it. */
			if (se && se->state == VCPU_RUNNING)
				pv_steal_preempted(&se_to_vcpu(se)->steal);
			se = sched_pick(cpu->id, now);
		}
		if (!se) {
			idle(cpu);
			continue;
		}
		if (vm_stopped(se_to_vcpu(se)->vm)) {
			sched_remove(se, now);
			continue;
		}
		run_one(cpu, se_to_vcpu(se));
	}
	vendor_cpu_serve();
}
