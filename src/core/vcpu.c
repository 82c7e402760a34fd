// SPDX-License-Identifier: GPL-2.0
/* A vCPU's creation and life, vendor-neutral (the loop is in run.c). */
#include <errno.h>
#include <string.h>
#include "mm/frame.h"
#include "src/arch/fpu.h"
#include "src/arch/panic.h"
#include "src/arch/percpu.h"
#include "src/core/msr.h"
#include "src/core/pv.h"
#include "src/core/vcpu.h"
#include "src/core/vendor.h"
#include "src/core/vm.h"

int vcpu_create(struct vcpu *v, struct vm *vm, uint32_t id)
{
	/* A restart rebuilds @v in place and keeps its pages. */
	struct vcpu_vendor *vendor = v->vendor;
	void *fpu = v->fpu;

	memset(v, 0, sizeof(*v));
	v->vendor = vendor;
	v->vm = vm;
	v->id = id;
	v->pending_vec = -1;
	v->se.owner = v;
	v->se.name = v->name;
	v->se.tid = (uint16_t)((vm - vms) * VM_MAX_VCPUS + id);
	v->fpu = fpu ? fpu : (void *)frame_alloc(1);
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

/* A HLT ends: parked (IF = 0) or blocked (IF = 1), it runs again. */
void vcpu_unhalt(struct vcpu *v, uint64_t now)
{
	if (vcpu_life_to(v, VCPU_LIFE_PARKED, VCPU_LIFE_STARTED))
		__atomic_sub_fetch(&v->vm->n_parked, 1, __ATOMIC_ACQ_REL);
	sched_wake(&v->se, now);
}

void vcpu_kick(struct vcpu *v, uint64_t now)
{
	/* Flag first: a HLT on its way takes the flag, one already done is ended. */
	pv_kick_set(&v->pv_kick);
	vcpu_unhalt(v, now);
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
