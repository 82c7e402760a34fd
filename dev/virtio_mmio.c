// SPDX-License-Identifier: GPL-2.0
/* The virtio-mmio transport, version 2 (see virtio_mmio.h). */
#include <errno.h>
#include <string.h>
#include "dev/virtio_mmio.h"

/* Registers (4.2.2); all 32 bits wide. */
#define R_MAGIC		0x000
#define R_VERSION	0x004
#define R_DEVICE_ID	0x008
#define R_VENDOR_ID	0x00c
#define R_DEV_FEAT	0x010
#define R_DEV_FEAT_SEL	0x014
#define R_DRV_FEAT	0x020
#define R_DRV_FEAT_SEL	0x024
#define R_QUEUE_SEL	0x030
#define R_QUEUE_NUM_MAX	0x034
#define R_QUEUE_NUM	0x038
#define R_QUEUE_READY	0x044
#define R_QUEUE_NOTIFY	0x050
#define R_INT_STATUS	0x060
#define R_INT_ACK	0x064
#define R_STATUS	0x070
#define R_DESC_LO	0x080
#define R_DESC_HI	0x084
#define R_DRIVER_LO	0x090
#define R_DRIVER_HI	0x094
#define R_DEVICE_LO	0x0a0
#define R_DEVICE_HI	0x0a4
#define R_SHM_LEN_LO	0x0b0
#define R_SHM_LEN_HI	0x0b4
#define R_GENERATION	0x0fc

#define INT_USED	1
#define INT_CONFIG	2

static void line(struct virtio_mmio *m)
{
	if (m->irq)
		m->irq(m->ctx, m->gsi, m->isr != 0);
}

static void signal(void *transport, int q)
{
	struct virtio_mmio *m = transport;

	m->isr |= q < 0 ? INT_CONFIG : INT_USED;
	line(m);
}

static void reset(struct virtio_mmio *m)
{
	m->dev_sel = m->drv_sel = m->q_sel = 0;
	m->isr = 0;
	line(m);
	virtio_dev_reset(m->vd);
}

void virtio_mmio_init(struct virtio_mmio *m, struct virtio_dev *vd,
		      void (*irq)(void *ctx, unsigned int gsi, bool level),
		      unsigned int gsi, void *ctx)
{
	memset(m, 0, sizeof(*m));
	m->vd = vd;
	m->irq = irq;
	m->gsi = gsi;
	m->ctx = ctx;
	vd->signal = signal;
	vd->transport = m;
	reset(m);
}

static struct virtq *selected(struct virtio_mmio *m)
{
	return m->q_sel < m->vd->ops->n_queues ? &m->vd->vq[m->q_sel] : NULL;
}

static uint32_t reg_read(struct virtio_mmio *m, uint64_t off)
{
	struct virtq *q = selected(m);

	switch (off) {
	case R_MAGIC: return VIRTIO_MMIO_MAGIC;
	case R_VERSION: return VIRTIO_MMIO_VERSION;
	case R_DEVICE_ID: return m->vd->ops->id;
	case R_VENDOR_ID: return VIRTIO_MMIO_VENDOR;
	case R_DEV_FEAT:
		return m->dev_sel < 2 ?
		       (uint32_t)(virtio_dev_offered(m->vd) >> (32 * m->dev_sel)) : 0;
	case R_QUEUE_NUM_MAX: return q ? m->vd->ops->queue_max : 0;
	case R_QUEUE_READY: return q ? q->ready : 0;
	case R_INT_STATUS: return m->isr;
	case R_STATUS: return m->vd->status;
	case R_SHM_LEN_LO:
	case R_SHM_LEN_HI: return 0xffffffff;	/* no shared memory region */
	case R_GENERATION: return m->vd->generation;
	default: return 0;		/* write-only and reserved */
	}
}

static void reg_write(struct virtio_mmio *m, uint64_t off, uint32_t v)
{
	struct virtq *q = selected(m);
	/* Sizes and rings change only while the queue is off (4.2.3.2). */
	bool setup = q && !q->ready;

	switch (off) {
	case R_DEV_FEAT_SEL: m->dev_sel = v; break;
	case R_DRV_FEAT: virtio_dev_set_features(m->vd, m->drv_sel, v); break;
	case R_DRV_FEAT_SEL: m->drv_sel = v; break;
	case R_QUEUE_SEL: m->q_sel = v; break;
	case R_QUEUE_NUM:
		if (setup)
			q->size = (uint16_t)(v > 0xffff ? 0 : v);
		break;
	case R_QUEUE_READY:
		if (v == 1)
			virtio_dev_enable_queue(m->vd, m->q_sel);
		else if (!v && q)
			q->ready = false;
		break;
	case R_QUEUE_NOTIFY: virtio_dev_notify(m->vd, v); break;
	case R_INT_ACK:
		m->isr &= ~v;
		line(m);
		break;
	case R_STATUS:
		if (!v)
			reset(m);
		else
			virtio_dev_set_status(m->vd, (uint8_t)v);
		break;
	case R_DESC_LO: case R_DESC_HI:
		if (setup)
			virtio_set_half(&q->desc, off == R_DESC_HI, v);
		break;
	case R_DRIVER_LO: case R_DRIVER_HI:
		if (setup)
			virtio_set_half(&q->avail, off == R_DRIVER_HI, v);
		break;
	case R_DEVICE_LO: case R_DEVICE_HI:
		if (setup)
			virtio_set_half(&q->used, off == R_DEVICE_HI, v);
		break;
	default:
		break;
	}
}

static bool in_config(const struct virtio_mmio *m, uint64_t off,
		      unsigned int size)
{
	return off >= VIRTIO_MMIO_CONFIG && size <= 4 &&
	       off - VIRTIO_MMIO_CONFIG + size <= m->vd->ops->cfg_len;
}

static int mmio_read(void *dev, uint64_t off, unsigned int size, uint64_t *val)
{
	struct virtio_mmio *m = dev;
	const struct virtio_dev_ops *ops = m->vd->ops;

	if (in_config(m, off, size)) {
		*val = ops->cfg_read ?
		       ops->cfg_read(m->vd, (uint32_t)(off - VIRTIO_MMIO_CONFIG),
				     size) : 0;
		return 0;
	}
	/* Registers: 32-bit, aligned (4.2.2.2). */
	if (size != 4 || (off & 3) || off >= VIRTIO_MMIO_CONFIG)
		return -EINVAL;
	*val = reg_read(m, off);
	return 0;
}

static int mmio_write(void *dev, uint64_t off, unsigned int size, uint64_t val)
{
	struct virtio_mmio *m = dev;
	const struct virtio_dev_ops *ops = m->vd->ops;

	if (in_config(m, off, size)) {
		if (ops->cfg_write && !(m->vd->status & VIRTIO_S_NEEDS_RESET))
			ops->cfg_write(m->vd, (uint32_t)(off - VIRTIO_MMIO_CONFIG),
				       size, (uint32_t)val);
		return 0;
	}
	if (size != 4 || (off & 3) || off >= VIRTIO_MMIO_CONFIG)
		return -EINVAL;
	reg_write(m, off, (uint32_t)val);
	return 0;
}

const struct mmio_ops virtio_mmio_ops = {
	.name = "virtio-mmio",
	.read = mmio_read,
	.write = mmio_write,
};
