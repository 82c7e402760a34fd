/* SPDX-License-Identifier: GPL-2.0 */
/* Where a Multiboot2 guest's modules go in its RAM. */
#ifndef HV_GUESTS_MODPLACE_H
#define HV_GUESTS_MODPLACE_H

#include <stdint.h>
#include "guests/mbi.h"

#define MOD_ALIGN	4096ULL	/* page-aligned: also what tag 6 asks */

/* Guest-physical addresses [start, end) that a module must not overlap. */
struct gpa_range {
	uint64_t start, end;
};

/*
 * Place @n modules of @size[i] bytes, in order, each at the lowest
 * MOD_ALIGN-aligned address at or above @from (the first) or the end of
 * the module before it, such that the module lies inside one type-1
 * region of @map (@n_map entries), ends at or below @limit and overlaps
 * none of the @n_busy ranges in @busy. An empty module takes a page's
 * start all the same, so that no two modules share an address.
 *
 * Fills @gpa[0..n-1] and returns 0, or returns -ENOSPC with *@failed the
 * index of the first module that does not fit.
 */
int mod_place(const struct mbi_region *map, unsigned int n_map,
	      const struct gpa_range *busy, unsigned int n_busy,
	      uint64_t from, uint64_t limit,
	      const uint64_t *size, unsigned int n,
	      uint64_t *gpa, unsigned int *failed);

#endif
