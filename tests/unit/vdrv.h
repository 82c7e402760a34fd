/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A virtio-pci driver for the unit tests, written from the spec the way
 * Linux's virtio_pci_modern drives a device: find the capabilities in
 * config space, reset, negotiate, program MSI-X, set up each queue, and
 * DRIVER_OK; then fill descriptors and the available ring in a fake
 * guest RAM. Header-only; one device per test binary.
 */
#ifndef HV_TESTS_VDRV_H
#define HV_TESTS_VDRV_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "dev/pci.h"
#include "dev/virtio_pci.h"

#define VDRV_RAM	(1024 * 1024)
#define VDRV_WIN	0xc0000000ull
#define VDRV_SLOT	1
#define VDRV_QSZ	16
/* Queue q's rings: descriptors, then avail at +0x1000, used at +0x2000. */
#define RING(q)		(0x10000 + (q) * 0x4000)
#define AVAIL(q)	(RING(q) + 0x1000)
#define USED(q)		(RING(q) + 0x2000)

static uint8_t ram[VDRV_RAM];
static const struct virtq_mem mem = { ram, VDRV_RAM };
static struct pci_bus bus;
static struct virtio_pci *vdev;
static struct apic_msg sent[16];
static int n_sent;

static int intx_level = -1;	/* the INTx pin as last driven */
static unsigned int intx_gsi;

static inline void f_send(void *ctx, const struct apic_msg *m)
{
	assert_true(n_sent < 16);
	sent[n_sent++] = *m;
}

static inline void f_intx(void *ctx, unsigned int gsi, bool level)
{
	intx_gsi = gsi;
	intx_level = level;
}

/* MSI-X to f_send, INTA to f_intx on GSI 18. */
static const struct virtio_irq irq = {
	.send = f_send, .intx = f_intx, .gsi = 18,
};

static inline uint32_t cfg_rd(uint32_t off, unsigned int size)
{
	return pci_cfg_read(&bus, VDRV_SLOT, 0, off, size);
}

static inline void cfg_wr(uint32_t off, unsigned int size, uint32_t v)
{
	pci_cfg_write(&bus, VDRV_SLOT, 0, off, size, v);
}

/* The BAR at @off, as the guest's MMIO does it (through the window). */
static inline uint64_t rd(uint64_t off, unsigned int size)
{
	uint64_t v = ~0ull;
	uint64_t bar = pci_bar_addr(&vdev->pci, VIRTIO_PCI_BAR);

	assert_int_equal(pci_window_read(&bus, bar + off, size, &v), 0);
	return v;
}

static inline void wr(uint64_t off, unsigned int size, uint64_t v)
{
	uint64_t bar = pci_bar_addr(&vdev->pci, VIRTIO_PCI_BAR);

	assert_int_equal(pci_window_write(&bus, bar + off, size, v), 0);
}

static inline void put16(uint64_t gpa, uint16_t v)
{
	ram[gpa] = (uint8_t)v;
	ram[gpa + 1] = (uint8_t)(v >> 8);
}

static inline void put32(uint64_t gpa, uint32_t v)
{
	put16(gpa, (uint16_t)v);
	put16(gpa + 2, (uint16_t)(v >> 16));
}

static inline uint32_t get32(uint64_t gpa)
{
	return ram[gpa] | ram[gpa + 1] << 8 | ram[gpa + 2] << 16 |
	       (uint32_t)ram[gpa + 3] << 24;
}

/* Linux's virtio_pci_find_capability(): the vendor cap of @type. */
static inline uint32_t find_cap(uint8_t type, uint32_t *off, uint32_t *len)
{
	for (uint32_t c = cfg_rd(PCI_CAP_PTR, 1); c; c = cfg_rd(c + 1, 1)) {
		if (cfg_rd(c, 1) == 0x09 && cfg_rd(c + 3, 1) == type) {
			assert_int_equal(cfg_rd(c + 4, 1), VIRTIO_PCI_BAR);
			*off = cfg_rd(c + 8, 4);
			*len = cfg_rd(c + 12, 4);
			return c;
		}
	}
	return 0;
}

/* @vd on the function @vp at VDRV_SLOT of a fresh bus. */
static inline void vdrv_plug(struct virtio_pci *vp, struct virtio_dev *vd)
{
	pci_bus_init(&bus, VDRV_WIN, 0x100000);
	assert_int_equal(virtio_pci_init(vp, vd, &irq), 0);
	assert_int_equal(pci_plug(&bus, VDRV_SLOT, &vp->pci), 0);
	vdev = vp;
	n_sent = 0;
}

