// SPDX-License-Identifier: GPL-2.0
/* The guests' console watchdogs (see watchdog.h). */
#include "sched/timer.h"
#include "src/arch/tsc.h"
#include "src/arch/printk.h"
#include "src/core/vm.h"
#include "src/core/watchdog.h"
#include "src/core/dump.h"
#include "src/core/vcpu.h"

#define TICK_MS		1000

static struct sw_timer wd_timer;

static void check(struct vm *vm, uint64_t now)
{
	uint32_t s = vm->cfg->watchdog_s;
	uint64_t last = __atomic_load_n(&vm->last_output_tsc, __ATOMIC_RELAXED);

	if (!s || vm_stopped(vm))
		return;
	if (vm->watchdog_fired) {
		/* The dumps were asked for a tick ago: now stop it. */
		vm_stop(vm, HV_EXIT_GUEST_CRASH,
			"watchdog: no console output for %u s of guest time", s);
		return;
	}
	if (now < last || now - last < (uint64_t)s * tsc_khz * 1000)
		return;
	pr_err("hvisor: guest '%s': no console output for %u s of guest time: dumping its vCPUs\n",
	       vm->name, s);
	vm->watchdog_fired = true;
	for (uint32_t i = 0; i < vm->n_vcpus; i++)
		if (vcpu_started(&vm->vcpus[i]))
			vcpu_request_dump(&vm->vcpus[i], "watchdog");
}

static void tick(struct sw_timer *t, uint64_t now)
{
	for (uint32_t i = 0; i < nr_vms; i++)
		check(&vms[i], now);
	if (vms_running())
		timer_arm(t, 0, now + tsc_khz * TICK_MS);
}

void watchdog_start(uint64_t now)
{
	bool any = false;

	for (uint32_t i = 0; i < nr_vms; i++) {
		vms[i].last_output_tsc = now;
		any |= vms[i].cfg->watchdog_s != 0;
	}
	if (!any)
		return;
	wd_timer.fn = tick;
	timer_arm(&wd_timer, 0, now + tsc_khz * TICK_MS);
}
