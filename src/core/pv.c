// SPDX-License-Identifier: GPL-2.0
/* The KVM paravirtual interface: steal time (pv.h). Plain C, host-tested. */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include "src/core/pv.h"

_Static_assert(sizeof(struct kvm_steal_time) == 64, "the KVM ABI's size");

/* Bits 5:1 of the MSR are reserved (the address is 64-byte aligned). */
#define STEAL_RSVD	0x3eULL

int pv_steal_write(struct pv_steal *s, uint64_t val, pv_gpa_fn gpa, void *ctx)
{
	struct kvm_steal_time *rec = NULL;

	if (val & STEAL_RSVD)
		return -EINVAL;
	if (val & KVM_MSR_ENABLED) {
		rec = gpa(ctx, val & ~63ULL, sizeof(*rec));
		if (!rec)
			return -EINVAL;
	}
	s->msr = val;
	s->rec = rec;
	/* Force a first write at the next entry, whatever steal is. */
	s->written = UINT64_MAX;
	return 0;
}

/* Writes in an order the guest can trust: version odd, data, version even. */
static void publish(struct kvm_steal_time *rec, uint64_t steal)
{
	uint32_t v = rec->version;

	__atomic_store_n(&rec->version, v | 1, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	rec->steal = steal;
	__atomic_store_n(&rec->preempted, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&rec->version, (v | 1) + 1, __ATOMIC_RELEASE);
}

void pv_steal_enter(struct pv_steal *s, uint64_t steal_ns)
{
	struct kvm_steal_time *rec = s->rec;

	if (!rec)
		return;
	/* Under an emulator every instruction is guest time: skip no-ops. */
	if (steal_ns == s->written &&
	    !__atomic_load_n(&rec->preempted, __ATOMIC_RELAXED))
		return;
	publish(rec, steal_ns);
	s->written = steal_ns;
}

void pv_steal_preempted(struct pv_steal *s)
{
	if (s->rec)
		__atomic_store_n(&s->rec->preempted, KVM_VCPU_PREEMPTED,
				 __ATOMIC_RELEASE);
}
