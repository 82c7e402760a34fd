// SPDX-License-Identifier: GPL-2.0
/* Address-range claims for the port I/O and MMIO buses (bus.h). */
#include <errno.h>
#include "dev/bus.h"

int bus_claim(struct bus_slot *slots, unsigned int *n, unsigned int max,
	      uint64_t base, uint64_t len, const void *ops, void *dev)
{
	if (*n == max)
		return -ENOSPC;
	for (unsigned int i = 0; i < *n; i++)
		if (base < slots[i].base + slots[i].len &&
		    slots[i].base < base + len)
			return -EEXIST;
	slots[*n] = (struct bus_slot){ base, len, ops, dev };
	(*n)++;
	return 0;
}

int bus_find(const struct bus_slot *slots, unsigned int n, uint64_t addr,
	     uint64_t size)
{
	for (unsigned int i = 0; i < n; i++) {
		uint64_t b = slots[i].base, l = slots[i].len;

		if (addr >= b && addr - b < l && size <= l - (addr - b))
			return i;
	}
	return -1;
}
