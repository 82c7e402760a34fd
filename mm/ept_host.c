// SPDX-License-Identifier: GPL-2.0
/* EPT tables from the hypervisor's frame pool, reached through its identity map. */
#include <string.h>
#include "mm/ept.h"
#include "mm/frame.h"

static uint64_t ept_alloc_table(void *ctx)
{
	uint64_t pa = frame_alloc(1);

	if (pa)
		memset((void *)pa, 0, 4096);
	return pa;
}

static void ept_free_table(void *ctx, uint64_t pa)
{
	frame_free(pa, 1);
}

static void *ept_phys_to_virt(void *ctx, uint64_t pa)
{
	return (void *)pa;		/* the host map is an identity map */
}

const struct ept_ops ept_host_ops = {
	.alloc_table = ept_alloc_table,
	.free_table = ept_free_table,
	.phys_to_virt = ept_phys_to_virt,
};
