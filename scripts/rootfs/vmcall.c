// SPDX-License-Identifier: GPL-2.0
/*
 * vmcall: executes VMCALL from user space (CPL 3) with KVM_HC_SCHED_YIELD
 * in RAX. Under hvisor the instruction must raise #UD, which Linux turns
 * into SIGILL: this program then never returns. If it does, the
 * hypervisor took a hypercall from user space; it says so and exits 1.
 */
#include <stdio.h>

int main(void)
{
	unsigned long ret = 11;	/* KVM_HC_SCHED_YIELD */

	asm volatile("vmcall" : "+a"(ret) : "b"(0) : "memory");
	printf("vmcall: VMCALL from user space returned %lu\n", ret);
	return 1;
}
