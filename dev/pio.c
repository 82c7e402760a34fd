// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stddef.h>
#include "dev/pio.h"

int pio_register(struct pio_bus *bus, uint16_t base, uint16_t len,
		 const struct pio_ops *ops, void *dev)
{
	if (bus->n == PIO_MAX_DEVS)
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

static int find(const struct pio_bus *bus, uint16_t port)
{
	for (unsigned int i = 0; i < bus->n; i++)
		if (port >= bus->devs[i].base &&
		    port < bus->devs[i].base + bus->devs[i].len)
			return i;
	return -1;
}

uint32_t pio_read(struct pio_bus *bus, uint16_t port, unsigned int size)
{
	int i = find(bus, port);

	if (i < 0) {
		bus->unclaimed++;
		return 0xffffffff;
	}
	return bus->devs[i].ops->read(bus->devs[i].dev, port, size);
}

void pio_write(struct pio_bus *bus, uint16_t port, unsigned int size,
	       uint32_t v)
{
	int i = find(bus, port);

	if (i < 0) {
		bus->unclaimed++;
		return;
	}
	bus->devs[i].ops->write(bus->devs[i].dev, port, size, v);
}
