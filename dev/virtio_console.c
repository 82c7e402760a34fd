// SPDX-License-Identifier: GPL-2.0
/* A virtio console with an optional named second port (see virtio_console.h). */
#include <stddef.h>
#include <string.h>
#include "dev/virtio_console.h"

#define PCI_CLASS_COMM_OTHER	0x078000
#define VCON_CFG_LEN		12	/* cols, rows, max_nr_ports, emerg_wr */
#define CTRL_HDR		8	/* id (le32), event, value (le16) */

static struct virtio_console *con_of(struct virtio_dev *vd)
{
	return vd->backend;
}

/* Only max_nr_ports (offset 4) is not 0, and only with MULTIPORT. */
static uint32_t cfg_read(struct virtio_dev *vd, uint32_t off, unsigned int size)
{
	uint8_t cfg[VCON_CFG_LEN] = { 0 };
	uint32_t v = 0;

	if (con_of(vd)->port1)
		cfg[4] = 2;
	for (unsigned int i = 0; i < size && off + i < VCON_CFG_LEN; i++)
		v |= (uint32_t)cfg[off + i] << (8 * i);
	return v;
}

/* Every readable byte of every chain on @q to @fn; the chains used back. */
static void drain_tx(struct virtio_dev *vd, unsigned int q,
		     void (*fn)(struct virtio_console *con, const uint8_t *buf,
				size_t len))
{
	struct virtio_console *con = con_of(vd);
	struct virtq *vq = &vd->vq[q];
	struct virtq_chain c;
	bool pushed = false;
	uint8_t buf[64];
	int r;

	while ((r = virtq_pop(vq, &c)) > 0) {
		for (size_t off = 0; off < c.out_len;) {
			size_t n = virtq_read(vq, &c, off, buf, sizeof(buf));

			if (!n)
				break;
			fn(con, buf, n);
			off += n;
		}
		virtq_push(vq, c.head, 0);
		pushed = true;
	}
	if (r < 0)
		virtio_fail(vd);
	if (pushed)
		virtio_used(vd, q);
}

static void to_line(struct virtio_console *con, const uint8_t *buf, size_t n)
{
	for (size_t i = 0; i < n; i++)
		linebuf_put(&con->out, (char)buf[i]);
	con->tx_bytes += n;
}

static void to_port1(struct virtio_console *con, const uint8_t *buf, size_t n)
{
	con->p1_in_bytes += n;
	con->port1->input(con->port1->ctx, buf, n);
}

/* ---- control queues ------------------------------------------------------- */

static void ctrl_add(struct virtio_console *con, uint32_t id, uint16_t event,
		     uint16_t value, const char *name)
{
	struct vcon_ctrl_msg *m;

	if (con->ctrl_n == VCON_CTRL_PENDING) {
		con->ctrl_dropped++;
		return;
	}
	m = &con->ctrl[(con->ctrl_head + con->ctrl_n++) % VCON_CTRL_PENDING];
	m->id = id;
	m->event = event;
	m->value = value;
	m->name[0] = 0;
	if (name) {
		strncpy(m->name, name, VCON_NAME_MAX - 1);
		m->name[VCON_NAME_MAX - 1] = 0;
	}
}

/* Pending control messages into the driver's control receive buffers. */
static void ctrl_flush(struct virtio_console *con)
{
	struct virtq *q = &con->vd.vq[VCON_CTRL_RX];
	struct virtq_chain c;
	bool pushed = false;
	uint8_t b[CTRL_HDR + VCON_NAME_MAX];
	int r = 0;

	while (con->ctrl_n && (r = virtq_pop(q, &c)) > 0) {
		struct vcon_ctrl_msg *m = &con->ctrl[con->ctrl_head];
		size_t len = CTRL_HDR + strlen(m->name);

		for (int i = 0; i < 4; i++)
			b[i] = (uint8_t)(m->id >> (8 * i));
		b[4] = (uint8_t)m->event;
		b[5] = (uint8_t)(m->event >> 8);
		b[6] = (uint8_t)m->value;
		b[7] = (uint8_t)(m->value >> 8);
		memcpy(b + CTRL_HDR, m->name, strlen(m->name));
		virtq_push(q, c.head, (uint32_t)virtq_write(q, &c, 0, b, len));
		con->ctrl_head = (con->ctrl_head + 1) % VCON_CTRL_PENDING;
		con->ctrl_n--;
		pushed = true;
	}
	if (r < 0)
		virtio_fail(&con->vd);
	if (pushed)
		virtio_used(&con->vd, VCON_CTRL_RX);
}

