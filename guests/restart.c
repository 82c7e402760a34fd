// SPDX-License-Identifier: GPL-2.0
/* Guest restart: drain, two grace periods, build (see restart.h). */
#include "guests/restart.h"
#include "sched/sched.h"
#include "src/arch/cpu.h"
#include "src/arch/lapic.h"
#include "src/arch/percpu.h"
#include "src/arch/printk.h"
#include "src/arch/tsc.h"
#include "src/core/vendor.h"
#include "src/core/vmvirtio.h"

/* How often a step looks again, in microseconds of TSC time. */
#define STEP_US		100

enum restart_phase {
	RS_DRAIN,
	RS_GRACE1,
	RS_GRACE2,
};

/* Every started vCPU off its run queue (again: it is idempotent). */
static void drain(struct vm *vm, uint64_t now)
{
	for (uint32_t i = 0; i < vm->n_vcpus; i++)
		if (vcpu_started(&vm->vcpus[i]))
			sched_remove(&vm->vcpus[i].se, now);
}

/* Is a vCPU of @vm still some pCPU's current one? */
static bool on_a_pcpu(const struct vm *vm)
{
	for (uint32_t c = 0; c < nr_cpus; c++) {
		struct sched_entity *se = sched_current(c);

		if (se && se_to_vcpu(se)->vm == vm)
			return true;
	}
	return false;
}

static void cancel_timers(struct vm *vm)
{
	for (uint32_t i = 0; i < vm->n_vcpus; i++) {
		timer_cancel(&vm->vcpus[i].lapic_timer);
		timer_cancel(&vm->vcpus[i].sleep_timer);
	}
	timer_cancel(&vm->pit_timer);
}

/* Note every other pCPU's loop count and make it go round. */
static void grace_start(struct vm *vm, uint32_t me)
{
	for (uint32_t c = 0; c < nr_cpus; c++) {
		vm->restart_epochs[c] =
			__atomic_load_n(&cpus[c].loops, __ATOMIC_ACQUIRE);
		if (c != me && cpus[c].online)
			lapic_send_ipi(cpus[c].apic_id, VEC_RESCHED);
	}
}

/* Has every other pCPU gone round since grace_start()? Kick the rest. */
static bool grace_over(struct vm *vm, uint32_t me)
{
	bool over = true;

	for (uint32_t c = 0; c < nr_cpus; c++) {
		if (c == me || !cpus[c].online ||
		    __atomic_load_n(&cpus[c].loops, __ATOMIC_ACQUIRE) !=
		    vm->restart_epochs[c])
			continue;
		over = false;
		lapic_send_ipi(cpus[c].apic_id, VEC_RESCHED);
	}
	return over;
}

/* Its timers cancelled, then a grace period: step @phase. */
static void next_grace(struct vm *vm, uint32_t me, int phase)
{
	cancel_timers(vm);
	grace_start(vm, me);
	vm->restart_phase = phase;
}

static void build(struct vm *vm, uint64_t now)
{
	int r;

	/* What it printed last without a newline: its old run's. */
	spin_lock(&vm->uart_lock);
	vuart_flush(&vm->uart);
	spin_unlock(&vm->uart_lock);
	vmvirtio_flush(vm);
	for (uint32_t i = 0; i < vm->n_vcpus; i++)
		vendor_vcpu_release(&vm->vcpus[i]);
	r = guest_build(vm);
	if (r) {
		pr_err("hvisor: guest '%s' could not be rebuilt (%d); it stays stopped\n",
		       vm->name, r);
		__atomic_store_n(&vm->state, VM_STOPPED, __ATOMIC_RELEASE);
		vm_not_running(vm);
		return;
	}
	vm->last_output_tsc = now;
	__atomic_store_n(&vm->state, VM_RUNNING, __ATOMIC_RELEASE);
	r = vcpu_start(&vm->vcpus[0], &vm->boot, now);
	if (r) {
		vm_stop(vm, HV_EXIT_GUEST_CRASH,
			"restart: the scheduler cannot place vCPU 0 (%d)", r);
		return;
	}
	pr_info("hvisor: guest '%s' restarted (restart %u)\n", vm->name,
		vm->n_restarts);
}

void guest_restart_step(struct sw_timer *t, uint64_t now)
{
	struct vm *vm = t->data;
	uint32_t me = this_cpu()->id;

	switch (vm->restart_phase) {
	case RS_DRAIN:
		drain(vm, now);
		if (on_a_pcpu(vm))
			break;
		next_grace(vm, me, RS_GRACE1);
		break;
	case RS_GRACE1:
		/* Nothing re-arms them after it: a stopped guest's timers do not. */
		if (grace_over(vm, me))
			next_grace(vm, me, RS_GRACE2);
		break;
	case RS_GRACE2:
		if (!grace_over(vm, me))
			break;
		/* A vCPU started late by one of its own exits is caught here. */
		drain(vm, now);
		if (on_a_pcpu(vm)) {
			vm->restart_phase = RS_DRAIN;
			break;
		}
		vm->restart_phase = RS_DRAIN;
		build(vm, now);
		return;
	}
	timer_arm(t, me, now + STEP_US * tsc_khz / 1000);
}
