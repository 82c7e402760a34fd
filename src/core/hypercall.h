/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest <-> hvisor contract: hypercall numbers and return values and
 * the test-exit and stats-mark ports (the hypervisor's own exit codes are in
 * src/arch/power.h). Only
 * #defines, so that the hypervisor, the host tools and the 32-bit test
 * guests can all include it.
 *
 * A hypercall is `vmcall` with EAX = number; results come back in EAX
 * (and EBX for HC_VERSION).
 */
#ifndef HV_HYPERCALL_H
#define HV_HYPERCALL_H

/* HC_VERSION: EAX = HC_VERSION_MAGIC, EBX = HC_VERSION_ABI. */
#define HC_VERSION		0
#define HC_VERSION_MAGIC	0x68767372u	/* 'hvsr' */
#define HC_VERSION_ABI		1

/*
 * HC_SLEEP_UNTIL: block this vCPU until the TSC reaches EDX:EBX (a
 * deadline in the past returns at once). EAX = 0. Stands in for the
 * vLAPIC timer until the interrupt platform exists.
 */
#define HC_SLEEP_UNTIL		2

/*
 * HC_VCPU_START: start vCPU EBX (1..vcpus-1) of this guest in 32-bit flat
 * protected mode at EIP = ECX with ESP = EDX and EAX = its index. EAX = 0,
 * or -22 (-EINVAL: no such vCPU) or -16 (-EBUSY: already started). Stands
 * in for INIT/SIPI until the interrupt platform exists.
 */
#define HC_VCPU_START		3

/* EAX after a hypercall with a number the hypervisor does not know. */
#define HC_ENOSYS		(-38)

/*
 * A guest writes its result (outb or outl) to this port and is stopped:
 * 0 = pass, 1..63 = the guest's own failure code.
 */
#define HV_TEST_EXIT_PORT	0xf4

/*
 * A guest writes a tag (0..255) to this port and hvisor prints, for each
 * of that guest's vCPUs, a line
 *   sched-mark vm=NAME tag=T vcpu=NAME/I run_us=R wait_us=W blocked_us=B
 * and then "sched-mark vm=NAME tag=T elapsed_us=E": its counters so far,
 * so that a benchmark can compare a window it measured inside the guest
 * (steal time, say) with the scheduler's own figures for that window.
 */
#define HV_STATS_MARK_PORT	0xf5

#endif
