// SPDX-License-Identifier: GPL-2.0
#include "dev/pio.h"

int pio_register(struct pio_bus *bus, uint16_t base, uint16_t len,
		 const struct pio_ops *ops, void *dev)
{
	return bus_claim(bus->devs, &bus->n, PIO_MAX_DEVS, base, len, ops,
			 dev);
}

static int find(const struct pio_bus *bus, uint16_t port)
{
	return bus_find(bus->devs, bus->n, port, 1);
}

uint32_t pio_read(struct pio_bus *bus, uint16_t port, unsigned int size)
{
	const struct pio_ops *ops;
	int i = find(bus, port);

	if (i < 0) {
		bus->unclaimed++;
		return 0xffffffff;
	}
	ops = bus->devs[i].ops;
	return ops->read(bus->devs[i].dev, port, size);
}

void pio_write(struct pio_bus *bus, uint16_t port, unsigned int size,
	       uint32_t v)
{
	const struct pio_ops *ops;
	int i = find(bus, port);

	if (i < 0) {
		bus->unclaimed++;
		return;
	}
	ops = bus->devs[i].ops;
	ops->write(bus->devs[i].dev, port, size, v);
}
