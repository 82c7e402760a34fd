// SPDX-License-Identifier: GPL-2.0
/* The virtio-pci modern transport (see virtio_pci.h). */
#include <errno.h>
#include <string.h>
#include "dev/virtio_pci.h"

#define PCI_CAP_ID_VNDR		0x09
#define VIRTIO_CAP_LEN		16
#define VIRTIO_NOTIFY_CAP_LEN	20
#define VIRTIO_PCI_CFG_CAP_LEN	20
#define CAP_COMMON		1
#define CAP_NOTIFY		2
#define CAP_ISR			3
#define CAP_DEVICE		4
#define CAP_PCI_CFG		5
#define ISR_QUEUE		1	/* ISR bits (4.1.4.5) */
#define ISR_CONFIG		2

/* Common configuration fields (4.1.4.3). */
#define CC_DFSELECT		0x00
#define CC_DF			0x04
#define CC_GFSELECT		0x08
#define CC_GF			0x0c
#define CC_MSIX			0x10
#define CC_NUMQ			0x12
#define CC_STATUS		0x14
#define CC_GENERATION		0x15
#define CC_Q_SELECT		0x16
#define CC_Q_SIZE		0x18
#define CC_Q_MSIX		0x1a
#define CC_Q_ENABLE		0x1c
#define CC_Q_NOFF		0x1e
#define CC_Q_DESC		0x20
#define CC_Q_DRIVER		0x28
#define CC_Q_DEVICE		0x30
#define CC_END			0x38	/* notify data and queue reset: read 0 */

static struct virtio_pci *of(struct pci_dev *d)
{
	return d->ctx;
}

static void set_isr(struct virtio_pci *vp, uint8_t bit)
{
	vp->isr |= bit;
	if (vp->intx)
		vp->intx(vp->ctx, vp->gsi, true);
}

/* The device's interrupt for queue @q (or, @q < 0, its configuration). */
static void signal(void *transport, int q)
{
	struct virtio_pci *vp = transport;
	uint16_t vector = q < 0 ? vp->cfg_vector : vp->vq_vector[q];

	if (msix_enabled(&vp->msix)) {
		if (vector != VIRTIO_NO_VECTOR)
			msix_notify(&vp->msix, vector);
		return;
	}
	set_isr(vp, q < 0 ? ISR_CONFIG : ISR_QUEUE);
}

static void reset(struct virtio_pci *vp)
{
	for (unsigned int i = 0; i < VIRTIO_MAX_QUEUES; i++)
		vp->vq_vector[i] = VIRTIO_NO_VECTOR;
	vp->cfg_vector = VIRTIO_NO_VECTOR;
	vp->dev_sel = vp->drv_sel = 0;
	vp->q_sel = 0;
	vp->isr = 0;
	if (vp->intx)
		vp->intx(vp->ctx, vp->gsi, false);
	virtio_dev_reset(vp->vd);
}

/* ---- config space: the capabilities --------------------------------------- */

static int add_vcap(struct pci_dev *d, uint8_t type, unsigned int len,
		    uint32_t off, uint32_t length, bool hook)
{
	int c = pci_add_cap(d, PCI_CAP_ID_VNDR, len, hook);

	if (c < 0)
		return c;
	pci_put(d, c + 2, 1, len);
	pci_put(d, c + 3, 1, type);
	pci_put(d, c + 4, 1, VIRTIO_PCI_BAR);
	pci_put(d, c + 8, 4, off);
	pci_put(d, c + 12, 4, length);
	return c;
}

/* The PCI_CFG capability: bar, offset, length and data are the driver's. */
static int pci_cfg_cap(struct virtio_pci *vp)
{
	struct pci_dev *d = &vp->pci;
	int c = add_vcap(d, CAP_PCI_CFG, VIRTIO_PCI_CFG_CAP_LEN, 0, 0, true);

	if (c < 0)
		return c;
	d->wmask[c + 4] = 0xff;
	memset(d->wmask + c + 8, 0xff, 12);		/* offset, length, data */
	return c;
}

/* Where the PCI_CFG capability is, 0 if absent. */
static uint8_t pci_cfg_at(const struct pci_dev *d)
{
	for (uint8_t c = d->cfg[PCI_CAP_PTR]; c; c = d->cfg[c + 1])
		if (d->cfg[c] == PCI_CAP_ID_VNDR && d->cfg[c + 3] == CAP_PCI_CFG)
			return c;
	return 0;
}

