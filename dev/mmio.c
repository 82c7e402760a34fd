// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include "dev/mmio.h"

int mmio_register(struct mmio_bus *bus, uint64_t base, uint64_t len,
		  const struct mmio_ops *ops, void *dev)
{
	if (bus->n == MMIO_MAX_DEVS)
		return -ENOSPC;
	for (unsigned int i = 0; i < bus->n; i++)
		if (base < bus->devs[i].base + bus->devs[i].len &&
		    bus->devs[i].base < base + len)
			return -EEXIST;
	bus->devs[bus->n].base = base;
	bus->devs[bus->n].len = len;
	bus->devs[bus->n].ops = ops;
	bus->devs[bus->n].dev = dev;
	bus->n++;
	return 0;
}

int mmio_find(const struct mmio_bus *bus, uint64_t gpa, unsigned int size,
	      uint64_t *off)
{
	for (unsigned int i = 0; i < bus->n; i++) {
		uint64_t b = bus->devs[i].base, l = bus->devs[i].len;

		if (gpa >= b && gpa - b < l && size <= l - (gpa - b)) {
			*off = gpa - b;
			return i;
		}
	}
	return -1;
}
