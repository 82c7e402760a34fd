/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The virtio-mmio transport, version 2 (virtio 1.x, 4.2): a 512-byte
 * register window per device, as Asterinas scans for them (from
 * 0xFEB0_0000, one slot after another until one lacks the magic) and as
 * Linux's virtio_mmio driver finds them in ACPI (LNRO0005). One
 * interrupt line per device: high while InterruptStatus has a bit set
 * (used buffers, configuration change), lowered by InterruptACK.
 *
 * No locking here: the owner serializes it.
 */
#ifndef HV_DEV_VIRTIO_MMIO_H
#define HV_DEV_VIRTIO_MMIO_H

#include <stdbool.h>
#include <stdint.h>
#include "dev/mmio.h"
#include "dev/virtio.h"

#define VIRTIO_MMIO_SIZE	0x200
#define VIRTIO_MMIO_MAGIC	0x74726976	/* "virt" */
#define VIRTIO_MMIO_VERSION	2
#define VIRTIO_MMIO_VENDOR	0x52534856	/* "HVSR" */
#define VIRTIO_MMIO_CONFIG	0x100

struct virtio_mmio {
	struct virtio_dev *vd;
	uint32_t dev_sel, drv_sel;
	uint32_t q_sel;
	uint32_t isr;			/* InterruptStatus */
	void (*irq)(void *ctx, unsigned int gsi, bool level);
	unsigned int gsi;
	void *ctx;
};

/* The window for @vd, its line on @gsi through @irq(@ctx, ...). */
void virtio_mmio_init(struct virtio_mmio *vm, struct virtio_dev *vd,
		      void (*irq)(void *ctx, unsigned int gsi, bool level),
		      unsigned int gsi, void *ctx);

/* Register at the slot's address, VIRTIO_MMIO_SIZE bytes. */
extern const struct mmio_ops virtio_mmio_ops;

#endif
