/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The console's byte ring: printk appends whole lines under a short
 * lock and one pCPU at a time takes them out to the (slow) UART with
 * no lock held, so no pCPU waits on another's serial output with
 * interrupts off. A line that does not fit is dropped and counted, never
 * cut. Plain C; the caller serializes append and take (a spinlock).
 */
#ifndef HV_LIB_LOGRING_H
#define HV_LIB_LOGRING_H

#include <stddef.h>
#include <stdint.h>

struct logring {
	char *buf;
	size_t size;
	uint64_t head;		/* bytes appended ever */
	uint64_t tail;		/* bytes taken ever; head - tail <= size */
	uint64_t dropped;	/* bytes of lines that did not fit */
};

void logring_init(struct logring *r, char *buf, size_t size);
/* Append @n bytes whole, or none (0, or -1 and counted as dropped). */
int logring_append(struct logring *r, const char *s, size_t n);
/* Take up to @max of the oldest bytes into @out; how many. */
size_t logring_take(struct logring *r, char *out, size_t max);
/* Bytes appended and not taken yet. */
size_t logring_pending(const struct logring *r);

#endif
