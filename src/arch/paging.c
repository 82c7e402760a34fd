// SPDX-License-Identifier: GPL-2.0
/*
 * Host page tables: an identity map of all physical memory, with 1 GiB
 * pages where the CPU has them, else 2 MiB. The tables sit below 4 GiB
 * because APs load CR3 while still in 32-bit mode.
 */
#include <errno.h>
#include <string.h>
#include "mm/frame.h"
#include "mm/gpt.h"
#include "src/arch/cpu.h"
#include "src/arch/x86.h"

#define GIB		(1ULL << 30)

static uint64_t root;

static uint64_t *table(void)
{
	uint64_t pa = frame_pool_alloc(&hv_frames, 1, 4096, 1ULL << 32);

	if (pa)
		memset((void *)pa, 0, 4096);
	return (uint64_t *)pa;
}

int paging_init(uint64_t top)
{
	bool gb = cpuid(0x80000001, 0).edx & (1u << 26);
	uint64_t *pml4 = table();

	if (!pml4)
		return -ENOMEM;
	top = (top + GIB - 1) & ~(GIB - 1);
	for (uint64_t a = 0; a < top; a += GIB) {
		uint64_t *pdpt, *pd;
		int i4 = (a >> 39) & 511, i3 = (a >> 30) & 511;

		if (!(pml4[i4] & PTE_P)) {
			pdpt = table();
			if (!pdpt)
				return -ENOMEM;
			pml4[i4] = (uint64_t)pdpt | PTE_P | PTE_RW;
		}
		pdpt = (uint64_t *)(pml4[i4] & ~0xfffULL);
		if (gb) {
			pdpt[i3] = a | PTE_P | PTE_RW | PTE_PS;
			continue;
		}
		pd = table();
		if (!pd)
			return -ENOMEM;
		for (int i = 0; i < 512; i++)
			pd[i] = (a + ((uint64_t)i << 21)) | PTE_P | PTE_RW | PTE_PS;
		pdpt[i3] = (uint64_t)pd | PTE_P | PTE_RW;
	}
	root = (uint64_t)pml4;
	write_cr3(root);
	return 0;
}

uint64_t paging_root(void)
{
	return root;
}
