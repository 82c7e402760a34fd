/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The device side of a split virtqueue (virtio 1.x, 2.7): take the
 * descriptor chains the driver made available, and give them back
 * through the used ring. Plain C over the guest's RAM (one block from
 * guest-physical 0, as hvisor maps it), so host tests and a fuzzer can
 * drive it.
 *
 * Nothing the guest wrote is trusted: ring addresses, indices, chain
 * links and lengths are checked, a chain longer than its table is a loop,
 * and an indirect table (VIRTIO_F_INDIRECT_DESC, when the driver took it)
 * is checked the same way: inside RAM, whole descriptors, last in its
 * chain, no indirect descriptor in it. A bad queue is
 * broken for good (the device then sets NEEDS_RESET); it never reads or
 * writes outside the guest's RAM.
 */
#ifndef HV_DEV_VIRTQ_H
#define HV_DEV_VIRTQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VIRTQ_MAX_SIZE		1024	/* queue_size: a power of two up to this */
#define VIRTQ_MAX_SEGS		128	/* descriptors in one chain */

#define VIRTQ_DESC_F_NEXT	1
#define VIRTQ_DESC_F_WRITE	2
#define VIRTQ_DESC_F_INDIRECT	4
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1

/* The guest's RAM as the device sees it: gpa g is base[g], g < size. */
struct virtq_mem {
	uint8_t *base;
	uint64_t size;
};

struct virtq {
	const struct virtq_mem *mem;
	uint16_t size;			/* set by the driver, before enable */
	uint64_t desc, avail, used;	/* guest-physical */
	bool ready;			/* enabled and checked */
	bool broken;
	bool indirect;			/* the driver took INDIRECT_DESC */
	uint16_t last_avail;		/* the next available entry to take */
	uint16_t used_idx;		/* our copy of used->idx */
};

struct virtq_seg {
	uint64_t gpa;
	uint32_t len;
};

/* One chain: the device-readable segments first, then the writable. */
struct virtq_chain {
	uint16_t head;
	unsigned int n_out, n_in;
	struct virtq_seg seg[VIRTQ_MAX_SEGS];
	uint32_t out_len, in_len;	/* bytes in each direction */
};

#define VIRTIO_F_INDIRECT_DESC	(1ull << 28)

/* A queue with no rings yet, of at most @max_size entries. */
void virtq_init(struct virtq *q, const struct virtq_mem *mem, uint16_t max_size);
/*
 * The driver enabled it: its size and ring addresses must be sane
 * (a power of two, aligned, inside RAM). 0, or -EINVAL (not enabled).
 */
int virtq_enable(struct virtq *q);
/* Back to virtq_init()'s state (a device reset). */
void virtq_reset(struct virtq *q, uint16_t max_size);

/*
 * Takes the next available chain into @c: 1, 0 when there is none, or
 * -EINVAL when the driver broke the rules (the queue is then broken).
 */
int virtq_pop(struct virtq *q, struct virtq_chain *c);
/* Gives @head back with @len bytes written into its writable part. */
void virtq_push(struct virtq *q, uint16_t head, uint32_t len);
/* Whether the driver wants an interrupt for what was pushed. */
bool virtq_wants_interrupt(const struct virtq *q);

/* Copies up to @len bytes of @c's readable part from @off into @buf;
 * returns how many. */
size_t virtq_read(const struct virtq *q, const struct virtq_chain *c,
		  size_t off, void *buf, size_t len);
/* Copies up to @len bytes into @c's writable part at @off; returns how
 * many. */
size_t virtq_write(const struct virtq *q, const struct virtq_chain *c,
		   size_t off, const void *buf, size_t len);

#endif
