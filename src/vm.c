// SPDX-License-Identifier: GPL-2.0
/* VM lifetime: stopping a guest touches nothing but that guest. */
#include <stdarg.h>
#include "src/fmt.h"
#include "src/printk.h"
#include "src/vm.h"

struct vm vms[CFG_MAX_GUESTS];
uint32_t nr_vms;
static int running;

void vm_stop(struct vm *vm, int code, const char *fmt, ...)
{
	int expect = VM_RUNNING;
	va_list ap;

	if (!__atomic_compare_exchange_n(&vm->state, &expect, VM_STOPPED,
					 false, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE))
		return;
	vm->exit_code = code;
	va_start(ap, fmt);
	hv_vsnprintf(vm->reason, sizeof(vm->reason), fmt, ap);
	va_end(ap);
	vuart_flush(&vm->uart);
	if (code == HV_EXIT_GUEST_CRASH)
		pr_err("hvisor: guest '%s' stopped: %s\n", vm->name, vm->reason);
	else
		pr_info("hvisor: guest '%s' finished: %s\n", vm->name,
			vm->reason);
	__atomic_fetch_sub(&running, 1, __ATOMIC_ACQ_REL);
}

bool vm_stopped(const struct vm *vm)
{
	return __atomic_load_n(&vm->state, __ATOMIC_ACQUIRE) != VM_RUNNING;
}

void *vm_gpa_to_hva(const struct vm *vm, uint64_t gpa, uint64_t len)
{
	if (gpa >= vm->ram_size || len > vm->ram_size - gpa)
		return NULL;
	return (void *)(vm->ram_hpa + gpa);
}

int vms_running(void)
{
	return __atomic_load_n(&running, __ATOMIC_ACQUIRE);
}

void vm_mark_running(struct vm *vm)
{
	vm->state = VM_RUNNING;
	__atomic_fetch_add(&running, 1, __ATOMIC_ACQ_REL);
}

int vms_summary(void)
{
	int worst = 0;

	pr_info("hvisor: summary of %u guest(s):\n", nr_vms);
	for (uint32_t i = 0; i < nr_vms; i++) {
		const struct vm *vm = &vms[i];
		const char *verdict = vm->exit_code == 0 ? "PASS" :
			vm->exit_code == HV_EXIT_GUEST_CRASH ? "CRASHED" : "FAIL";

		pr_info("hvisor:   %-12s %-7s code %-3d vcpus %u exits %lu: %s\n",
			vm->name, verdict, vm->exit_code, vm->n_vcpus,
			vm->vcpus[0].nr_exits, vm->reason);
		if (vm->exit_code > worst)
			worst = vm->exit_code;
	}
	return worst;
}
