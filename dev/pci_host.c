// SPDX-License-Identifier: GPL-2.0
/* The PCI host bridge and its configuration access (see pci_host.h). */
#include <errno.h>
#include <stddef.h>
#include "dev/pci_host.h"

int pci_host_init(struct pci_host *h, struct pci_bus *bus,
		  const struct pio_ops *cf9_ops, void *cf9_dev)
{
	h->bus = bus;
	h->addr = 0;
	h->cf9_ops = cf9_ops;
	h->cf9_dev = cf9_dev;
	pci_dev_init(&h->bridge, PCI_HOST_VENDOR, PCI_HOST_DEVICE,
		     PCI_CLASS_HOST_BRIDGE, 0, NULL, NULL);
	return pci_plug(bus, 0, &h->bridge);
}

static uint32_t ones(unsigned int size)
{
	return size >= 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
}

/* Where the latch points, if it is enabled and names bus 0. */
static bool latched(const struct pci_host *h, uint16_t port,
		    unsigned int *dev, unsigned int *fn, uint32_t *off)
{
	if (!(h->addr & PCI_CF8_ENABLE) || ((h->addr >> 16) & 0xff))
		return false;
	*dev = (h->addr >> 11) & 0x1f;
	*fn = (h->addr >> 8) & 7;
	*off = (h->addr & 0xfc) | (port & 3);
	return true;
}

static uint32_t host_pio_read(void *dev, uint16_t port, unsigned int size)
{
	struct pci_host *h = dev;
	unsigned int d, fn;
	uint32_t off;

	if (port == PCI_HOST_PORT && size == 4)
		return h->addr;
	if (port == PCI_HOST_PORT + 1 && size == 1)
		return h->cf9_ops ? h->cf9_ops->read(h->cf9_dev, port, 1) : 0xff;
	if (port >= PCI_HOST_PORT + 4 && latched(h, port, &d, &fn, &off))
		return pci_cfg_read(h->bus, d, fn, off, size);
	return ones(size);
}

static void host_pio_write(void *dev, uint16_t port, unsigned int size,
			   uint32_t v)
{
	struct pci_host *h = dev;
	unsigned int d, fn;
	uint32_t off;

	if (port == PCI_HOST_PORT && size == 4) {
		/* Bits 30:24 are reserved, 1:0 read as 0. */
		h->addr = v & (PCI_CF8_ENABLE | 0x00fffffcu);
		return;
	}
	if (port == PCI_HOST_PORT + 1 && size == 1) {
		if (h->cf9_ops)
			h->cf9_ops->write(h->cf9_dev, port, 1, v);
		return;
	}
	if (port >= PCI_HOST_PORT + 4 && latched(h, port, &d, &fn, &off))
		pci_cfg_write(h->bus, d, fn, off, size, v);
	/* Anything else (Linux's byte write to 0xCFB in its probe) is dropped. */
}

const struct pio_ops pci_host_pio_ops = {
	.name = "pci-cf8",
	.read = host_pio_read,
	.write = host_pio_write,
};

static int ecam_read(void *dev, uint64_t off, unsigned int size, uint64_t *val)
{
	struct pci_host *h = dev;

	if (size > 4)
		return -EINVAL;
	*val = pci_cfg_read(h->bus, (off >> 15) & 0x1f, (off >> 12) & 7,
			    off & 0xfff, size);
	return 0;
}

static int ecam_write(void *dev, uint64_t off, unsigned int size, uint64_t val)
{
	struct pci_host *h = dev;

	if (size > 4)
		return -EINVAL;
	pci_cfg_write(h->bus, (off >> 15) & 0x1f, (off >> 12) & 7, off & 0xfff,
		      size, (uint32_t)val);
	return 0;
}

const struct mmio_ops pci_host_ecam_ops = {
	.name = "pci-ecam",
	.read = ecam_read,
	.write = ecam_write,
};
