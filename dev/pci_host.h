/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A guest's PCI host bridge: device 00:00.0 and the two ways to reach
 * bus 0's configuration space, the legacy address/data ports
 * (configuration mechanism #1: 0xCF8 latches an address, 0xCFC-0xCFF
 * carry the data) and ECAM (PCI Express enhanced configuration: one
 * 4 KiB page per function, here for bus 0 only). The ACPI tables announce
 * it (dev/acpi_tables.h: MCFG, and PNP0A08 in the DSDT).
 *
 * 0xCF9 lies inside the ports but is the reset control register: byte
 * accesses to it go to the reset device given at init, as on a PC
 * chipset, where only 32-bit accesses reach 0xCF8's address latch.
 */
#ifndef HV_DEV_PCI_HOST_H
#define HV_DEV_PCI_HOST_H

#include <stdint.h>
#include "dev/mmio.h"
#include "dev/pci.h"
#include "dev/pio.h"

#define PCI_HOST_PORT		0xcf8
#define PCI_HOST_PORTS		8
#define PCI_ECAM_BUS_SIZE	(1u << 20)	/* 32 devices x 8 functions x 4 KiB */

/* The bridge's IDs: Red Hat's generic host bridge for virtual machines
 * (QEMU's gpex uses it too); Linux has no quirk bound to it. */
#define PCI_HOST_VENDOR		0x1b36
#define PCI_HOST_DEVICE		0x0008

#define PCI_CF8_ENABLE		(1u << 31)

struct pci_host {
	struct pci_bus *bus;
	uint32_t addr;			/* 0xCF8's latch */
	struct pci_dev bridge;		/* 00:00.0 */
	const struct pio_ops *cf9_ops;	/* may be NULL: 0xCF9 then floats */
	void *cf9_dev;
};

/* Puts the bridge at 00:00.0 of @bus (empty until then). 0 or -errno. */
int pci_host_init(struct pci_host *h, struct pci_bus *bus,
		  const struct pio_ops *cf9_ops, void *cf9_dev);

/* Register at PCI_HOST_PORT, PCI_HOST_PORTS ports. */
extern const struct pio_ops pci_host_pio_ops;
/* Register at the ECAM base, PCI_ECAM_BUS_SIZE bytes. */
extern const struct mmio_ops pci_host_ecam_ops;

#endif
