/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A virtio network device (virtio 1.x, 5.1) with one receive and one
 * transmit queue, MAC and STATUS offered (the link is always up), no
 * offloads: every frame is a plain Ethernet frame of at most
 * VNET_FRAME_MAX bytes behind the 12-byte virtio_net_hdr.
 *
 * The device only moves frames between its queues and the caller: a
 * notify on the transmit queue calls @kick (the caller then takes the
 * frames with virtio_net_tx() outside the device's lock, see
 * src/core/vmnet.c), and virtio_net_rx() puts a frame into the next
 * receive buffer. Frames are copied, never mapped, and only after the
 * chains were checked (dev/virtq.c). A frame with no receive buffer
 * waiting is dropped, as a NIC drops it; a transmit chain too short for
 * a header or too long for a frame is dropped and counted.
 */
#ifndef HV_DEV_VIRTIO_NET_H
#define HV_DEV_VIRTIO_NET_H

#include "dev/virtio.h"

#define VIRTIO_ID_NET		1
#define VNET_RX			0
#define VNET_TX			1
#define VNET_QUEUE_MAX		256
#define VNET_HDR_LEN		12	/* virtio_net_hdr with num_buffers */
#define VNET_FRAME_MAX		1518	/* 1500 bytes of payload, a VLAN tag */
#define VNET_MIN_FRAME		14	/* an Ethernet header */

#define VIRTIO_NET_F_MAC	(1ull << 5)
#define VIRTIO_NET_F_STATUS	(1ull << 16)
#define VIRTIO_NET_S_LINK_UP	1

struct virtio_net {
	struct virtio_dev vd;
	uint8_t mac[6];
	/* The driver notified the transmit queue: @kick(@ctx, net). */
	void (*kick)(void *ctx, struct virtio_net *n);
	void *ctx;
	bool tx_pushed;			/* used entries not yet signalled */
	uint64_t tx_frames, tx_bytes, tx_dropped;
	uint64_t rx_frames, rx_bytes, rx_dropped, rx_short;
};

extern const struct virtio_dev_ops virtio_net_ops;

/* Over guest RAM @mem with address @mac. Put n->vd on a transport next. */
int virtio_net_init(struct virtio_net *n, const struct virtq_mem *mem,
		    const uint8_t mac[6],
		    void (*kick)(void *ctx, struct virtio_net *n), void *ctx);
/*
 * The next frame the driver sent, into @buf (VNET_FRAME_MAX bytes): its
 * length, 0 when there is none (the used entries are then signalled),
 * -EAGAIN for one dropped (take the next), -EINVAL when the queue broke.
 */
int virtio_net_tx(struct virtio_net *n, uint8_t *buf);
/*
 * Hand frame @frame of @len bytes (at most VNET_FRAME_MAX) to the
 * driver: 0, or -ENOSPC (no buffer: dropped), -ENODEV (not running).
 */
int virtio_net_rx(struct virtio_net *n, const uint8_t *frame, size_t len);

#endif
