/* SPDX-License-Identifier: GPL-2.0 */
/* A guest's MMIO bus: emulated devices claim guest-physical ranges. */
#ifndef HV_DEV_MMIO_H
#define HV_DEV_MMIO_H

#include <stdint.h>
#include "dev/bus.h"

#define MMIO_MAX_DEVS	8

struct mmio_ops {
	const char *name;
	/* @off is from the device's base; 0 or -errno (reads then all ones). */
	int (*read)(void *dev, uint64_t off, unsigned int size, uint64_t *val);
	int (*write)(void *dev, uint64_t off, unsigned int size, uint64_t val);
};

struct mmio_bus {
	unsigned int n;
	struct bus_slot devs[MMIO_MAX_DEVS];	/* ops: struct mmio_ops */
};

int mmio_register(struct mmio_bus *bus, uint64_t base, uint64_t len,
		  const struct mmio_ops *ops, void *dev);
/* The device that claims [gpa, gpa + size), or -1; its offset in *off. */
int mmio_find(const struct mmio_bus *bus, uint64_t gpa, unsigned int size,
	      uint64_t *off);

#endif
