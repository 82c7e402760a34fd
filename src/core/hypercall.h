/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest <-> hvisor contract: hypercall numbers and return values and
 * the test-exit port (the hypervisor's own exit codes are in
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

#endif
