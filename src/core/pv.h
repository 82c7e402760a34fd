/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The KVM paravirtual interface, as far as hvisor offers it (Linux's
 * Documentation/virt/kvm/x86/{cpuid,msr}.rst): CPUID 0x40000001 lists the
 * features, each switched on per guest (hvisor.ini "pv = ...").
 *
 * Steal time: the guest gives each vCPU a 64-byte record by writing its
 * guest-physical address | 1 to MSR_KVM_STEAL_TIME. Before every entry
 * the hypervisor stores there the nanoseconds the vCPU spent runnable but
 * not running, under a version that is odd while it writes, and a
 * "preempted" flag that tells the guest's spinlocks not to wait for a
 * vCPU the scheduler took off its pCPU.
 */
#ifndef HV_CORE_PV_H
#define HV_CORE_PV_H

#include <stdbool.h>
#include <stdint.h>

#define MSR_KVM_STEAL_TIME	0x4b564d03
#define KVM_MSR_ENABLED		1ULL
#define KVM_FEATURE_STEAL_TIME	5	/* CPUID 0x40000001 EAX bits */
#define KVM_FEATURE_PV_UNHALT	7
#define KVM_FEATURE_PV_TLB_FLUSH 9
#define KVM_FEATURE_PV_SEND_IPI	11
#define KVM_FEATURE_PV_SCHED_YIELD 13
/* Hypercalls: VMCALL with the number in RAX, arguments in RBX, RCX, RDX, RSI. */
#define KVM_HC_KICK_CPU		5	/* RBX flags (0), RCX the target's APIC ID */
#define KVM_HC_SEND_IPI		10	/* RBX, RCX bitmap; RDX first APIC ID; RSI ICR */
#define KVM_HC_SCHED_YIELD	11	/* RBX the target's APIC ID */
#define KVM_EINVAL		22	/* returned negated, as KVM does */
#define KVM_VCPU_PREEMPTED	(1u << 0)
/* Set by another vCPU instead of a flush IPI while this one is off. */
#define KVM_VCPU_FLUSH_TLB	(1u << 1)

/* The guest's record (64 bytes, 64-byte aligned). */
struct kvm_steal_time {
	uint64_t steal;		/* ns runnable but not running */
	uint32_t version;	/* odd while the hypervisor writes */
	uint32_t flags;
	uint8_t preempted;	/* KVM_VCPU_PREEMPTED */
	uint8_t u8_pad[3];
	uint32_t pad[11];
};

/* A vCPU's steal-time state; all zero: off. */
struct pv_steal {
	uint64_t msr;			/* as the guest last wrote it */
	struct kvm_steal_time *rec;	/* host address, NULL when off */
	uint64_t written;		/* the steal value last stored */
};

/* Guest-physical to host address of a whole range, or NULL. */
typedef void *(*pv_gpa_fn)(void *ctx, uint64_t gpa, uint64_t len);

/*
 * WRMSR MSR_KVM_STEAL_TIME: 0, or -EINVAL (#GP) for reserved bits, a
 * misaligned record or one outside guest RAM.
 */
int pv_steal_write(struct pv_steal *s, uint64_t val, pv_gpa_fn gpa, void *ctx);
/*
 * Owner, before an entry: publish @steal_ns and clear "preempted". True
 * when the guest asked for a TLB flush meanwhile (KVM_VCPU_FLUSH_TLB).
 */
bool pv_steal_enter(struct pv_steal *s, uint64_t steal_ns);
/* The vCPU is being taken off its pCPU while it could still run. */
void pv_steal_preempted(struct pv_steal *s);

/*
 * KVM_HC_SCHED_YIELD from vCPU @self of @n_vcpus, for APIC ID @apicid
 * (hvisor's vLAPIC IDs are the vCPU indexes): the target vCPU's index,
 * or -1 when there is nobody else to yield to.
 */
int pv_yield_target(uint64_t apicid, uint32_t n_vcpus, uint32_t self);

/*
 * KVM_HC_KICK_CPU, PV unhalt: Linux's paravirtual spinlocks halt a waiter
 * (with interrupts on or off) and the unlocker kicks it. The kick is a
 * per-vCPU flag: set by the kicker, taken by the target's next HLT, which
 * then does not halt; a target already halted is woken.
 */
/* Kicker: set @flag; true when the target may be halted and must be woken. */
static inline void pv_kick_set(uint32_t *flag)
{
	__atomic_store_n(flag, 1, __ATOMIC_SEQ_CST);
}
/* Target, at HLT: was it kicked since its last HLT? Takes the kick. */
static inline bool pv_kick_take(uint32_t *flag)
{
	return __atomic_exchange_n(flag, 0, __ATOMIC_SEQ_CST);
}

/*
 * KVM_HC_SEND_IPI: one IPI to many vCPUs. The ICR's vector and delivery
 * mode go to every target; destination mode and shorthand must be 0
 * (physical, no shorthand) and the mode fixed or NMI, else -EINVAL.
 */
struct pv_ipi {
	uint8_t vector;
	uint8_t mode;		/* enum apic_delivery: fixed or NMI */
};
int pv_ipi_decode(uint64_t icr, struct pv_ipi *out);
/*
 * Bit i of @lo is APIC ID @min + i and bit i of @hi is @min + @width + i
 * (@width 64 for a 64-bit caller, 32 for a 32-bit one, whose registers
 * hold 32 bits). Calls @fn for each target below @n_vcpus; returns how
 * many there were. IDs past the vCPUs are ignored, as absent APICs are.
 */
unsigned int pv_ipi_each(uint64_t lo, uint64_t hi, uint64_t min,
			 unsigned int width, uint32_t n_vcpus,
			 void (*fn)(void *ctx, uint32_t id), void *ctx);

#endif
