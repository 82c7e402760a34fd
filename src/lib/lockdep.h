/* SPDX-License-Identifier: GPL-2.0 */
/* The lock-order checker behind spinlock.h (HV_LOCKDEP builds). */
#ifndef HV_LOCKDEP_H
#define HV_LOCKDEP_H

#include <stdint.h>

#define LOCKDEP_MAX_CPUS	64
/* Deep enough for every run queue (SCHED_MAX_CPUS, 16) under a device lock. */
#define LOCKDEP_DEPTH		24

/* The CPU whose held-lock stack to use; weak default 0 (host tests). */
uint32_t lockdep_cpu_id(void);
/* Called on a violation with the classes involved; weak default aborts. */
void lockdep_violation(const char *what, unsigned int held, unsigned int want);

/* Pure rule, for tests: may a lock of class @want be taken while the
 * @depth classes in @held are held (outermost first)? */
int lockdep_order_ok(const uint8_t *held, unsigned int depth,
		     unsigned int want);

#endif
