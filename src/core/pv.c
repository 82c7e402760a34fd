// SPDX-License-Identifier: GPL-2.0
/* The KVM paravirtual interface: steal time, TLB flush, yield, IPIs (pv.h). Plain C. */
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

/*
 * Writes in an order the guest can trust: version odd, data, version
 * even. "preempted" is taken with an exchange: another vCPU may be setting
 * KVM_VCPU_FLUSH_TLB in it right now, and that request must not be lost.
 */
static uint8_t publish(struct kvm_steal_time *rec, uint64_t steal)
{
	uint32_t v = rec->version;
	uint8_t was;

	__atomic_store_n(&rec->version, v | 1, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	rec->steal = steal;
	was = __atomic_exchange_n(&rec->preempted, 0, __ATOMIC_ACQ_REL);
	__atomic_store_n(&rec->version, (v | 1) + 1, __ATOMIC_RELEASE);
	return was;
}

bool pv_steal_enter(struct pv_steal *s, uint64_t steal_ns)
{
	struct kvm_steal_time *rec = s->rec;
	uint8_t was;

	if (!rec)
		return false;
	/* Under an emulator every instruction is guest time: skip no-ops. */
	if (steal_ns == s->written &&
	    !__atomic_load_n(&rec->preempted, __ATOMIC_ACQUIRE))
		return false;
	was = publish(rec, steal_ns);
	s->written = steal_ns;
	return was & KVM_VCPU_FLUSH_TLB;
}

void pv_steal_preempted(struct pv_steal *s)
{
	if (s->rec)
		__atomic_store_n(&s->rec->preempted, KVM_VCPU_PREEMPTED,
				 __ATOMIC_RELEASE);
}

int pv_yield_target(uint64_t apicid, uint32_t n_vcpus, uint32_t self)
{
	if (apicid >= n_vcpus || apicid == self)
		return -1;
	return (int)apicid;
}

/* ICR bits (the x2APIC ICR's low half, as the vLAPIC reads it). */
#define ICR_VECTOR	0xffULL
#define ICR_MODE_SHIFT	8
#define ICR_DEST_LOGICAL (1ULL << 11)
#define ICR_SHORTHAND	(3ULL << 18)
#define ICR_MODE_FIXED	0
#define ICR_MODE_NMI	4

int pv_ipi_decode(uint64_t icr, struct pv_ipi *out)
{
	unsigned int mode = (icr >> ICR_MODE_SHIFT) & 7;

	if (icr & (ICR_DEST_LOGICAL | ICR_SHORTHAND))
		return -EINVAL;
	if (mode != ICR_MODE_FIXED && mode != ICR_MODE_NMI)
		return -EINVAL;
	/* Vectors 0-15 are illegal for a fixed IPI, as the vLAPIC says too. */
	if (mode == ICR_MODE_FIXED && (icr & ICR_VECTOR) < 16)
		return -EINVAL;
	out->vector = icr & ICR_VECTOR;
	out->mode = mode;
	return 0;
}

static unsigned int each_bit(uint64_t bits, uint64_t first, uint32_t n_vcpus,
			     void (*fn)(void *ctx, uint32_t id), void *ctx)
{
	unsigned int count = 0;

	while (bits) {
		uint64_t id = first + (uint64_t)__builtin_ctzll(bits);

		bits &= bits - 1;
		if (id < first || id >= n_vcpus)	/* wrapped or absent */
			continue;
		fn(ctx, (uint32_t)id);
		count++;
	}
	return count;
}

unsigned int pv_ipi_each(uint64_t lo, uint64_t hi, uint64_t min,
			 unsigned int width, uint32_t n_vcpus,
			 void (*fn)(void *ctx, uint32_t id), void *ctx)
{
	if (width < 64) {
		lo &= (1ULL << width) - 1;
		hi &= (1ULL << width) - 1;
		min &= 0xffffffffULL;
	}
	/* A first ID so high that the second half wraps names nobody. */
	return each_bit(lo, min, n_vcpus, fn, ctx) +
	       (min + width < min ? 0 :
		each_bit(hi, min + width, n_vcpus, fn, ctx));
}
