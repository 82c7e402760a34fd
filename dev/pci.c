// SPDX-License-Identifier: GPL-2.0
/* PCI configuration space of bus 0 (see pci.h). */
#include <errno.h>
#include <string.h>
#include "dev/pci.h"

uint32_t pci_get(const struct pci_dev *d, uint32_t off, unsigned int size)
{
	uint32_t v = 0;

	for (unsigned int i = 0; i < size; i++)
		v |= (uint32_t)d->cfg[off + i] << (8 * i);
	return v;
}

void pci_put(struct pci_dev *d, uint32_t off, unsigned int size, uint32_t v)
{
	for (unsigned int i = 0; i < size; i++)
		d->cfg[off + i] = (uint8_t)(v >> (8 * i));
}

static void put_mask(struct pci_dev *d, uint32_t off, unsigned int size,
		     uint32_t m)
{
	for (unsigned int i = 0; i < size; i++)
		d->wmask[off + i] = (uint8_t)(m >> (8 * i));
}

void pci_bus_init(struct pci_bus *bus, uint64_t win_base, uint64_t win_size)
{
	memset(bus, 0, sizeof(*bus));
	bus->win_base = win_base;
	bus->win_next = win_base;
	bus->win_end = win_base + win_size;
}

void pci_dev_init(struct pci_dev *d, uint16_t vendor, uint16_t device,
		  uint32_t class, uint8_t rev, const struct pci_dev_ops *ops,
		  void *ctx)
{
	memset(d, 0, sizeof(*d));
	pci_put(d, PCI_VENDOR_ID, 2, vendor);
	pci_put(d, PCI_DEVICE_ID, 2, device);
	pci_put(d, PCI_REVISION, 1, rev);
	pci_put(d, PCI_CLASS_PROG, 3, class);
	/* Header type 0, single function; BIST, ROM, cap pointer 0. */
	put_mask(d, PCI_COMMAND, 2, PCI_CMD_IO | PCI_CMD_MEM | PCI_CMD_MASTER |
		 PCI_CMD_PARITY | PCI_CMD_SERR | PCI_CMD_INTX_OFF);
	put_mask(d, PCI_CACHE_LINE, 1, 0xff);
	put_mask(d, PCI_LATENCY, 1, 0xff);
	d->cap_end = PCI_CAP_START;
	d->ops = ops;
	d->ctx = ctx;
}

void pci_set_subsys(struct pci_dev *d, uint16_t vendor, uint16_t id)
{
	pci_put(d, PCI_SUBSYS_VENDOR, 2, vendor);
	pci_put(d, PCI_SUBSYS_ID, 2, id);
}

void pci_set_int_pin(struct pci_dev *d, uint8_t pin)
{
	pci_put(d, PCI_INT_PIN, 1, pin);
	put_mask(d, PCI_INT_LINE, 1, pin ? 0xff : 0);
}

int pci_add_bar(struct pci_dev *d, int bar, uint64_t size, bool is64)
{
	uint64_t m = ~(size - 1);

	if (bar < 0 || bar + is64 >= PCI_BARS || size < 16 ||
	    (size & (size - 1)) || (!is64 && size > (1ull << 31)) ||
	    d->bar_size[bar] || (bar > 0 && d->bar_64[bar - 1]) ||
	    (is64 && d->bar_size[bar + 1]))
		return -EINVAL;
	d->bar_size[bar] = size;
	d->bar_64[bar] = is64;
	pci_put(d, PCI_BAR0 + 4 * bar, 4, is64 ? PCI_BAR_MEM64 : 0);
	put_mask(d, PCI_BAR0 + 4 * bar, 4, (uint32_t)m & ~0xfu);
	if (is64)
		put_mask(d, PCI_BAR0 + 4 * (bar + 1), 4, (uint32_t)(m >> 32));
	return 0;
}

int pci_add_cap(struct pci_dev *d, uint8_t id, unsigned int len, bool hook)
{
	unsigned int off = d->cap_end;

	if (len < 2 || off + len > PCI_CFG_SIZE)
		return -ENOSPC;
	d->cfg[off] = id;
	d->cfg[off + 1] = 0;
	if (d->cap_last)
		d->cfg[d->cap_last + 1] = (uint8_t)off;
	else
		d->cfg[PCI_CAP_PTR] = (uint8_t)off;
	pci_put(d, PCI_STATUS, 2, pci_get(d, PCI_STATUS, 2) | PCI_STS_CAP_LIST);
	if (hook)
		memset(d->hooked + off, 1, len);
	d->cap_last = (uint8_t)off;
	d->cap_end = (uint16_t)((off + len + 3) & ~3u);
	return (int)off;
}

uint64_t pci_bar_addr(const struct pci_dev *d, int bar)
{
	uint64_t a = pci_get(d, PCI_BAR0 + 4 * bar, 4) & ~0xfu;

	if (d->bar_64[bar])
		a |= (uint64_t)pci_get(d, PCI_BAR0 + 4 * (bar + 1), 4) << 32;
	return a;
}

static void bars_update(struct pci_dev *d, int only)
{
	bool on = pci_get(d, PCI_COMMAND, 2) & PCI_CMD_MEM;

	if (!d->ops || !d->ops->bar_update)
		return;
	for (int i = 0; i < PCI_BARS; i++)
		if (d->bar_size[i] && (only < 0 || only == i))
			d->ops->bar_update(d, i, pci_bar_addr(d, i), on);
}

