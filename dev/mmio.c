// SPDX-License-Identifier: GPL-2.0
#include "dev/mmio.h"

int mmio_register(struct mmio_bus *bus, uint64_t base, uint64_t len,
		  const struct mmio_ops *ops, void *dev)
{
	return bus_claim(bus->devs, &bus->n, MMIO_MAX_DEVS, base, len, ops,
			 dev);
}

int mmio_find(const struct mmio_bus *bus, uint64_t gpa, unsigned int size,
	      uint64_t *off)
{
	int i = bus_find(bus->devs, bus->n, gpa, size);

	if (i >= 0)
		*off = gpa - bus->devs[i].base;
	return i;
}