/*
 * The window's access when @off (a config offset) is inside its data:
 * the BAR, 1, 2 or 4 bytes inside it, aligned. *@data: where the data is.
 */
static bool window(const struct pci_dev *d, uint32_t off, uint8_t *data,
		   uint32_t *boff, unsigned int *len)
{
	uint8_t c = pci_cfg_at(d);

	if (!c || off < c + 16u || off >= c + 20u ||
	    d->cfg[c + 4] != VIRTIO_PCI_BAR)
		return false;
	*data = c + 16;
	*boff = pci_get(d, c + 8, 4);
	*len = pci_get(d, c + 12, 4);
	return (*len == 1 || *len == 2 || *len == 4) &&
	       !(*boff & (*len - 1)) && *boff < VIRTIO_PCI_BAR_SIZE;
}

static void cap_write(struct pci_dev *d, uint32_t off, unsigned int size)
{
	struct virtio_pci *vp = of(d);
	unsigned int len;
	uint32_t boff;
	uint8_t data;

	if (off >= vp->msix.cap && off < vp->msix.cap + (uint32_t)MSIX_CAP_LEN) {
		msix_cap_written(&vp->msix);
		return;
	}
	/* A write into pci_cfg_data goes through to the BAR. */
	if (window(d, off, &data, &boff, &len))
		virtio_pci_bar_write(vp, boff, len, pci_get(d, data, len));
}

static void cap_read(struct pci_dev *d, uint32_t off, unsigned int size)
{
	unsigned int len;
	uint32_t boff;
	uint64_t v = 0;
	uint8_t data;

	if (window(d, off, &data, &boff, &len)) {
		virtio_pci_bar_read(of(d), boff, len, &v);
		pci_put(d, data, 4, (uint32_t)v);
	}
}

static int bar_read(struct pci_dev *d, int bar, uint64_t off,
		    unsigned int size, uint64_t *val)
{
	return virtio_pci_bar_read(of(d), off, size, val);
}

static int bar_write(struct pci_dev *d, int bar, uint64_t off,
		     unsigned int size, uint64_t val)
{
	return virtio_pci_bar_write(of(d), off, size, val);
}

static const struct pci_dev_ops virtio_pci_dev_ops = {
	.cap_write = cap_write,
	.cap_read = cap_read,
	.bar_read = bar_read,
	.bar_write = bar_write,
};

int virtio_pci_init(struct virtio_pci *vp, struct virtio_dev *vd,
		    const struct virtio_irq *irq)
{
	const struct virtio_dev_ops *ops = vd->ops;
	struct pci_dev *d = &vp->pci;
	int c, r;

	if (ops->cfg_len > VPCI_DEVICE_MAX)
		return -EINVAL;
	memset(vp, 0, sizeof(*vp));
	vp->vd = vd;
	vp->intx = irq->intx;
	vp->gsi = irq->gsi;
	vp->ctx = irq->ctx;
	vd->signal = signal;
	vd->transport = vp;
	/* Modern only: revision 1, subsystem ID 0x40 and up (4.1.2.1). */
	pci_dev_init(d, VIRTIO_PCI_VENDOR, VIRTIO_PCI_DEVICE(ops->id),
		     ops->pci_class, 1, &virtio_pci_dev_ops, vp);
	pci_set_subsys(d, VIRTIO_PCI_VENDOR, 0x40 + ops->id);
	if (irq->intx) {
		/* INTA, and its GSI in the line register as firmware puts it. */
		pci_set_int_pin(d, 1);
		pci_put(d, PCI_INT_LINE, 1, irq->gsi);
	}
	r = pci_add_bar(d, VIRTIO_PCI_BAR, VIRTIO_PCI_BAR_SIZE, true);
	if (!r)
		r = add_vcap(d, CAP_COMMON, VIRTIO_CAP_LEN, VPCI_COMMON,
			     VPCI_COMMON_LEN, false);
	if (r >= 0) {
		c = r = add_vcap(d, CAP_NOTIFY, VIRTIO_NOTIFY_CAP_LEN,
				 VPCI_NOTIFY,
				 VPCI_NOTIFY_MULT * ops->n_queues, false);
		if (c >= 0)
			pci_put(d, c + 16, 4, VPCI_NOTIFY_MULT);
	}
	if (r >= 0)
		r = add_vcap(d, CAP_ISR, VIRTIO_CAP_LEN, VPCI_ISR, 1, false);
	if (r >= 0 && ops->cfg_len)
		r = add_vcap(d, CAP_DEVICE, VIRTIO_CAP_LEN, VPCI_DEVICE,
			     ops->cfg_len, false);
	if (r >= 0)
		r = pci_cfg_cap(vp);
	if (r >= 0)
		r = msix_init(&vp->msix, d, ops->n_queues + 1, VIRTIO_PCI_BAR,
			      VPCI_MSIX_TABLE, VPCI_MSIX_PBA, irq->send, irq->ctx);
	if (r < 0)
		return r;
	reset(vp);
	return 0;
}

