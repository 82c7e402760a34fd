/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A ticket lock, for the few places that are shared across CPUs.
 *
 * Every lock has a class, and classes nest in one order only (outer
 * first; docs/DESIGN.md, "Locks"):
 *
 *   LOCK_PCI    a guest's PCI bus (config space, its devices' BARs) and
 *               virtio-mmio slots (a virtio console's line takes uart_lock;
 *               MSIs and IRQ lines wake vCPUs, lines take dev_lock)
 *   LOCK_NETSW  the guests' Ethernet switches (taken alone: a frame is
 *               copied out under the sender's pci_lock, routed under
 *               this, put in under each receiver's)
 *   LOCK_UART   a guest's vUART (its interrupt line takes dev_lock)
 *   LOCK_DEV    a guest's shared device models (PIC, IOAPIC, PIT, RTC,
 *               PM, reset); delivering to a vLAPIC wakes vCPUs
 *   LOCK_RQ     a pCPU's run queue (several at once only in CPU order:
 *               lock_two(), and all of them for a policy switch)
 *   LOCK_TIMER  a pCPU's software-timer list
 *   LOCK_MBOX   a pCPU's VMCLEAR mailbox
 *   LOCK_PRINT  the console (printk may run under any of the above)
 *
 * Taking a lock whose class is not below every class held is a bug. Debug
 * builds (HV_LOCKDEP: make DEBUG=1, and the host unit tests) check it on
 * every acquisition and report through lockdep_violation().
 */
#ifndef HV_SPINLOCK_H
#define HV_SPINLOCK_H

#include <stdint.h>

enum lock_class {
	LOCK_UNCLASSED,		/* never initialized: a bug under lockdep */
	LOCK_PCI,
	LOCK_NETSW,
	LOCK_UART,
	LOCK_DEV,
	LOCK_RQ,
	LOCK_TIMER,
	LOCK_MBOX,
	LOCK_PRINT,
};

typedef struct {
	volatile uint32_t next;
	volatile uint32_t owner;
	uint32_t cls;			/* enum lock_class */
} spinlock_t;

#define SPINLOCK_INIT(c)	{ 0, 0, (c) }

static inline void spin_lock_init(spinlock_t *l, enum lock_class c)
{
	l->next = 0;
	l->owner = 0;
	l->cls = c;
}

#ifdef HV_LOCKDEP
void lockdep_acquire(const spinlock_t *l);
void lockdep_release(const spinlock_t *l);
#else
static inline void lockdep_acquire(const spinlock_t *l) { }
static inline void lockdep_release(const spinlock_t *l) { }
#endif

static inline void spin_lock(spinlock_t *l)
{
	uint32_t me;

	lockdep_acquire(l);
	me = __atomic_fetch_add(&l->next, 1, __ATOMIC_ACQUIRE);
	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != me)
		__builtin_ia32_pause();
}

static inline void spin_unlock(spinlock_t *l)
{
	__atomic_store_n(&l->owner, l->owner + 1, __ATOMIC_RELEASE);
	lockdep_release(l);
}

#endif
