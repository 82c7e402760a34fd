// SPDX-License-Identifier: GPL-2.0
/* The device side of a split virtqueue (see virtq.h). */
#include <errno.h>
#include <string.h>
#include "dev/virtq.h"

#define DESC_SIZE	16

static bool in_ram(const struct virtq *q, uint64_t gpa, uint64_t len)
{
	return gpa <= q->mem->size && len <= q->mem->size - gpa;
}

static uint16_t ld16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t ld32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static void st16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void st32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* The guest writes the rings while we read them: one load each. */
static uint16_t guest16(const struct virtq *q, uint64_t gpa)
{
	uint16_t v;

	__atomic_load(&q->mem->base[gpa], (uint8_t *)&v, __ATOMIC_RELAXED);
	__atomic_load(&q->mem->base[gpa + 1], (uint8_t *)&v + 1,
		      __ATOMIC_RELAXED);
	return ld16((const uint8_t *)&v);
}

void virtq_init(struct virtq *q, const struct virtq_mem *mem, uint16_t max_size)
{
	memset(q, 0, sizeof(*q));
	q->mem = mem;
	q->size = max_size;
}

void virtq_reset(struct virtq *q, uint16_t max_size)
{
	virtq_init(q, q->mem, max_size);
}

int virtq_enable(struct virtq *q)
{
	uint64_t n = q->size;

	q->ready = false;
	if (!n || n > VIRTQ_MAX_SIZE || (n & (n - 1)))
		return -EINVAL;
	/* virtio 1.x 2.7: 16-, 2- and 4-byte alignment. */
	if ((q->desc & 15) || (q->avail & 1) || (q->used & 3))
		return -EINVAL;
	if (!in_ram(q, q->desc, DESC_SIZE * n) ||
	    !in_ram(q, q->avail, 6 + 2 * n) || !in_ram(q, q->used, 6 + 8 * n))
		return -EINVAL;
	q->last_avail = 0;
	q->used_idx = 0;
	q->broken = false;
	q->ready = true;
	return 0;
}

static int broken(struct virtq *q)
{
	q->broken = true;
	return -EINVAL;
}

/*
 * The indirect table at @addr becomes the one the chain goes on in:
 * only once (never from inside a table, wherever it lies), as the
 * chain's last descriptor, with whole entries inside RAM (virtio 1.x
 * 2.7.5.3). False when the driver broke a rule.
 */
static bool enter_table(const struct virtq *q, uint16_t flags, uint64_t addr,
			uint32_t len, bool *in_table, uint64_t *table,
			uint32_t *n)
{
	if (!q->indirect || *in_table || (flags & VIRTQ_DESC_F_NEXT) ||
	    !len || len % DESC_SIZE || len / DESC_SIZE > VIRTQ_MAX_SIZE ||
	    !in_ram(q, addr, len))
		return false;
	*in_table = true;
	*table = addr;
	*n = len / DESC_SIZE;
	return true;
}

int virtq_pop(struct virtq *q, struct virtq_chain *c)
{
	uint16_t avail_idx, i, n_seen = 0;
	uint64_t table = q->desc;
	uint32_t n_table = q->size;
	bool in_table = false;
	const uint8_t *d;

	if (!q->ready || q->broken)
		return q->broken ? -EINVAL : 0;
	avail_idx = guest16(q, q->avail + 2);
	/* Ring entries are read after the index that published them. */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	if (avail_idx == q->last_avail)
		return 0;
	if ((uint16_t)(avail_idx - q->last_avail) > q->size)
		return broken(q);
	i = guest16(q, q->avail + 4 + 2 * (q->last_avail % q->size));
	if (i >= q->size)
		return broken(q);
	c->head = i;
	c->n_out = c->n_in = 0;
	c->out_len = c->in_len = 0;
	for (;;) {
		uint16_t flags;
		uint32_t len;
		uint64_t addr;

		/* More links than entries: the chain loops. */
		if (++n_seen > n_table || c->n_out + c->n_in == VIRTQ_MAX_SEGS)
			return broken(q);
		d = q->mem->base + table + DESC_SIZE * i;
		addr = ld32(d) | (uint64_t)ld32(d + 4) << 32;
		len = ld32(d + 8);
		flags = ld16(d + 12);
		if (flags & VIRTQ_DESC_F_INDIRECT) {
			/* Its WRITE flag means nothing (2.7.5.3.2). */
			if (!enter_table(q, flags, addr, len, &in_table, &table,
					 &n_table))
				return broken(q);
			i = 0;
			n_seen = 0;
			continue;
		}
		if (!in_ram(q, addr, len))
			return broken(q);
		if (flags & VIRTQ_DESC_F_WRITE) {
			if ((uint64_t)c->in_len + len > UINT32_MAX)
				return broken(q);
			c->in_len += len;
			c->n_in++;
		} else {
			/* Readable after writable breaks 2.7.4.2. */
			if (c->n_in || (uint64_t)c->out_len + len > UINT32_MAX)
				return broken(q);
			c->out_len += len;
			c->n_out++;
		}
		c->seg[c->n_out + c->n_in - 1] = (struct virtq_seg){ addr, len };
		if (!(flags & VIRTQ_DESC_F_NEXT))
			break;
		i = ld16(d + 14);
		if (i >= n_table)
			return broken(q);
	}
	q->last_avail++;
	return 1;
}

void virtq_push(struct virtq *q, uint16_t head, uint32_t len)
{
	uint8_t *e;

	if (!q->ready || q->broken)
		return;
	e = q->mem->base + q->used + 4 + 8 * (q->used_idx % q->size);
	st32(e, head);
	st32(e + 4, len);
	q->used_idx++;
	/* The entry is visible before the index that publishes it. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	st16(q->mem->base + q->used + 2, q->used_idx);
}

bool virtq_wants_interrupt(const struct virtq *q)
{
	if (!q->ready || q->broken)
		return false;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return !(guest16(q, q->avail) & VIRTQ_AVAIL_F_NO_INTERRUPT);
}

static size_t copy(const struct virtq *q, const struct virtq_chain *c,
		   bool in, size_t off, uint8_t *buf, size_t len, bool to_guest)
{
	unsigned int first = in ? c->n_out : 0, n = in ? c->n_in : c->n_out;
	size_t done = 0;

	for (unsigned int s = first; s < first + n && done < len; s++) {
		const struct virtq_seg *g = &c->seg[s];
		size_t k;

		if (off >= g->len) {
			off -= g->len;
			continue;
		}
		k = g->len - off;
		if (k > len - done)
			k = len - done;
		/* Checked in virtq_pop(); RAM does not shrink. */
		if (to_guest)
			memcpy(q->mem->base + g->gpa + off, buf + done, k);
		else
			memcpy(buf + done, q->mem->base + g->gpa + off, k);
		done += k;
		off = 0;
	}
	return done;
}

size_t virtq_read(const struct virtq *q, const struct virtq_chain *c,
		  size_t off, void *buf, size_t len)
{
	return copy(q, c, false, off, buf, len, false);
}

size_t virtq_write(const struct virtq *q, const struct virtq_chain *c,
		   size_t off, const void *buf, size_t len)
{
	return copy(q, c, true, off, (uint8_t *)buf, len, true);
}
