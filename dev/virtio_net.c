// SPDX-License-Identifier: GPL-2.0
/* A virtio network device (see virtio_net.h). */
#include <errno.h>
#include <string.h>
#include "dev/virtio_net.h"

#define PCI_CLASS_NET_ETHERNET	0x020000
#define CFG_LEN			8	/* mac[6], status */
#define HDR_NUM_BUFFERS		10

static struct virtio_net *net_of(struct virtio_dev *vd)
{
	return vd->backend;
}

static uint32_t cfg_read(struct virtio_dev *vd, uint32_t off, unsigned int size)
{
	const struct virtio_net *n = net_of(vd);
	uint8_t cfg[CFG_LEN];
	uint32_t v = 0;

	memcpy(cfg, n->mac, 6);
	cfg[6] = VIRTIO_NET_S_LINK_UP;
	cfg[7] = 0;
	for (unsigned int i = 0; i < size; i++)
		v |= (uint32_t)cfg[off + i] << (8 * i);
	return v;
}

static void notify(struct virtio_dev *vd, unsigned int q)
{
	struct virtio_net *n = net_of(vd);

	/* Receive buffers wait for frames; frames are sent outside our lock. */
	if (q == VNET_TX && n->kick)
		n->kick(n->ctx, n);
}

int virtio_net_tx(struct virtio_net *n, uint8_t *buf)
{
	struct virtq *q = &n->vd.vq[VNET_TX];
	struct virtq_chain c;
	uint32_t len;
	int r;

	if (!virtio_dev_live(&n->vd) || !q->ready)
		return 0;
	r = virtq_pop(q, &c);
	if (r <= 0) {
		if (r < 0)
			virtio_fail(&n->vd);
		if (n->tx_pushed)
			virtio_used(&n->vd, VNET_TX);
		n->tx_pushed = false;
		return r;
	}
	len = c.out_len - VNET_HDR_LEN;
	if (c.out_len < VNET_HDR_LEN + VNET_MIN_FRAME ||
	    len > VNET_FRAME_MAX) {
		n->tx_dropped++;
		len = 0;
	} else {
		virtq_read(q, &c, VNET_HDR_LEN, buf, len);
		n->tx_frames++;
		n->tx_bytes += len;
	}
	virtq_push(q, c.head, 0);
	n->tx_pushed = true;
	return len ? (int)len : -EAGAIN;
}

int virtio_net_rx(struct virtio_net *n, const uint8_t *frame, size_t len)
{
	struct virtq *q = &n->vd.vq[VNET_RX];
	uint8_t hdr[VNET_HDR_LEN] = { 0 };
	struct virtq_chain c;
	int r;

	if (!virtio_dev_live(&n->vd) || !q->ready) {
		n->rx_dropped++;
		return -ENODEV;
	}
	r = virtq_pop(q, &c);
	/* A receive buffer the device may only read is a broken driver. */
	if (r > 0 && c.out_len)
		r = -EINVAL;
	if (r <= 0) {
		if (r < 0)
			virtio_fail(&n->vd);
		n->rx_dropped++;
		return r < 0 ? -ENODEV : -ENOSPC;
	}
	if (c.in_len < VNET_HDR_LEN + len) {
		/* The driver gave too little room (5.1.6.3.1: 1526 bytes). */
		n->rx_short++;
		virtq_push(q, c.head, 0);
		virtio_used(&n->vd, VNET_RX);
		return -ENOSPC;
	}
	hdr[HDR_NUM_BUFFERS] = 1;
	virtq_write(q, &c, 0, hdr, VNET_HDR_LEN);
	virtq_write(q, &c, VNET_HDR_LEN, frame, len);
	virtq_push(q, c.head, (uint32_t)(VNET_HDR_LEN + len));
	n->rx_frames++;
	n->rx_bytes += len;
	virtio_used(&n->vd, VNET_RX);
	return 0;
}

static void net_reset(struct virtio_dev *vd)
{
	net_of(vd)->tx_pushed = false;
}

const struct virtio_dev_ops virtio_net_ops = {
	.name = "virtio-net",
	.id = VIRTIO_ID_NET,
	.pci_class = PCI_CLASS_NET_ETHERNET,
	.n_queues = 2,
	.queue_max = VNET_QUEUE_MAX,
	.features = VIRTIO_NET_F_MAC | VIRTIO_NET_F_STATUS,
	.cfg_len = CFG_LEN,
	.cfg_read = cfg_read,
	.notify = notify,
	.reset = net_reset,
};

int virtio_net_init(struct virtio_net *n, const struct virtq_mem *mem,
		    const uint8_t mac[6],
		    void (*kick)(void *ctx, struct virtio_net *n), void *ctx)
{
	memcpy(n->mac, mac, 6);
	n->kick = kick;
	n->ctx = ctx;
	n->tx_pushed = false;
	n->tx_frames = n->tx_bytes = n->tx_dropped = 0;
	n->rx_frames = n->rx_bytes = n->rx_dropped = n->rx_short = 0;
	return virtio_dev_init(&n->vd, &virtio_net_ops, n, mem);
}
