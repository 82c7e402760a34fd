// SPDX-License-Identifier: GPL-2.0
/*
 * The boot heap: a bump allocator for the few small buffers libinih and
 * libfdt ask for while the hypervisor starts. Nothing on the VM-exit path
 * allocates. free() only gives back the most recent block.
 */
#include <stdint.h>
#include <string.h>
#include <stdlib.h>

#define BOOT_HEAP_SIZE	(128 * 1024)

struct blk {
	size_t size;
	size_t pad;
};

static uint8_t heap[BOOT_HEAP_SIZE] __attribute__((aligned(16)));
static size_t heap_top;
static void *heap_last;

void *malloc(size_t n)
{
	struct blk *b;

	n = (n + 15) & ~(size_t)15;
	if (n > BOOT_HEAP_SIZE - heap_top - sizeof(*b))
		return NULL;
	b = (struct blk *)(heap + heap_top);
	b->size = n;
	heap_top += sizeof(*b) + n;
	heap_last = b + 1;
	return heap_last;
}

void *calloc(size_t n, size_t size)
{
	void *p;

	if (size && n > SIZE_MAX / size)
		return NULL;
	p = malloc(n * size);
	if (p)
		memset(p, 0, n * size);
	return p;
}

void free(void *p)
{
	struct blk *b = (struct blk *)p - 1;

	if (p && p == heap_last) {
		heap_top -= sizeof(*b) + b->size;
		heap_last = NULL;
	}
}

void *realloc(void *p, size_t n)
{
	struct blk *b = (struct blk *)p - 1;
	void *q;

	if (!p)
		return malloc(n);
	if (n <= b->size)
		return p;
	q = malloc(n);
	if (q)
		memcpy(q, p, b->size);
	return q;
}
