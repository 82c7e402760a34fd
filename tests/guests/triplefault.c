// SPDX-License-Identifier: GPL-2.0
/*
 * triplefault: a guest that crashes on purpose. It loads an IDT with limit
 * 0 and executes int3: vector 3 lies outside the IDT (#GP), so does #GP's
 * vector (#DF), and so does #DF's: a triple fault. hvisor must stop this
 * guest alone and let the others finish.
 */
#include "libguest.h"

int guest_main(uint32_t magic, uint32_t mbi)
{
	struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) empty_idt = { 0, 0 };

	guest_puts("triplefault: loading an empty IDT and executing int3\n");
	asm volatile("lidt %0\n\t"
		     "int3"
		     : : "m"(empty_idt) : "memory");

	guest_puts("triplefault: FAIL: still running after the triple fault\n");
	return 1;
}
