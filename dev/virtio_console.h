/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A virtio console (virtio 1.x, 5.3): port 0 is the guest's console (what
 * the driver sends on transmitq0 goes to its console line, like its UART
 * output: Linux's hvc0). With a named second port (virtio_console_init()
 * given @port1) the device offers VIRTIO_CONSOLE_F_MULTIPORT: the
 * control queues announce both ports (DEVICE_ADD, CONSOLE_PORT for port 0,
 * PORT_NAME and PORT_OPEN for port 1: Linux's /dev/vport0p1, named in
 * /sys/class/virtio-ports/vport0p1/name), and port 1 is a byte stream
 * each way: what the guest writes goes to @port1->input, what the owner
 * sends with virtio_console_port_send() waits for the guest's receive
 * buffers. Receive buffers on port 0 wait for input, which nothing gives
 * yet.
 */
#ifndef HV_DEV_VIRTIO_CONSOLE_H
#define HV_DEV_VIRTIO_CONSOLE_H

#include <stddef.h>
#include "dev/linebuf.h"
#include "dev/virtio.h"

#define VIRTIO_ID_CONSOLE	3
#define VCON_F_MULTIPORT	(1ull << 1)
#define VCON_RX			0	/* receiveq0 */
#define VCON_TX			1	/* transmitq0 */
#define VCON_CTRL_RX		2	/* control receiveq: device to driver */
#define VCON_CTRL_TX		3	/* control transmitq: driver to device */
#define VCON_P1_RX		4	/* port 1's receiveq */
#define VCON_P1_TX		5	/* port 1's transmitq */
#define VCON_QUEUE_MAX		64
#define VCON_OUT_MAX		16384	/* bytes for port 1 waiting for buffers */
#define VCON_CTRL_PENDING	8	/* control messages waiting for buffers */
#define VCON_NAME_MAX		32

/* The control messages (5.3.6.2.1). */
#define VCON_DEVICE_READY	0
#define VCON_DEVICE_ADD		1
#define VCON_PORT_READY		3
#define VCON_CONSOLE_PORT	4
#define VCON_PORT_OPEN		6
#define VCON_PORT_NAME		7

/* The named second port: its name and who reads what the guest writes. */
struct vcon_port_ops {
	const char *name;
	void (*input)(void *ctx, const uint8_t *buf, size_t len);
	/* The guest opened (true) or closed the port. */
	void (*opened)(void *ctx, bool open);
	void *ctx;
};

struct vcon_ctrl_msg {
	uint32_t id;
	uint16_t event, value;
	char name[VCON_NAME_MAX];	/* PORT_NAME's, after the header */
};

struct virtio_console {
	struct virtio_dev vd;
	struct linebuf out;
	uint64_t tx_bytes;
	const struct vcon_port_ops *port1;	/* NULL: one port */
	bool guest_open;			/* port 1 opened in the guest */
	struct vcon_ctrl_msg ctrl[VCON_CTRL_PENDING];
	unsigned int ctrl_head, ctrl_n;
	uint64_t ctrl_dropped;
	uint8_t p1_out[VCON_OUT_MAX];		/* for the guest, not yet taken */
	size_t p1_out_len;
	uint64_t p1_in_bytes, p1_out_bytes, p1_out_dropped;
};

extern const struct virtio_dev_ops virtio_console_ops;
extern const struct virtio_dev_ops virtio_console_mp_ops;

/*
 * Over the guest RAM @mem; console lines go to @emit(@ctx, ...); @port1
 * (NULL for none) is the named second port. Put con->vd on a transport
 * next. 0 or -errno.
 */
int virtio_console_init(struct virtio_console *con, const struct virtq_mem *mem,
			void (*emit)(void *ctx, const char *line, unsigned int len),
			void *ctx, const struct vcon_port_ops *port1);
/*
 * Queue @len bytes for the guest on port 1, handed over as its receive
 * buffers come. Returns how many were taken (all, or what fits).
 */
size_t virtio_console_port_send(struct virtio_console *con, const void *buf,
				size_t len);

#endif
