// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: the device side of a split virtqueue (dev/virtq.c), the
 * one place where hvisor walks what a guest wrote into its own RAM for
 * a device. The input is the queue's setup (size, ring addresses,
 * whether INDIRECT_DESC was taken) followed by the guest's RAM: rings,
 * descriptor tables and indices as the guest left them, loops, huge
 * lengths and all. The walker must never read or write outside RAM
 * (AddressSanitizer guards the exact allocation), must give each chain
 * within VIRTQ_MAX_SEGS segments inside RAM, and must stop: a queue is
 * popped until it is empty or broken, at most twice its size.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dev/virtq.h"

#define HDR	16

static uint64_t get(const uint8_t *p, int n)
{
	uint64_t v = 0;

	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct virtq_chain c;
	struct virtq_mem mem;
	struct virtq q;
	uint8_t buf[256];

	if (size < HDR + 64)
		return 0;
	/* RAM is exactly the rest of the input: ASan fences its ends. */
	mem.size = size - HDR;
	mem.base = malloc(mem.size);
	if (!mem.base)
		return 0;
	memcpy(mem.base, data + HDR, mem.size);
	virtq_init(&q, &mem, 256);
	q.size = (uint16_t)get(data, 2);
	q.desc = get(data + 2, 4) % (mem.size + 64);
	q.avail = get(data + 6, 4) % (mem.size + 64);
	q.used = get(data + 10, 4) % (mem.size + 64);
	q.indirect = data[14] & 1;
	if (!virtq_enable(&q)) {
		for (unsigned int n = 0; n < 2u * q.size + 2; n++) {
			int r = virtq_pop(&q, &c);
			size_t got;

			if (r <= 0)
				break;
			if (c.n_out + c.n_in > VIRTQ_MAX_SEGS)
				abort();
			for (unsigned int s = 0; s < c.n_out + c.n_in; s++)
				if (c.seg[s].gpa > mem.size ||
				    c.seg[s].len > mem.size - c.seg[s].gpa)
					abort();
			got = virtq_read(&q, &c, data[15], buf, sizeof(buf));
			if (got > sizeof(buf) || got > c.out_len)
				abort();
			got = virtq_write(&q, &c, data[15] / 2, buf, got);
			if (got > c.in_len)
				abort();
			virtq_push(&q, c.head, (uint32_t)got);
			(void)virtq_wants_interrupt(&q);
		}
	}
	free(mem.base);
	return 0;
}
