// SPDX-License-Identifier: GPL-2.0
/*
 * A vCPU's life and the run loop of one pCPU, vendor-neutral: pick a vCPU
 * (sched/), let the vendor load and enter it (src/core/vendor.h), count
 * and record the exit, dispatch it (src/core/exit.c), repeat.
 */
#include <errno.h>
#include <string.h>
#include "mm/frame.h"
#include "src/arch/fpu.h"
#include "src/arch/lapic.h"
#include "src/arch/panic.h"
#include "src/arch/percpu.h"
#include "src/arch/tsc.h"
#include "src/arch/x86.h"
#include "src/core/exit.h"
#include "src/core/msr.h"
#include "src/core/vcpu.h"
#include "src/core/vendor.h"
#include "src/core/vm.h"

int vcpu_create(struct vcpu *v, struct vm *vm, uint32_t id)
{
	memset(v, 0, sizeof(*v));
	v->vm = vm;
	v->id = id;
	v->pending_vec = -1;
	v->se.owner = v;
	v->se.name = v->name;
	v->fpu = (void *)frame_alloc(1);
	if (!v->fpu)
		return -ENOMEM;
	fpu_init_area(v->fpu);
	v->xcr0 = XCR0_X87;
	v->mtrr_def_type = MTRR_DEF_TYPE_BOOT;
	return vendor_vcpu_create(v);
}

void vcpu_skip_instruction(struct vcpu *v)
{
	vcpu_set_reg(v, VCPU_RIP, v->exit.rip + v->exit.len);
	vendor_end_shadow(v);
}

static void life_bug(enum vcpu_life from, enum vcpu_life to)
{
	panic("vCPU life: no edge from %d to %d", from, to);
}

bool vcpu_life_to(struct vcpu *v, enum vcpu_life from, enum vcpu_life to)
{
	return vcpu_life_move(&v->life, from, to, life_bug);
}

int vcpu_start(struct vcpu *v, const struct vcpu_boot *boot, uint64_t now)
{
	/* Only the winner writes the boot state the new vCPU will read. */
	if (!vcpu_life_to(v, VCPU_LIFE_CREATED, VCPU_LIFE_STARTING))
		return -EBUSY;
	v->boot = *boot;
	if (sched_add(&v->se, now)) {
		vcpu_life_to(v, VCPU_LIFE_STARTING, VCPU_LIFE_CREATED);
		return -EBUSY;
	}
	vcpu_life_to(v, VCPU_LIFE_STARTING, VCPU_LIFE_STARTED);
	return 0;
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

static void run_one(struct percpu *cpu, struct vcpu *v)
{
	uint32_t code;
	uint64_t now;

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
	if (vendor_vcpu_run(v, now, run_deadline(v, cpu->id, now)))
		return;
	v->nr_exits++;
	vcpu_trace_exit(v);
	code = v->exit.reason;
	if (code < VCPU_EXIT_CODES)
		v->exits_by_reason[code]++;
	if (v->exit.kind == VM_EXIT_PREEMPT)
		cpu->preempt_exit_tsc = v->exit.tsc;
	vcpu_handle_exit(v);
	vcpu_serve_dump(v);
}

void vcpu_loop(void)
{
	struct percpu *cpu = this_cpu();
	struct sched_entity *se = NULL;

	while (vms_running()) {
		uint64_t now;

		vendor_cpu_serve();
		now = rdtsc();
		timer_run(cpu->id, now);
		se = sched_current(cpu->id);
		if (!se || se->state != VCPU_RUNNING || sched_need_resched(cpu->id))
			se = sched_pick(cpu->id, now);
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