/* ---- the common configuration ----------------------------------------------- */

static struct virtq *selected(struct virtio_pci *vp)
{
	return vp->q_sel < vp->vd->ops->n_queues ? &vp->vd->vq[vp->q_sel] : NULL;
}

static uint64_t common_read(struct virtio_pci *vp, unsigned int off)
{
	struct virtq *q = selected(vp);

	switch (off) {
	case CC_DFSELECT: return vp->dev_sel;
	case CC_DF:
		return vp->dev_sel < 2 ?
		       (uint32_t)(virtio_dev_offered(vp->vd) >> (32 * vp->dev_sel)) : 0;
	case CC_GFSELECT: return vp->drv_sel;
	case CC_GF:
		return vp->drv_sel < 2 ?
		       (uint32_t)(vp->vd->drv_features >> (32 * vp->drv_sel)) : 0;
	case CC_MSIX: return vp->cfg_vector;
	case CC_NUMQ: return vp->vd->ops->n_queues;
	case CC_STATUS: return vp->vd->status;
	case CC_GENERATION: return vp->vd->generation;
	case CC_Q_SELECT: return vp->q_sel;
	case CC_Q_SIZE: return q ? q->size : 0;
	case CC_Q_MSIX: return q ? vp->vq_vector[vp->q_sel] : VIRTIO_NO_VECTOR;
	case CC_Q_ENABLE: return q ? q->ready : 0;
	case CC_Q_NOFF: return q ? vp->q_sel : 0;
	case CC_Q_DESC: return q ? q->desc : 0;
	case CC_Q_DESC + 4: return q ? q->desc >> 32 : 0;
	case CC_Q_DRIVER: return q ? q->avail : 0;
	case CC_Q_DRIVER + 4: return q ? q->avail >> 32 : 0;
	case CC_Q_DEVICE: return q ? q->used : 0;
	case CC_Q_DEVICE + 4: return q ? q->used >> 32 : 0;
	default: return 0;
	}
}

/* The size each field (or 32-bit half of a 64-bit one) is accessed with. */
static unsigned int field_size(unsigned int off)
{
	if (off < CC_MSIX)
		return 4;
	if (off == CC_STATUS || off == CC_GENERATION)
		return 1;
	if (off < CC_Q_DESC)
		return 2;
	return off < CC_END ? 4 : 2;
}

static uint16_t vector(const struct virtio_pci *vp, uint64_t v)
{
	return v < vp->msix.n ? (uint16_t)v : VIRTIO_NO_VECTOR;
}

static void common_write(struct virtio_pci *vp, unsigned int off, uint64_t v)
{
	struct virtq *q = selected(vp);
	bool set_up = !(vp->vd->status & VIRTIO_S_DRIVER_OK);

	switch (off) {
	case CC_DFSELECT: vp->dev_sel = (uint32_t)v; break;
	case CC_GFSELECT: vp->drv_sel = (uint32_t)v; break;
	case CC_GF: virtio_dev_set_features(vp->vd, vp->drv_sel, (uint32_t)v); break;
	case CC_MSIX: vp->cfg_vector = vector(vp, v); break;
	case CC_STATUS:
		if (!(uint8_t)v)
			reset(vp);
		else
			virtio_dev_set_status(vp->vd, (uint8_t)v);
		break;
	case CC_Q_SELECT: vp->q_sel = (uint16_t)v; break;
	case CC_Q_MSIX:
		if (q)
			vp->vq_vector[vp->q_sel] = vector(vp, v);
		break;
	case CC_Q_ENABLE:
		/* Only 1 may be written (4.1.4.3.2). */
		if (v == 1)
			virtio_dev_enable_queue(vp->vd, vp->q_sel);
		break;
	default:
		/* Sizes and ring addresses, while the queue is off. */
		if (!q || q->ready || !set_up)
			break;
		if (off == CC_Q_SIZE)
			q->size = (uint16_t)v;
		else if (off >= CC_Q_DESC && off < CC_Q_DRIVER)
			virtio_set_half(&q->desc, (off - CC_Q_DESC) / 4, (uint32_t)v);
		else if (off >= CC_Q_DRIVER && off < CC_Q_DEVICE)
			virtio_set_half(&q->avail, (off - CC_Q_DRIVER) / 4,
					(uint32_t)v);
		else if (off >= CC_Q_DEVICE && off < CC_END)
			virtio_set_half(&q->used, (off - CC_Q_DEVICE) / 4,
					(uint32_t)v);
		break;
	}
}