int pci_plug(struct pci_bus *bus, unsigned int slot, struct pci_dev *d)
{
	uint64_t next = bus->win_next, at[PCI_BARS] = { 0 };

	if (slot >= PCI_SLOTS)
		return -EINVAL;
	if (bus->slot[slot])
		return -EBUSY;
	/* Plan every BAR first: a full window changes nothing. */
	for (int i = 0; i < PCI_BARS; i++) {
		uint64_t s = d->bar_size[i];

		if (!s)
			continue;
		at[i] = (next + s - 1) & ~(s - 1);
		if (at[i] < next || at[i] + s > bus->win_end ||
		    (!d->bar_64[i] && at[i] + s > (1ull << 32)))
			return -ENOSPC;
		next = at[i] + s;
	}
	for (int i = 0; i < PCI_BARS; i++) {
		if (!d->bar_size[i])
			continue;
		pci_put(d, PCI_BAR0 + 4 * i, 4,
			(uint32_t)at[i] | (d->bar_64[i] ? PCI_BAR_MEM64 : 0));
		if (d->bar_64[i])
			pci_put(d, PCI_BAR0 + 4 * (i + 1), 4,
				(uint32_t)(at[i] >> 32));
	}
	bus->win_next = next;
	bus->slot[slot] = d;
	pci_put(d, PCI_COMMAND, 2, pci_get(d, PCI_COMMAND, 2) | PCI_CMD_MEM);
	bars_update(d, -1);
	return 0;
}

static struct pci_dev *find(struct pci_bus *bus, unsigned int dev,
			    unsigned int fn, uint32_t off, unsigned int size)
{
	if (dev >= PCI_SLOTS || fn != 0 || off >= 4096)
		return NULL;
	if ((size != 1 && size != 2 && size != 4) || (off & (size - 1)))
		return NULL;
	return bus->slot[dev];
}

uint32_t pci_cfg_read(struct pci_bus *bus, unsigned int dev, unsigned int fn,
		      uint32_t off, unsigned int size)
{
	struct pci_dev *d = find(bus, dev, fn, off, size);

	if (!d)
		return size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
	if (off >= PCI_CFG_SIZE)
		return 0;	/* no extended capabilities */
	if (d->hooked[off] && d->ops && d->ops->cap_read)
		d->ops->cap_read(d, off, size);
	return pci_get(d, off, size);
}

/* The BAR whose register holds byte @off, or -1. */
static int bar_of(const struct pci_dev *d, uint32_t off)
{
	int i;

	if (off < PCI_BAR0 || off >= PCI_BAR0 + 4 * PCI_BARS)
		return -1;
	i = (int)(off - PCI_BAR0) / 4;
	if (i > 0 && d->bar_64[i - 1])
		return i - 1;		/* the high half of a 64-bit BAR */
	return d->bar_size[i] ? i : -1;
}

void pci_cfg_write(struct pci_bus *bus, unsigned int dev, unsigned int fn,
		   uint32_t off, unsigned int size, uint32_t val)
{
	struct pci_dev *d = find(bus, dev, fn, off, size);
	uint16_t cmd;
	bool hooked = false;
	int bar;

	if (!d || off >= PCI_CFG_SIZE)
		return;
	cmd = (uint16_t)pci_get(d, PCI_COMMAND, 2);
	for (unsigned int i = 0; i < size; i++) {
		uint8_t m = d->wmask[off + i], b = (uint8_t)(val >> (8 * i));

		d->cfg[off + i] = (uint8_t)((d->cfg[off + i] & ~m) | (b & m));
		hooked |= d->hooked[off + i];
	}
	if (off < PCI_COMMAND + 2 && off + size > PCI_COMMAND &&
	    ((cmd ^ pci_get(d, PCI_COMMAND, 2)) & PCI_CMD_MEM))
		bars_update(d, -1);
	bar = bar_of(d, off);
	if (bar >= 0)
		bars_update(d, bar);
	if (hooked && d->ops && d->ops->cap_write)
		d->ops->cap_write(d, off, size);
}

/* The device and BAR that decode [@gpa, @gpa + @size), and the offset. */
static struct pci_dev *decoder(struct pci_bus *bus, uint64_t gpa,
			       unsigned int size, int *bar, uint64_t *off)
{
	for (unsigned int s = 0; s < PCI_SLOTS; s++) {
		struct pci_dev *d = bus->slot[s];

		if (!d || !(pci_get(d, PCI_COMMAND, 2) & PCI_CMD_MEM))
			continue;
		for (int i = 0; i < PCI_BARS; i++) {
			uint64_t a = pci_bar_addr(d, i), n = d->bar_size[i];

			if (n && gpa >= a && gpa - a < n && size <= n - (gpa - a)) {
				*bar = i;
				*off = gpa - a;
				return d;
			}
		}
	}
	return NULL;
}

int pci_window_read(struct pci_bus *bus, uint64_t gpa, unsigned int size,
		    uint64_t *val)
{
	uint64_t off;
	int bar;
	struct pci_dev *d = decoder(bus, gpa, size, &bar, &off);

	if (!d || !d->ops || !d->ops->bar_read)
		return -ENODEV;
	return d->ops->bar_read(d, bar, off, size, val);
}

int pci_window_write(struct pci_bus *bus, uint64_t gpa, unsigned int size,
		     uint64_t val)
{
	uint64_t off;
	int bar;
	struct pci_dev *d = decoder(bus, gpa, size, &bar, &off);

	if (!d || !d->ops || !d->ops->bar_write)
		return -ENODEV;
	return d->ops->bar_write(d, bar, off, size, val);
}
