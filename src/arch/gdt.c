// SPDX-License-Identifier: GPL-2.0
/* Per-CPU GDT and TSS. The VMCS host state reuses these selectors. */
#include <string.h>
#include "src/arch/cpu.h"
#include "src/arch/x86.h"

struct desc_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

/* TSS offsets (Intel SDM Vol. 3A, 64-bit TSS). */
#define TSS_IST1	0x24
#define TSS_IOMAP	0x66

void gdt_load(struct percpu *c)
{
	uint64_t tss = (uint64_t)c->tss;
	uint64_t *g = c->gdt;
	struct desc_ptr p;
	uint64_t ist = (uint64_t)c->ist_stack + sizeof(c->ist_stack);

	memset(c->tss, 0, sizeof(c->tss));
	memcpy(c->tss + TSS_IST1, &ist, 8);
	c->tss[TSS_IOMAP] = sizeof(c->tss);	/* no I/O bitmap */

	g[0] = 0;
	g[1] = 0x00af9a000000ffffULL;		/* 64-bit code */
	g[2] = 0x00cf92000000ffffULL;		/* data */
	g[3] = (sizeof(c->tss) - 1) | ((tss & 0xffffff) << 16) |
	       (0x89ULL << 40) | (((tss >> 24) & 0xff) << 56);
	g[4] = tss >> 32;

	p.limit = 5 * 8 - 1;
	p.base = (uint64_t)g;
	asm volatile("lgdt %0" : : "m"(p));
	asm volatile(
		"pushq %[cs]\n\t"
		"leaq 1f(%%rip), %%rax\n\t"
		"pushq %%rax\n\t"
		"lretq\n"
		"1:\n\t"
		"movw %w[ds], %%ax\n\t"
		"movw %%ax, %%ds\n\t"
		"movw %%ax, %%es\n\t"
		"movw %%ax, %%ss\n\t"
		"xorl %%eax, %%eax\n\t"
		"movw %%ax, %%fs\n\t"
		"movw %%ax, %%gs\n\t"
		: : [cs] "i"(SEL_CODE), [ds] "r"(SEL_DATA) : "rax", "memory");
	asm volatile("ltr %w0" : : "r"(SEL_TSS));
	/* Reloading FS/GS zeroed their bases: point them at this CPU again. */
	wrmsr(MSR_GS_BASE, (uint64_t)c);
	wrmsr(MSR_FS_BASE, (uint64_t)c);
}
