// SPDX-License-Identifier: GPL-2.0
/*
 * spinlock: two vCPUs of one guest take turns on a spinlock while they
 * share a single pCPU. The waiter spins with PAUSE; when the holder is
 * descheduled inside its critical section, only PAUSE-loop exiting (the
 * hypervisor makes the spinner yield) lets the holder run again before
 * the spinner's slice is over.
 *
 *	rounds=N	lock handoffs per vCPU (default 200)
 *	hold=N		guest_delay() units spent holding the lock (default 20000)
 *	kick=1		wait as Linux's paravirtual spinlocks do (KVM PV
 *			unhalt): spin a little, then HLT, with interrupts off
 *			in odd rounds and on in even ones, until the unlocker
 *			sends KVM_HC_KICK_CPU. A lost kick leaves the waiter
 *			halted for good: the guest never finishes.
 *
 * Prints "spinlock: <rounds> rounds per vCPU, <cycles> TSC cycles",
 * with kick=1 also "spinlock: <n> halts, <k> kicks", and "spinlock: PASS".
 */
#include "libguest.h"

enum spin_fail {
	FAIL_ARGS = 1,
	FAIL_START,
	FAIL_COUNT,
};

#define KVM_HC_KICK_CPU		5
#define KICK_SPINS		64

static volatile uint32_t lock;
static volatile uint32_t counter;
static volatile uint32_t waiting[2];	/* a vCPU may halt: kick it */
static volatile uint32_t halts, kicks;
static uint32_t rounds, hold, kick;

/*
 * kick=1: announce, look at the lock once more, halt. The announcement
 * and the unlocker's store are both full barriers (XCHG), so either the
 * waiter sees the lock free or the unlocker sees it waiting and kicks.
 */
static void kick_wait(uint32_t self, bool irq_on)
{
	__atomic_exchange_n(&waiting[self], 1, __ATOMIC_SEQ_CST);
	asm volatile("cli" ::: "memory");
	if (lock) {
		__atomic_fetch_add(&halts, 1, __ATOMIC_RELAXED);
		if (irq_on)
			asm volatile("sti; hlt; cli" ::: "memory");
		else
			asm volatile("hlt" ::: "memory");
	}
	__atomic_store_n(&waiting[self], 0, __ATOMIC_SEQ_CST);
}

static void spin_lock(uint32_t self, uint32_t round)
{
	while (__atomic_exchange_n(&lock, 1, __ATOMIC_ACQUIRE)) {
		for (uint32_t n = 0; lock && (!kick || n < KICK_SPINS); n++)
			asm volatile("pause");
		if (kick && lock)
			kick_wait(self, round % 2 == 0);
	}
}

static void spin_unlock(uint32_t self)
{
	struct regs4 r = { .ebx = 0, .ecx = !self };

	__atomic_exchange_n(&lock, 0, __ATOMIC_SEQ_CST);
	if (kick && __atomic_load_n(&waiting[!self], __ATOMIC_SEQ_CST)) {
		__atomic_fetch_add(&kicks, 1, __ATOMIC_RELAXED);
		vmcall(KVM_HC_KICK_CPU, &r);	/* ECX: the APIC ID = index */
	}
}

static void worker(uint32_t index)
{
	for (uint32_t i = 0; i < rounds; i++) {
		spin_lock(index, i);
		counter++;
		guest_delay(hold);
		spin_unlock(index);
		guest_delay(hold / 8);
	}
}

int guest_main(uint32_t magic, uint32_t mbi)
{
	uint64_t t0;

	if (guest_arg_u32("rounds", 200, &rounds) ||
	    guest_arg_u32("hold", 20000, &hold) ||
	    guest_arg_u32("kick", 0, &kick))
		return FAIL_ARGS;
	t0 = rdtsc();
	if (guest_start_vcpus(2, worker))
		return FAIL_START;
	worker(0);
	guest_wait_vcpus();
	if (counter != 2 * rounds) {
		guest_printf("spinlock: counter %u, want %u\n", counter, 2 * rounds);
		return FAIL_COUNT;
	}
	guest_printf("spinlock: %u rounds per vCPU, %u TSC cycles\n", rounds,
		     (uint32_t)(rdtsc() - t0));
	if (kick)
		guest_printf("spinlock: %u halts, %u kicks\n", halts, kicks);
	guest_puts("spinlock: PASS\n");
	return 0;
}
