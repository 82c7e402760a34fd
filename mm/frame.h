/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Physical frame allocator.
 *
 * A pool is a sorted array of disjoint, non-adjacent free ranges, built once
 * from the boot memory map. It is instance based so the host tests can make
 * as many as they like; the hypervisor uses the one global pool hv_frames
 * through frame_alloc() and friends.
 *
 * Nothing here locks: the hypervisor allocates from the BSP during boot, and
 * later callers on several CPUs must serialise around the pool themselves.
 */
#ifndef HV_MM_FRAME_H
#define HV_MM_FRAME_H

#include <stdint.h>
#include "src/boot/boot_info.h"

#define FRAME_SIZE		4096ULL
#define FRAME_SHIFT		12
#define FRAME_POOL_MAX		256
/* Frames below this are never handed out: BIOS data, EBDA, VGA, ROMs. */
#define FRAME_LOW_LIMIT		0x100000ULL

struct frame_range {
	uint64_t base;		/* page aligned */
	uint64_t end;		/* page aligned, exclusive */
};

struct frame_pool {
	uint32_t n;
	struct frame_range r[FRAME_POOL_MAX];
	/* Bytes freed while the array was full and therefore lost. */
	uint64_t dropped;
};

int frame_pool_init(struct frame_pool *p, const struct boot_info *bi);
int frame_pool_reserve(struct frame_pool *p, uint64_t base, uint64_t len);
uint64_t frame_pool_alloc(struct frame_pool *p, uint64_t npages,
			  uint64_t align, uint64_t max_addr);
uint64_t frame_pool_alloc_low(struct frame_pool *p, uint64_t max_addr);
void frame_pool_free(struct frame_pool *p, uint64_t pa, uint64_t npages);
uint64_t frame_pool_free_bytes(const struct frame_pool *p);
uint64_t frame_pool_largest(const struct frame_pool *p);

/*
 * The lowest page in [4 KiB, max_addr) that the map calls RAM and that no
 * reserved region, module or the image touches, or 0. For the AP trampoline
 * when bi->trampoline is 0: the pool itself never holds memory below 1 MiB.
 * It does not know where the MBI is; the caller checks that.
 */
uint64_t frame_find_low_page(const struct boot_info *bi, uint64_t max_addr);

/* The hypervisor's pool. */
extern struct frame_pool hv_frames;

uint64_t frame_alloc(uint64_t npages);
uint64_t frame_alloc_aligned(uint64_t npages, uint64_t align);
void frame_free(uint64_t pa, uint64_t npages);

#endif
