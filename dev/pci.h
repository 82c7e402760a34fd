/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A guest's PCI bus 0: the configuration space of each device, as the
 * PCI Local Bus spec 3.0 (chapter 6) defines it, and the memory window
 * hvisor assigns their BARs from, as firmware would (a guest need not
 * assign BARs itself, and Asterinas does not).
 *
 * One function (function 0) per device number; the other functions and
 * every other bus read as absent (all ones). Writes go through a per-byte
 * mask of the writable bits, which also gives BAR sizing: writing all
 * ones to a BAR reads back ~(size - 1) and its type bits. A device hears
 * of the writes that concern it through its ops: its BARs moving or
 * (de)coding, and writes to the capabilities it registered.
 *
 * No locking here: the caller (src/core/vmpci.c) serializes a bus.
 */
#ifndef HV_DEV_PCI_H
#define HV_DEV_PCI_H

#include <stdbool.h>
#include <stdint.h>

#define PCI_SLOTS		32	/* device numbers on bus 0 */
#define PCI_CFG_SIZE		256	/* conventional space; beyond reads 0 */
#define PCI_BARS		6

/* Header offsets (type 0). */
#define PCI_VENDOR_ID		0x00
#define PCI_DEVICE_ID		0x02
#define PCI_COMMAND		0x04
#define PCI_STATUS		0x06
#define PCI_REVISION		0x08
#define PCI_CLASS_PROG		0x09
#define PCI_CACHE_LINE		0x0c
#define PCI_LATENCY		0x0d
#define PCI_HEADER_TYPE		0x0e
#define PCI_BAR0		0x10
#define PCI_SUBSYS_VENDOR	0x2c
#define PCI_SUBSYS_ID		0x2e
#define PCI_ROM			0x30
#define PCI_CAP_PTR		0x34
#define PCI_INT_LINE		0x3c
#define PCI_INT_PIN		0x3d
#define PCI_CAP_START		0x40	/* the first capability goes here */

#define PCI_CMD_IO		(1u << 0)
#define PCI_CMD_MEM		(1u << 1)
#define PCI_CMD_MASTER		(1u << 2)
#define PCI_CMD_PARITY		(1u << 6)
#define PCI_CMD_SERR		(1u << 8)
#define PCI_CMD_INTX_OFF	(1u << 10)
#define PCI_STS_CAP_LIST	(1u << 4)

#define PCI_BAR_MEM64		(2u << 1)	/* type bits 2:1 of a memory BAR */

#define PCI_CLASS_HOST_BRIDGE	0x060000

struct pci_dev;

struct pci_dev_ops {
	/*
	 * BAR @bar decodes [@gpa, @gpa + size) now (@on) or nothing (!@on):
	 * at plug time, and whenever the guest rewrites the BAR or flips
	 * COMMAND.MEM. A half-written 64-bit BAR counts as written.
	 */
	void (*bar_update)(struct pci_dev *d, int bar, uint64_t gpa, bool on);
	/*
	 * The guest wrote @size bytes at @off inside a capability the device
	 * registered with a hook (pci_add_cap(), @hook true), after the
	 * writable bits took the value.
	 */
	void (*cap_write)(struct pci_dev *d, uint32_t off, unsigned int size);
	/* The guest reads @size bytes at @off inside such a capability: the
	 * device may refresh them first (virtio's PCI_CFG window). */
	void (*cap_read)(struct pci_dev *d, uint32_t off, unsigned int size);
	/* Accesses to BAR @bar at @off from its base (pci_window_*()). */
	int (*bar_read)(struct pci_dev *d, int bar, uint64_t off,
			unsigned int size, uint64_t *val);
	int (*bar_write)(struct pci_dev *d, int bar, uint64_t off,
			 unsigned int size, uint64_t val);
};

struct pci_dev {
	uint8_t cfg[PCI_CFG_SIZE];
	uint8_t wmask[PCI_CFG_SIZE];	/* bits the guest may write */
	uint8_t hooked[PCI_CFG_SIZE];	/* bytes whose writes reach cap_write */
	uint64_t bar_size[PCI_BARS];	/* 0: none; for a 64-bit BAR, at its
					 * low half (the high half is 0) */
	bool bar_64[PCI_BARS];
	uint8_t cap_last;		/* the last capability, 0: none */
	uint16_t cap_end;		/* where the next one may start */
	const struct pci_dev_ops *ops;
	void *ctx;			/* the device model's own */
};

struct pci_bus {
	struct pci_dev *slot[PCI_SLOTS];
	uint64_t win_base, win_end;	/* BAR window, [base, end) */
	uint64_t win_next;		/* the next free address in it */
};

/* An empty bus whose BARs come from [@base, @base + @size). */
void pci_bus_init(struct pci_bus *bus, uint64_t win_base, uint64_t win_size);

/* A device's header: IDs, class (24 bits: base, sub, prog-if), revision. */
void pci_dev_init(struct pci_dev *d, uint16_t vendor, uint16_t device,
		  uint32_t class, uint8_t rev, const struct pci_dev_ops *ops,
		  void *ctx);
void pci_set_subsys(struct pci_dev *d, uint16_t vendor, uint16_t id);
/* INTx pin 1..4 (INTA..INTD); the line register becomes writable. */
void pci_set_int_pin(struct pci_dev *d, uint8_t pin);

/*
 * A memory BAR of @size bytes (a power of two, at least 16) at index
 * @bar; @is64 takes @bar + 1 too. Non-prefetchable. 0 or -EINVAL.
 */
int pci_add_bar(struct pci_dev *d, int bar, uint64_t size, bool is64);

/*
 * A capability of @len bytes (header included), linked after the last
 * one. Its body is read-only until the device marks writable bits in
 * d->wmask. @hook: writes inside it reach ops->cap_write. Returns its
 * offset, or -ENOSPC.
 */
int pci_add_cap(struct pci_dev *d, uint8_t id, unsigned int len, bool hook);

/*
 * Puts @d at device number @slot: assigns its BARs from the window,
 * naturally aligned, and turns memory decoding on, as firmware does
 * before an OS starts. 0, -EBUSY (slot taken), -EINVAL (bad slot) or
 * -ENOSPC (the window is full; nothing changed).
 */
int pci_plug(struct pci_bus *bus, unsigned int slot, struct pci_dev *d);

/* The address BAR @bar decodes now (its register's value), or 0. */
uint64_t pci_bar_addr(const struct pci_dev *d, int bar);

/*
 * Configuration access to bus 0 device @dev function @fn at @off, @size
 * 1, 2 or 4 and naturally aligned (anything else reads all ones and
 * writes nothing). Absent functions read all ones.
 */
uint32_t pci_cfg_read(struct pci_bus *bus, unsigned int dev, unsigned int fn,
		      uint32_t off, unsigned int size);
void pci_cfg_write(struct pci_bus *bus, unsigned int dev, unsigned int fn,
		   uint32_t off, unsigned int size, uint32_t val);

/*
 * An access at guest-physical @gpa to whichever device's BAR decodes it
 * (memory decoding on, the whole access inside the BAR): its bar_read or
 * bar_write, or -ENODEV when none does (reads then all ones).
 */
int pci_window_read(struct pci_bus *bus, uint64_t gpa, unsigned int size,
		    uint64_t *val);
int pci_window_write(struct pci_bus *bus, uint64_t gpa, unsigned int size,
		     uint64_t val);

/* Little-endian helpers for a device's own config bytes. */
uint32_t pci_get(const struct pci_dev *d, uint32_t off, unsigned int size);
void pci_put(struct pci_dev *d, uint32_t off, unsigned int size, uint32_t v);

#endif
