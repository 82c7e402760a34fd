// SPDX-License-Identifier: GPL-2.0
/*
 * Physical frame allocator: a sorted array of free ranges.
 *
 * Firmware memory maps overlap, come unsorted and hold zero-length or
 * sub-page entries, so the pool is built by set operations rather than by
 * trusting the map: first the union of every RAM region, shrunk to whole
 * pages, then every other region and every known user is subtracted,
 * grown to whole pages. Whatever the order of the map, reserved wins.
 */
#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <errno.h>

#include "mm/frame.h"

#define PAGE_MASK	(FRAME_SIZE - 1)

struct frame_pool hv_frames;

static uint64_t page_down(uint64_t a)
{
	return a & ~PAGE_MASK;
}

/* Rounds up, saturating at the top of the address space. */
static uint64_t page_up(uint64_t a)
{
	if (a > UINT64_MAX - PAGE_MASK)
		return UINT64_MAX;
	return (a + PAGE_MASK) & ~PAGE_MASK;
}

/* base + len, saturating: maps may describe the end of the address space. */
static uint64_t end_of(uint64_t base, uint64_t len)
{
	if (len > UINT64_MAX - base)
		return UINT64_MAX;
	return base + len;
}

static void range_delete(struct frame_pool *p, uint32_t i)
{
	memmove(&p->r[i], &p->r[i + 1], (p->n - i - 1) * sizeof(p->r[0]));
	p->n--;
}

static int range_insert_at(struct frame_pool *p, uint32_t i, uint64_t base,
			   uint64_t end)
{
	if (p->n >= FRAME_POOL_MAX)
		return -ENOSPC;
	memmove(&p->r[i + 1], &p->r[i], (p->n - i) * sizeof(p->r[0]));
	p->r[i].base = base;
	p->r[i].end = end;
	p->n++;
	return 0;
}

/* Union [base, end) into the pool, merging overlapping and adjacent ranges. */
static int range_add(struct frame_pool *p, uint64_t base, uint64_t end)
{
	uint32_t i, j;

	if (base >= end)
		return 0;
	/* First range that ends at or after base: it may touch us. */
	for (i = 0; i < p->n && p->r[i].end < base; i++)
		;
	if (i == p->n || p->r[i].base > end)
		return range_insert_at(p, i, base, end);

	if (base < p->r[i].base)
		p->r[i].base = base;
	if (end > p->r[i].end)
		p->r[i].end = end;
	/* Swallow every later range that now touches range i. */
	for (j = i + 1; j < p->n && p->r[j].base <= p->r[i].end; ) {
		if (p->r[j].end > p->r[i].end)
			p->r[i].end = p->r[j].end;
		range_delete(p, j);
	}
	return 0;
}

/* Subtract [base, end); only a split in the middle needs a new slot. */
static int range_remove(struct frame_pool *p, uint64_t base, uint64_t end)
{
	uint32_t i = 0;

	if (base >= end)
		return 0;
	while (i < p->n) {
		struct frame_range *r = &p->r[i];

		if (r->end <= base) {
			i++;
			continue;
		}
		if (r->base >= end)
			break;
		if (r->base < base && r->end > end) {
			int ret = range_insert_at(p, i + 1, end, r->end);

			if (ret)
				return ret;
			r->end = base;
			return 0;
		}
		if (r->base < base) {
			r->end = base;
			i++;
			continue;
		}
		if (r->end > end) {
			r->base = end;
			break;
		}
		range_delete(p, i);
	}
	return 0;
}

/* Remove [base, base + len) grown outward to whole pages. */
static int reserve_bytes(struct frame_pool *p, uint64_t base, uint64_t len)
{
	if (!len)
		return 0;
	return range_remove(p, page_down(base), page_up(end_of(base, len)));
}

int frame_pool_init(struct frame_pool *p, const struct boot_info *bi)
{
	uint32_t i;
	int ret;

	if (!p || !bi || bi->n_mmap > BOOT_MMAP_MAX ||
	    bi->n_mods > BOOT_MOD_MAX)
		return -EINVAL;
	memset(p, 0, sizeof(*p));

	for (i = 0; i < bi->n_mmap; i++) {
		const struct boot_mem_region *m = &bi->mmap[i];

		if (m->type != BOOT_MEM_RAM || !m->len)
			continue;
		ret = range_add(p, m->base, end_of(m->base, m->len));
		if (ret)
			return ret;
	}
	/* Only now shrink to whole pages: two RAM entries may share one. */
	for (i = 0; i < p->n; ) {
		p->r[i].base = page_up(p->r[i].base);
		p->r[i].end = page_down(p->r[i].end);
		if (p->r[i].base >= p->r[i].end)
			range_delete(p, i);
		else
			i++;
	}
	for (i = 0; i < bi->n_mmap; i++) {
		const struct boot_mem_region *m = &bi->mmap[i];

		if (m->type == BOOT_MEM_RAM)
			continue;
		ret = reserve_bytes(p, m->base, m->len);
		if (ret)
			return ret;
	}

	/* Page 0 is inside the low limit; the range keeps the rule explicit. */
	ret = range_remove(p, 0, FRAME_LOW_LIMIT);
	if (!ret && bi->image_end > bi->image_start)
		ret = reserve_bytes(p, bi->image_start,
				    bi->image_end - bi->image_start);
	for (i = 0; !ret && i < bi->n_mods; i++)
		ret = reserve_bytes(p, bi->mods[i].base, bi->mods[i].size);
	if (!ret && bi->trampoline)
		ret = reserve_bytes(p, page_down(bi->trampoline), FRAME_SIZE);
	return ret;
}

