// SPDX-License-Identifier: GPL-2.0
/* Hypercalls (VMCALL with EAX = number); see src/core/hypercall.h. */
#include <errno.h>
#include "src/arch/x86.h"
#include "src/arch/percpu.h"
#include "src/core/pv.h"
#include "src/core/vendor.h"
#include "src/core/vm.h"
#include "src/core/vmirq.h"

static void sleep_done(struct sw_timer *t, uint64_t now)
{
	struct vcpu *v = t->data;

	if (!vm_stopped(v->vm))
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

/*
 * KVM_HC_KICK_CPU: a paravirtual spinlock's waiter halted (perhaps with
 * interrupts off) and the lock is its now. APIC IDs that name no started
 * vCPU are ignored, as KVM ignores them; the result is always 0.
 */
static uint64_t hc_kick_cpu(struct vcpu *v, uint64_t apicid)
{
	struct vm *vm = v->vm;

	if (apicid < vm->n_vcpus && vcpu_started(&vm->vcpus[apicid])) {
		v->pv_kicks++;
		vcpu_kick(&vm->vcpus[apicid], v->exit.tsc);
	}
	return 0;
}

/* KVM_HC_SEND_IPI: RBX, RCX the bitmap, RDX its first APIC ID, RSI the ICR. */
static uint64_t hc_send_ipi(struct vcpu *v)
{
	struct guest_regs *r = &v->regs;
	/* A 32-bit caller's bitmap halves are 32 bits wide. */
	unsigned int width = vcpu_get_reg(v, VCPU_CS_LONG) ? 64 : 32;
	int n;

	v->pv_ipis++;
	n = vmirq_pv_send_ipi(v, r->rbx, r->rcx, r->rdx, r->rsi, width);
	return n < 0 ? (uint64_t)-KVM_EINVAL : (uint64_t)n;
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
	case KVM_HC_KICK_CPU:
		if (!(v->vm->cfg->pv & CFG_PV_KICK))
			break;
		return hc_kick_cpu(v, r->rcx);
	case KVM_HC_SEND_IPI:
		if (!(v->vm->cfg->pv & CFG_PV_IPI))
			break;
		return hc_send_ipi(v);
	default:
		break;
	}
	return (uint32_t)HC_ENOSYS;
}
