/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A virtio console (virtio 1.x, 5.3) with one port and no feature bits:
 * what the driver sends on transmitq0 goes to the guest's console line,
 * like its UART output (Linux's hvc0). Receive buffers wait for input,
 * which nothing gives yet.
 */
#ifndef HV_DEV_VIRTIO_CONSOLE_H
#define HV_DEV_VIRTIO_CONSOLE_H

#include "dev/linebuf.h"
#include "dev/virtio.h"

#define VIRTIO_ID_CONSOLE	3
#define VCON_RX			0	/* receiveq0 */
#define VCON_TX			1	/* transmitq0 */
#define VCON_QUEUE_MAX		64

struct virtio_console {
	struct virtio_dev vd;
	struct linebuf out;
	uint64_t tx_bytes;
};

extern const struct virtio_dev_ops virtio_console_ops;

/*
 * Over the guest RAM @mem; lines go to @emit(@ctx, ...). Put con->vd on
 * a transport next. 0 or -errno.
 */
int virtio_console_init(struct virtio_console *con, const struct virtq_mem *mem,
			void (*emit)(void *ctx, const char *line, unsigned int len),
			void *ctx);

#endif
