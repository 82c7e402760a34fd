/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the port I/O and MMIO buses share: a small table of address
 * ranges, each claimed by one device with its ops.
 */
#ifndef HV_DEV_BUS_H
#define HV_DEV_BUS_H

#include <stdint.h>

struct bus_slot {
	uint64_t base, len;
	const void *ops;	/* struct pio_ops or struct mmio_ops */
	void *dev;
};

/*
 * Claim [@base, @base + @len) in @slots (@n used of @max) for @dev:
 * 0, -ENOSPC when the table is full, -EEXIST when it overlaps a claim.
 */
int bus_claim(struct bus_slot *slots, unsigned int *n, unsigned int max,
	      uint64_t base, uint64_t len, const void *ops, void *dev);
/* The slot whose range holds all of [@addr, @addr + @size), or -1. */
int bus_find(const struct bus_slot *slots, unsigned int n, uint64_t addr,
	     uint64_t size);

#endif
