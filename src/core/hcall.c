// SPDX-License-Identifier: GPL-2.0
/* Hypercalls (VMCALL with EAX = number); see src/core/hypercall.h. */
#include <errno.h>
#include "src/arch/x86.h"
#include "src/arch/percpu.h"
#include "src/core/pv.h"
#include "src/core/vm.h"

static void sleep_done(struct sw_timer *t, uint64_t now)
{
	struct vcpu *v = t->data;

	sched_wake(&v->se, now);
}

static uint64_t hc_sleep_until(struct vcpu *v, uint64_t deadline)
{
	deadline = vcpu_host_tsc(v, deadline);	/* the guest's TSC */
	if (deadline <= v->exit.tsc)
		return 0;
	v->sleep_timer.fn = sleep_done;
	v->sleep_timer.data = v;
	timer_arm(&v->sleep_timer, this_cpu()->id, deadline);
	sched_block(&v->se, v->exit.tsc);
	return 0;
}

static uint64_t hc_vcpu_start(struct vcpu *v, uint32_t idx, uint32_t eip,
			      uint32_t esp)
{
	struct vm *vm = v->vm;
	struct vcpu_boot boot = {
		.mode = VCPU_MODE_PM32, .rip = eip, .rsp = esp, .rax = idx,
	};

	if (idx == 0 || idx >= vm->n_vcpus)
		return (uint32_t)-EINVAL;
	if (vcpu_start(&vm->vcpus[idx], &boot, v->exit.tsc))
		return (uint32_t)-EBUSY;
	return 0;
}

/*
 * KVM_HC_SCHED_YIELD: the guest sent an IPI to a vCPU that is not
 * running. When that vCPU waits for a pCPU, give this one up: the yield
 * lets whoever waits here run first, the target among them when it is
 * queued on this pCPU. The result is not looked at by Linux: 0.
 */
static uint64_t hc_sched_yield(struct vcpu *v, uint64_t apicid)
{
	int t = pv_yield_target(apicid, v->vm->n_vcpus, v->id);

	v->pv_yields++;
	if (t >= 0 && v->vm->vcpus[t].se.state == VCPU_RUNNABLE)
		sched_yield(&v->se, v->exit.tsc);
	return 0;
}

uint64_t hypercall(struct vcpu *v, uint64_t nr, uint64_t *rbx)
{
	struct guest_regs *r = &v->regs;

	switch (nr & 0xffffffff) {
	case HC_VERSION:
		*rbx = HC_VERSION_ABI;
		return HC_VERSION_MAGIC;
	case HC_SLEEP_UNTIL:
		return hc_sleep_until(v, (r->rdx << 32) | (uint32_t)r->rbx);
	case HC_VCPU_START:
		return hc_vcpu_start(v, r->rbx, r->rcx, r->rdx);
	case KVM_HC_SCHED_YIELD:
		if (!(v->vm->cfg->pv & CFG_PV_YIELD))
			break;
		return hc_sched_yield(v, r->rbx);
	default:
		break;
	}
	return (uint32_t)HC_ENOSYS;
}