int frame_pool_reserve(struct frame_pool *p, uint64_t base, uint64_t len)
{
	if (!p)
		return -EINVAL;
	return reserve_bytes(p, base, len);
}

uint64_t frame_pool_alloc(struct frame_pool *p, uint64_t npages,
			  uint64_t align, uint64_t max_addr)
{
	uint64_t size;
	uint32_t i;

	if (!p || !npages || npages > (UINT64_MAX >> FRAME_SHIFT))
		return 0;
	if (align < FRAME_SIZE || (align & (align - 1)))
		return 0;
	size = npages << FRAME_SHIFT;
	if (!max_addr)
		max_addr = UINT64_MAX;

	/* Highest fit first, so low memory stays for those who need it. */
	for (i = p->n; i-- > 0; ) {
		struct frame_range *r = &p->r[i];
		uint64_t top = r->end < max_addr ? r->end : max_addr;
		uint64_t start;

		if (top < size)
			continue;
		start = (top - size) & ~(align - 1);
		if (start < r->base)
			continue;
		/*
		 * Taking from the middle of a range (below max_addr or an
		 * alignment gap) needs one more slot; with none left, keep
		 * the head and lose the tail rather than fail.
		 */
		if (range_remove(p, start, start + size)) {
			uint64_t tail = r->end - (start + size);

			p->dropped += tail;
			r->end = start;
			if (r->base == r->end)
				range_delete(p, i);
		}
		return start;
	}
	return 0;
}

uint64_t frame_pool_alloc_low(struct frame_pool *p, uint64_t max_addr)
{
	uint32_t i;

	if (!p)
		return 0;
	if (!max_addr)
		max_addr = UINT64_MAX;
	for (i = 0; i < p->n; i++) {
		struct frame_range *r = &p->r[i];
		uint64_t pa = r->base;

		if (pa > max_addr || max_addr - pa < FRAME_SIZE)
			break;
		r->base += FRAME_SIZE;
		if (r->base == r->end)
			range_delete(p, i);
		return pa;
	}
	return 0;
}

void frame_pool_free(struct frame_pool *p, uint64_t pa, uint64_t npages)
{
	uint64_t end;
	uint32_t i;

	if (!p || !npages || (pa & PAGE_MASK) ||
	    npages > (UINT64_MAX >> FRAME_SHIFT) ||
	    (npages << FRAME_SHIFT) > UINT64_MAX - pa)
		return;
	end = pa + (npages << FRAME_SHIFT);
	/* Page 0 stands for failure and must never come back out. */
	if (!pa)
		return;
	/* A free range overlapping this one means a double free: ignore. */
	for (i = 0; i < p->n && p->r[i].base < end; i++)
		if (p->r[i].end > pa)
			return;
	if (range_add(p, pa, end))
		p->dropped += end - pa;
}

uint64_t frame_pool_free_bytes(const struct frame_pool *p)
{
	uint64_t sum = 0;
	uint32_t i;

	for (i = 0; p && i < p->n; i++)
		sum += p->r[i].end - p->r[i].base;
	return sum;
}

uint64_t frame_pool_largest(const struct frame_pool *p)
{
	uint64_t best = 0;
	uint32_t i;

	for (i = 0; p && i < p->n; i++)
		if (p->r[i].end - p->r[i].base > best)
			best = p->r[i].end - p->r[i].base;
	return best;
}

/* Does [base, end) touch a region of the map other than RAM, a module or
 * the image? */
static bool low_page_busy(const struct boot_info *bi, uint64_t base,
			  uint64_t end)
{
	uint32_t i;

	for (i = 0; i < bi->n_mmap; i++) {
		const struct boot_mem_region *m = &bi->mmap[i];

		if (m->type != BOOT_MEM_RAM && m->len &&
		    m->base < end && end_of(m->base, m->len) > base)
			return true;
	}
	for (i = 0; i < bi->n_mods; i++) {
		const struct boot_module *m = &bi->mods[i];

		if (m->size && m->base < end && end_of(m->base, m->size) > base)
			return true;
	}
	if (bi->image_end > bi->image_start &&
	    bi->image_start < end && bi->image_end > base)
		return true;
	return false;
}

uint64_t frame_find_low_page(const struct boot_info *bi, uint64_t max_addr)
{
	uint64_t best = 0;
	uint32_t i;

	if (!bi || bi->n_mmap > BOOT_MMAP_MAX || bi->n_mods > BOOT_MOD_MAX)
		return 0;
	for (i = 0; i < bi->n_mmap; i++) {
		const struct boot_mem_region *m = &bi->mmap[i];
		uint64_t pa, end;

		if (m->type != BOOT_MEM_RAM || !m->len)
			continue;
		pa = page_up(m->base);
		if (pa < FRAME_SIZE)
			pa = FRAME_SIZE;
		end = page_down(end_of(m->base, m->len));
		if (max_addr && end > max_addr)
			end = max_addr;
		/* Low memory maps are short: page by page is fine. */
		for (; pa < end && end - pa >= FRAME_SIZE; pa += FRAME_SIZE) {
			if (best && pa >= best)
				break;
			if (!low_page_busy(bi, pa, pa + FRAME_SIZE)) {
				best = pa;
				break;
			}
		}
	}
	return best;
}

uint64_t frame_alloc(uint64_t npages)
{
	return frame_pool_alloc(&hv_frames, npages, FRAME_SIZE, 0);
}

uint64_t frame_alloc_aligned(uint64_t npages, uint64_t align)
{
	return frame_pool_alloc(&hv_frames, npages, align, 0);
}

void frame_free(uint64_t pa, uint64_t npages)
{
	frame_pool_free(&hv_frames, pa, npages);
}
