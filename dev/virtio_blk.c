// SPDX-License-Identifier: GPL-2.0
/* A virtio block device over a RAM disk (see virtio_blk.h). */
#include <errno.h>
#include <string.h>
#include "dev/virtio_blk.h"

#define PCI_CLASS_STORAGE_OTHER	0x018000
#define HDR_LEN			16
#define CFG_LEN			64	/* through the zoned fields: read as 0 */
#define CFG_CAPACITY		0
#define CFG_SIZE_MAX		8
#define CFG_SEG_MAX		12
#define CFG_BLK_SIZE		20
/* Header and status take two of a chain's segments. */
#define SEG_MAX			(VIRTQ_MAX_SEGS - 2)
#define REQ_MAX			((uint64_t)SEG_MAX * VBLK_SIZE_MAX)

static struct virtio_blk *blk_of(struct virtio_dev *vd)
{
	return vd->backend;
}

static uint32_t cfg_read(struct virtio_dev *vd, uint32_t off, unsigned int size)
{
	const struct virtio_blk *b = blk_of(vd);
	uint8_t cfg[CFG_LEN] = { 0 };
	uint64_t cap = b->size / VBLK_SECTOR;
	uint32_t v = 0;

	for (int i = 0; i < 8; i++)
		cfg[CFG_CAPACITY + i] = (uint8_t)(cap >> (8 * i));
	for (int i = 0; i < 4; i++) {
		cfg[CFG_SIZE_MAX + i] = (uint8_t)(VBLK_SIZE_MAX >> (8 * i));
		cfg[CFG_SEG_MAX + i] = (uint8_t)(SEG_MAX >> (8 * i));
		cfg[CFG_BLK_SIZE + i] = (uint8_t)(VBLK_SECTOR >> (8 * i));
	}
	for (unsigned int i = 0; i < size; i++)
		v |= (uint32_t)cfg[off + i] << (8 * i);
	return v;
}

static uint64_t le(const uint8_t *p, unsigned int n)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* Whether [sector, + len) lies in the image, in whole sectors, and the
 * request keeps to the size the driver was told. */
static bool in_disk(const struct virtio_blk *b, uint64_t sector, uint64_t len)
{
	return !(len % VBLK_SECTOR) && len <= REQ_MAX &&
	       sector <= b->size / VBLK_SECTOR &&
	       len <= b->size - sector * VBLK_SECTOR;
}

/* One request; returns the bytes written into its writable part. */
static uint32_t request(struct virtio_blk *b, struct virtq *q,
			const struct virtq_chain *c)
{
	uint32_t data_in = c->in_len - 1, written = 0, type;
	uint8_t hdr[HDR_LEN], status = VIRTIO_BLK_S_OK;
	uint64_t sector, len;

	virtq_read(q, c, 0, hdr, HDR_LEN);
	type = (uint32_t)le(hdr, 4);
	sector = le(hdr + 8, 8);
	switch (type) {
	case VIRTIO_BLK_T_IN:
		len = data_in;
		if (!in_disk(b, sector, len)) {
			status = VIRTIO_BLK_S_IOERR;
			break;
		}
		written = (uint32_t)virtq_write(q, c, 0,
						b->disk + sector * VBLK_SECTOR, len);
		b->reads++;
		b->bytes_read += len;
		break;
	case VIRTIO_BLK_T_OUT:
		len = c->out_len - HDR_LEN;
		if (!in_disk(b, sector, len)) {
			status = VIRTIO_BLK_S_IOERR;
			break;
		}
		virtq_read(q, c, HDR_LEN, b->disk + sector * VBLK_SECTOR, len);
		b->writes++;
		b->bytes_written += len;
		break;
	case VIRTIO_BLK_T_FLUSH:
		b->flushes++;		/* RAM: nothing is volatile */
		break;
	case VIRTIO_BLK_T_GET_ID: {
		/* 20 bytes, NUL-padded when the ID is shorter (5.2.6). */
		char id[VBLK_ID_LEN] = VBLK_ID;

		len = data_in < VBLK_ID_LEN ? data_in : VBLK_ID_LEN;
		written = (uint32_t)virtq_write(q, c, 0, id, len);
		break;
	}
	default:
		status = VIRTIO_BLK_S_UNSUPP;
		break;
	}
	if (status != VIRTIO_BLK_S_OK)
		b->errors++;
	virtq_write(q, c, data_in, &status, 1);
	return written + 1;
}

static void notify(struct virtio_dev *vd, unsigned int qi)
{
	struct virtio_blk *b = blk_of(vd);
	struct virtq *q = &vd->vq[0];
	struct virtq_chain c;
	bool pushed = false;
	int r;

	while ((r = virtq_pop(q, &c)) > 0) {
		/* No header or no status byte: nothing to answer with. */
		if (c.out_len < HDR_LEN || c.in_len < 1) {
			r = -EINVAL;
			break;
		}
		virtq_push(q, c.head, request(b, q, &c));
		pushed = true;
	}
	if (r < 0)
		virtio_fail(vd);
	if (pushed)
		virtio_used(vd, 0);
}

const struct virtio_dev_ops virtio_blk_ops = {
	.name = "virtio-blk",
	.id = VIRTIO_ID_BLOCK,
	.pci_class = PCI_CLASS_STORAGE_OTHER,
	.n_queues = 1,
	.queue_max = VBLK_QUEUE_MAX,
	.features = VIRTIO_BLK_F_SIZE_MAX | VIRTIO_BLK_F_SEG_MAX |
		    VIRTIO_BLK_F_BLK_SIZE | VIRTIO_BLK_F_FLUSH,
	.cfg_len = CFG_LEN,
	.cfg_read = cfg_read,
	.notify = notify,
};

int virtio_blk_init(struct virtio_blk *b, const struct virtq_mem *mem,
		    uint8_t *disk, uint64_t size)
{
	if (!disk || !size || size % VBLK_SECTOR)
		return -EINVAL;
	b->disk = disk;
	b->size = size;
	b->reads = b->writes = b->flushes = b->errors = 0;
	b->bytes_read = b->bytes_written = 0;
	return virtio_dev_init(&b->vd, &virtio_blk_ops, b, mem);
}

uint64_t virtio_blk_checksum(const struct virtio_blk *b)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (uint64_t i = 0; i < b->size; i++)
		h = (h ^ b->disk[i]) * 0x100000001b3ull;
	return h;
}
