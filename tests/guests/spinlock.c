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
 *
 * Prints "spinlock: <rounds> rounds per vCPU, <cycles> TSC cycles" and
 * "spinlock: PASS".
 */
#include "libguest.h"

enum spin_fail {
	FAIL_ARGS = 1,
	FAIL_START,
	FAIL_COUNT,
};

static volatile uint32_t lock;
static volatile uint32_t counter;
static uint32_t rounds, hold;

static void spin_lock(void)
{
	while (__atomic_exchange_n(&lock, 1, __ATOMIC_ACQUIRE))
		while (lock)
			asm volatile("pause");
}

static void spin_unlock(void)
{
	__atomic_store_n(&lock, 0, __ATOMIC_RELEASE);
}

static void worker(uint32_t index)
{
	for (uint32_t i = 0; i < rounds; i++) {
		spin_lock();
		counter++;
		guest_delay(hold);
		spin_unlock();
		guest_delay(hold / 8);
	}
}

int guest_main(uint32_t magic, uint32_t mbi)
{
	uint64_t t0;

	if (guest_arg_u32("rounds", 200, &rounds) ||
	    guest_arg_u32("hold", 20000, &hold))
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
	guest_puts("spinlock: PASS\n");
	return 0;
}
