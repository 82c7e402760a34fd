// SPDX-License-Identifier: GPL-2.0
/* A one-port virtio console (see virtio_console.h). */
#include <stddef.h>
#include "dev/virtio_console.h"

#define PCI_CLASS_COMM_OTHER	0x078000
#define VCON_CFG_LEN		12	/* cols, rows, max_nr_ports, emerg_wr */

static struct virtio_console *con_of(struct virtio_dev *vd)
{
	return vd->backend;
}

/* Without F_SIZE, F_MULTIPORT and F_EMERG_WRITE every field reads 0. */
static uint32_t cfg_read(struct virtio_dev *vd, uint32_t off, unsigned int size)
{
	return 0;
}

static void transmit(struct virtio_console *con)
{
	struct virtio_dev *vd = &con->vd;
	struct virtq *q = &vd->vq[VCON_TX];
	struct virtq_chain c;
	bool pushed = false;
	char buf[64];
	int r;

	while ((r = virtq_pop(q, &c)) > 0) {
		for (size_t off = 0; off < c.out_len;) {
			size_t n = virtq_read(q, &c, off, buf, sizeof(buf));

			for (size_t i = 0; i < n; i++)
				linebuf_put(&con->out, buf[i]);
			off += n;
		}
		con->tx_bytes += c.out_len;
		virtq_push(q, c.head, 0);
		pushed = true;
	}
	if (r < 0)
		virtio_fail(vd);
	if (pushed)
		virtio_used(vd, VCON_TX);
}

static void notify(struct virtio_dev *vd, unsigned int q)
{
	if (q == VCON_TX)
		transmit(con_of(vd));
	/* receiveq0: the buffers stay until there is input. */
}

static void con_reset(struct virtio_dev *vd)
{
	linebuf_flush(&con_of(vd)->out);
}

const struct virtio_dev_ops virtio_console_ops = {
	.name = "virtio-console",
	.id = VIRTIO_ID_CONSOLE,
	.pci_class = PCI_CLASS_COMM_OTHER,
	.n_queues = 2,
	.queue_max = VCON_QUEUE_MAX,
	.features = 0,
	.cfg_len = VCON_CFG_LEN,
	.cfg_read = cfg_read,
	.notify = notify,
	.reset = con_reset,
};

int virtio_console_init(struct virtio_console *con, const struct virtq_mem *mem,
			void (*emit)(void *ctx, const char *line, unsigned int len),
			void *ctx)
{
	con->tx_bytes = 0;
	linebuf_init(&con->out, emit, ctx);
	return virtio_dev_init(&con->vd, &virtio_console_ops, con, mem);
}
