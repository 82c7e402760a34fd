/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A virtio block device (virtio 1.x, 5.2) over a disk image in the
 * hypervisor's memory (a RAM disk): read, write, flush and get-ID
 * requests, with SIZE_MAX, SEG_MAX, BLK_SIZE and FLUSH offered. A request
 * is served in one go on the notifying vCPU, so its size is bounded
 * (SIZE_MAX x SEG_MAX): a guest cannot hold its pCPU copying its disk. The image outlives
 * the guest, and its checksum (FNV-1a, 64 bits) goes into the exit
 * summary, so a test can prove what was written.
 *
 * Every request is checked: a header of 16 bytes and a status byte, data
 * in whole 512-byte sectors, inside the image. A malformed request gets
 * IOERR (or, without room for a status, breaks the queue: NEEDS_RESET).
 */
#ifndef HV_DEV_VIRTIO_BLK_H
#define HV_DEV_VIRTIO_BLK_H

#include "dev/virtio.h"

#define VIRTIO_ID_BLOCK		2
#define VBLK_QUEUE_MAX		128
#define VBLK_SECTOR		512
#define VBLK_ID			"hvisor-ramdisk"
#define VBLK_ID_LEN		20
#define VBLK_SIZE_MAX		65536	/* bytes in one segment */

#define VIRTIO_BLK_F_SIZE_MAX	(1ull << 1)
#define VIRTIO_BLK_F_SEG_MAX	(1ull << 2)
#define VIRTIO_BLK_F_BLK_SIZE	(1ull << 6)
#define VIRTIO_BLK_F_FLUSH	(1ull << 9)

#define VIRTIO_BLK_T_IN		0
#define VIRTIO_BLK_T_OUT	1
#define VIRTIO_BLK_T_FLUSH	4
#define VIRTIO_BLK_T_GET_ID	8
#define VIRTIO_BLK_S_OK		0
#define VIRTIO_BLK_S_IOERR	1
#define VIRTIO_BLK_S_UNSUPP	2

struct virtio_blk {
	struct virtio_dev vd;
	uint8_t *disk;
	uint64_t size;			/* bytes, whole sectors */
	uint64_t reads, writes, flushes, errors;
	uint64_t bytes_read, bytes_written;
};

extern const struct virtio_dev_ops virtio_blk_ops;

/* Over guest RAM @mem, the image @disk of @size bytes (whole sectors).
 * Put b->vd on a transport next. 0 or -EINVAL. */
int virtio_blk_init(struct virtio_blk *b, const struct virtq_mem *mem,
		    uint8_t *disk, uint64_t size);
/* FNV-1a (64 bits) of the whole image. */
uint64_t virtio_blk_checksum(const struct virtio_blk *b);

#endif
