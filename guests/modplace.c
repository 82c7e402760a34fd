// SPDX-License-Identifier: GPL-2.0
/*
 * Multiboot2 module placement: upward from the kernel's end, page by
 * page, skipping what is not RAM and what is already taken. Plain C, so
 * the host build tests it.
 */
#include <errno.h>
#include <stdbool.h>
#include "guests/modplace.h"

#define NONE	UINT64_MAX

static bool align_up(uint64_t a, uint64_t *out)
{
	if (a > UINT64_MAX - (MOD_ALIGN - 1))
		return false;
	*out = (a + MOD_ALIGN - 1) & ~(MOD_ALIGN - 1);
	return true;
}

/* The type-1 region holding @at, or NULL; *@next gets the next one's base. */
static const struct mbi_region *ram_at(const struct mbi_region *map,
				       unsigned int n_map, uint64_t at,
				       uint64_t *next)
{
	*next = NONE;
	for (unsigned int i = 0; i < n_map; i++) {
		const struct mbi_region *r = &map[i];

		if (r->type != 1 || !r->len)
			continue;
		if (r->base <= at && at - r->base < r->len)
			return r;
		if (r->base > at && r->base < *next)
			*next = r->base;
	}
	return NULL;
}

/*
 * The lowest aligned address at or above @at where @len bytes fit, or
 * NONE. Every step moves @at strictly up, so the loop ends.
 */
static uint64_t fit(const struct mbi_region *map, unsigned int n_map,
		    const struct gpa_range *busy, unsigned int n_busy,
		    uint64_t limit, uint64_t at, uint64_t len)
{
	for (;;) {
		const struct mbi_region *r;
		uint64_t next, end;
		bool moved = false;

		if (!align_up(at, &at) || at >= limit || len > limit - at)
			return NONE;
		end = at + len;
		r = ram_at(map, n_map, at, &next);
		if (!r) {
			if (next == NONE)
				return NONE;
			at = next;
			continue;
		}
		if (end - r->base > r->len) {
			at = r->base + r->len;	/* try the next region */
			continue;
		}
		for (unsigned int i = 0; i < n_busy; i++) {
			if (at < busy[i].end && busy[i].start < end) {
				at = busy[i].end;
				moved = true;
				break;
			}
		}
		if (!moved)
			return at;
	}
}

int mod_place(const struct mbi_region *map, unsigned int n_map,
	      const struct gpa_range *busy, unsigned int n_busy,
	      uint64_t from, uint64_t limit,
	      const uint64_t *size, unsigned int n,
	      uint64_t *gpa, unsigned int *failed)
{
	uint64_t at = from;

	for (unsigned int i = 0; i < n; i++) {
		uint64_t len = size[i] ? size[i] : 1;

		gpa[i] = fit(map, n_map, busy, n_busy, limit, at, len);
		if (gpa[i] == NONE) {
			*failed = i;
			return -ENOSPC;
		}
		at = gpa[i] + len;
	}
	return 0;
}