/* One message from the driver (5.3.6.2.2). */
static void ctrl_in(struct virtio_console *con, const uint8_t *b, size_t n)
{
	uint32_t id;
	uint16_t event, value;

	if (n < CTRL_HDR)
		return;		/* a short one is ignored, as Linux would */
	id = b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24;
	event = (uint16_t)(b[4] | b[5] << 8);
	value = (uint16_t)(b[6] | b[7] << 8);
	switch (event) {
	case VCON_DEVICE_READY:
		if (value == 1) {
			ctrl_add(con, 0, VCON_DEVICE_ADD, 0, NULL);
			ctrl_add(con, 1, VCON_DEVICE_ADD, 0, NULL);
		}
		break;
	case VCON_PORT_READY:
		if (value != 1)
			break;
		if (id == 0) {
			ctrl_add(con, 0, VCON_CONSOLE_PORT, 1, NULL);
			ctrl_add(con, 0, VCON_PORT_OPEN, 1, NULL);
		} else if (id == 1) {
			ctrl_add(con, 1, VCON_PORT_NAME, 0, con->port1->name);
			ctrl_add(con, 1, VCON_PORT_OPEN, 1, NULL);
		}
		break;
	case VCON_PORT_OPEN:
		if (id == 1 && con->guest_open != !!value) {
			con->guest_open = value;
			if (con->port1->opened)
				con->port1->opened(con->port1->ctx, value);
		}
		break;
	default:
		break;
	}
}

/* Each control chain carries one message, whatever its segments. */
static void ctrl_drain(struct virtio_console *con)
{
	struct virtq *q = &con->vd.vq[VCON_CTRL_TX];
	struct virtq_chain c;
	bool pushed = false;
	uint8_t b[CTRL_HDR];
	int r;

	while ((r = virtq_pop(q, &c)) > 0) {
		ctrl_in(con, b, virtq_read(q, &c, 0, b, sizeof(b)));
		virtq_push(q, c.head, 0);
		pushed = true;
	}
	if (r < 0)
		virtio_fail(&con->vd);
	if (pushed)
		virtio_used(&con->vd, VCON_CTRL_TX);
	ctrl_flush(con);
}

/* ---- port 1's bytes for the guest ---------------------------------------- */

static void p1_flush(struct virtio_console *con)
{
	struct virtq *q = &con->vd.vq[VCON_P1_RX];
	struct virtq_chain c;
	bool pushed = false;
	int r = 0;

	while (con->p1_out_len && (r = virtq_pop(q, &c)) > 0) {
		size_t n = virtq_write(q, &c, 0, con->p1_out, con->p1_out_len);

		memmove(con->p1_out, con->p1_out + n, con->p1_out_len - n);
		con->p1_out_len -= n;
		con->p1_out_bytes += n;
		virtq_push(q, c.head, (uint32_t)n);
		pushed = true;
	}
	if (r < 0)
		virtio_fail(&con->vd);
	if (pushed)
		virtio_used(&con->vd, VCON_P1_RX);
}

size_t virtio_console_port_send(struct virtio_console *con, const void *buf,
				size_t len)
{
	size_t room = VCON_OUT_MAX - con->p1_out_len;

	if (!con->port1)
		return 0;
	if (len > room) {
		con->p1_out_dropped += len - room;
		len = room;
	}
	memcpy(con->p1_out + con->p1_out_len, buf, len);
	con->p1_out_len += len;
	if (virtio_dev_live(&con->vd))
		p1_flush(con);
	return len;
}

/* ---- the device ----------------------------------------------------------- */

static void notify(struct virtio_dev *vd, unsigned int q)
{
	struct virtio_console *con = con_of(vd);

	switch (q) {
	case VCON_TX:
		drain_tx(vd, q, to_line);
		break;
	case VCON_CTRL_RX:
		ctrl_flush(con);
		break;
	case VCON_CTRL_TX:
		ctrl_drain(con);
		break;
	case VCON_P1_RX:
		p1_flush(con);
		break;
	case VCON_P1_TX:
		drain_tx(vd, q, to_port1);
		break;
	default:
		break;	/* receiveq0: the buffers stay until there is input */
	}
}

static void con_reset(struct virtio_dev *vd)
{
	struct virtio_console *con = con_of(vd);

	linebuf_flush(&con->out);
	con->ctrl_head = con->ctrl_n = 0;
	con->p1_out_len = 0;
	if (con->guest_open && con->port1->opened)
		con->port1->opened(con->port1->ctx, false);
	con->guest_open = false;
}

#define CONSOLE_OPS(n, feat)						\
	.name = "virtio-console", .id = VIRTIO_ID_CONSOLE,		\
	.pci_class = PCI_CLASS_COMM_OTHER, .n_queues = (n),		\
	.queue_max = VCON_QUEUE_MAX, .features = (feat),		\
	.cfg_len = VCON_CFG_LEN, .cfg_read = cfg_read,			\
	.notify = notify, .reset = con_reset

const struct virtio_dev_ops virtio_console_ops = { CONSOLE_OPS(2, 0) };
const struct virtio_dev_ops virtio_console_mp_ops = {
	CONSOLE_OPS(6, VCON_F_MULTIPORT)
};

int virtio_console_init(struct virtio_console *con, const struct virtq_mem *mem,
			void (*emit)(void *ctx, const char *line, unsigned int len),
			void *ctx, const struct vcon_port_ops *port1)
{
	memset(con, 0, sizeof(*con));
	linebuf_init(&con->out, emit, ctx);
	con->port1 = port1;
	return virtio_dev_init(&con->vd, port1 ? &virtio_console_mp_ops :
			       &virtio_console_ops, con, mem);
}