static inline void vdrv_queue(unsigned int q, uint16_t vec)
{
	wr(0x16, 2, q);
	assert_int_equal(rd(0x18, 2), vdev->vd->ops->queue_max);
	wr(0x18, 2, VDRV_QSZ);
	wr(0x1a, 2, vec);
	assert_int_equal(rd(0x1a, 2), vec);		/* accepted */
	wr(0x20, 8, RING(q));
	wr(0x28, 4, AVAIL(q));				/* twopart */
	wr(0x2c, 4, 0);
	wr(0x30, 4, USED(q));
	wr(0x34, 4, 0);
	assert_int_equal(rd(0x1e, 2), q);		/* notify offset */
	wr(0x1c, 2, 1);
	assert_int_equal(rd(0x1c, 2), 1);
}

/*
 * Up to DRIVER_OK, accepting @features (VERSION_1 added), with MSI-X
 * vector 0 for the configuration and q + 1 for queue q, each sending
 * APIC vector 0x40 + its number.
 */
static inline void vdrv_up(uint64_t features)
{
	unsigned int nq = vdev->vd->ops->n_queues;
	uint32_t off, len;

	assert_int_not_equal(find_cap(1, &off, &len), 0);	/* common */
	assert_int_equal(off, VPCI_COMMON);
	assert_true(len >= 0x38);
	uint32_t nc = find_cap(2, &off, &len);			/* notify */
	assert_int_equal(off, VPCI_NOTIFY);
	assert_int_equal(cfg_rd(nc + 16, 4), VPCI_NOTIFY_MULT);
	assert_int_not_equal(find_cap(3, &off, &len), 0);	/* ISR */
	assert_int_not_equal(find_cap(5, &off, &len), 0);	/* PCI_CFG */
	wr(0x14, 1, 0);
	assert_int_equal(rd(0x14, 1), 0);
	wr(0x14, 1, VIRTIO_S_ACKNOWLEDGE);
	wr(0x14, 1, VIRTIO_S_ACKNOWLEDGE | VIRTIO_S_DRIVER);
	features |= VIRTIO_F_VERSION_1;
	for (int half = 0; half < 2; half++) {
		wr(0x08, 4, half);
		wr(0x0c, 4, (uint32_t)(features >> (32 * half)));
	}
	wr(0x14, 1, 0x0b);				/* FEATURES_OK */
	assert_int_equal(rd(0x14, 1), 0x0b);
	assert_int_equal(rd(0x12, 2), nq);
	for (unsigned int i = 0; i <= nq; i++) {
		wr(VPCI_MSIX_TABLE + 16 * i, 4, 0xfee00000);
		wr(VPCI_MSIX_TABLE + 16 * i + 8, 4, 0x40 + i);
		wr(VPCI_MSIX_TABLE + 16 * i + 12, 4, 0);
	}
	cfg_wr(vdev->msix.cap + 2, 2, MSIX_CTRL_ENABLE);
	wr(0x10, 2, 0);
	assert_int_equal(rd(0x10, 2), 0);
	for (unsigned int q = 0; q < nq; q++)
		vdrv_queue(q, (uint16_t)(q + 1));
	wr(0x14, 1, 0x0f);				/* DRIVER_OK */
	assert_true(virtio_dev_live(vdev->vd));
}

static inline void vdrv_desc(unsigned int q, uint16_t i, uint64_t addr, uint32_t len,
		      uint16_t flags, uint16_t next)
{
	uint64_t d = RING(q) + 16 * i;

	put32(d, (uint32_t)addr);
	put32(d + 4, (uint32_t)(addr >> 32));
	put32(d + 8, len);
	put16(d + 12, flags);
	put16(d + 14, next);
}

/* Make descriptor @head available on queue @q and kick. */
static inline void vdrv_kick(unsigned int q, uint16_t head)
{
	uint16_t idx = (uint16_t)(ram[AVAIL(q) + 2] | ram[AVAIL(q) + 3] << 8);

	put16(AVAIL(q) + 4 + 2 * (idx % VDRV_QSZ), head);
	put16(AVAIL(q) + 2, idx + 1);
	wr(VPCI_NOTIFY + VPCI_NOTIFY_MULT * q, 2, q);
}

/* Used entries so far on @q, and entry @i's length. */
static inline uint16_t vdrv_used(unsigned int q)
{
	return (uint16_t)(ram[USED(q) + 2] | ram[USED(q) + 3] << 8);
}

static inline uint32_t vdrv_used_len(unsigned int q, uint16_t i)
{
	return get32(USED(q) + 4 + 8 * (i % VDRV_QSZ) + 4);
}

#endif
