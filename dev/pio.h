/* SPDX-License-Identifier: GPL-2.0 */
/* A guest's port I/O bus: devices claim port ranges. */
#ifndef HV_DEV_PIO_H
#define HV_DEV_PIO_H

#include <stdint.h>
#include "dev/bus.h"

#define PIO_MAX_DEVS	24

struct pio_ops {
	const char *name;
	uint32_t (*read)(void *dev, uint16_t port, unsigned int size);
	void (*write)(void *dev, uint16_t port, unsigned int size, uint32_t v);
};

struct pio_bus {
	unsigned int n;
	struct bus_slot devs[PIO_MAX_DEVS];	/* ops: struct pio_ops */
	uint64_t unclaimed;	/* accesses that hit no device */
};

int pio_register(struct pio_bus *bus, uint16_t base, uint16_t len,
		 const struct pio_ops *ops, void *dev);
/* Unclaimed ports read as all ones and ignore writes, like an empty bus. */
uint32_t pio_read(struct pio_bus *bus, uint16_t port, unsigned int size);
void pio_write(struct pio_bus *bus, uint16_t port, unsigned int size,
	       uint32_t v);

#endif