/* ---- the BAR ------------------------------------------------------------------ */

static bool in(uint64_t off, unsigned int size, uint64_t base, uint64_t len)
{
	return off >= base && off - base < len && size <= len - (off - base);
}

int virtio_pci_bar_read(struct virtio_pci *vp, uint64_t off,
			unsigned int size, uint64_t *val)
{
	*val = 0;
	if (in(off, size, VPCI_COMMON, VPCI_COMMON_LEN)) {
		unsigned int f = (unsigned int)(off - VPCI_COMMON);

		/* A 64-bit read of a 64-bit field, or a field as it is. */
		if (size == 8 && f >= CC_Q_DESC && f < CC_END && !(f & 7))
			*val = common_read(vp, f) |
			       common_read(vp, f + 4) << 32;
		else if (size == field_size(f))
			*val = common_read(vp, f);
		return 0;
	}
	if (in(off, size, VPCI_ISR, 1)) {
		*val = vp->isr;			/* reading clears it (4.1.4.5) */
		vp->isr = 0;
		if (vp->intx)
			vp->intx(vp->ctx, vp->gsi, false);
		return 0;
	}
	if (in(off, size, VPCI_DEVICE, vp->vd->ops->cfg_len)) {
		if (vp->vd->ops->cfg_read)
			*val = vp->vd->ops->cfg_read(vp->vd,
						     (uint32_t)(off - VPCI_DEVICE),
						     size);
		return 0;
	}
	if (in(off, size, VPCI_MSIX_TABLE, vp->msix.n * MSIX_ENTRY_SIZE))
		return msix_table_read(&vp->msix, off - VPCI_MSIX_TABLE, size,
				       val);
	if (in(off, size, VPCI_MSIX_PBA, 8))
		return msix_pba_read(&vp->msix, off - VPCI_MSIX_PBA, size, val);
	return 0;
}

int virtio_pci_bar_write(struct virtio_pci *vp, uint64_t off,
			 unsigned int size, uint64_t val)
{
	if (in(off, size, VPCI_COMMON, VPCI_COMMON_LEN)) {
		unsigned int f = (unsigned int)(off - VPCI_COMMON);

		if (size == 8 && f >= CC_Q_DESC && f < CC_END && !(f & 7)) {
			common_write(vp, f, (uint32_t)val);
			common_write(vp, f + 4, val >> 32);
		} else if (size == field_size(f)) {
			common_write(vp, f, val);
		}
		return 0;
	}
	if (in(off, size, VPCI_DEVICE, vp->vd->ops->cfg_len)) {
		if (vp->vd->ops->cfg_write &&
		    !(vp->vd->status & VIRTIO_S_NEEDS_RESET))
			vp->vd->ops->cfg_write(vp->vd, (uint32_t)(off - VPCI_DEVICE),
					       size, (uint32_t)val);
		return 0;
	}
	if (in(off, size, VPCI_NOTIFY,
	       VPCI_NOTIFY_MULT * vp->vd->ops->n_queues)) {
		virtio_dev_notify(vp->vd,
				  (unsigned int)(off - VPCI_NOTIFY) / VPCI_NOTIFY_MULT);
		return 0;
	}
	if (in(off, size, VPCI_MSIX_TABLE, vp->msix.n * MSIX_ENTRY_SIZE))
		return msix_table_write(&vp->msix, off - VPCI_MSIX_TABLE, size,
					val);
	return 0;		/* the PBA and the gaps are read-only */
}
