// SPDX-License-Identifier: GPL-2.0
/* The console's byte ring (logring.h). */
#include <string.h>
#include "src/lib/logring.h"

void logring_init(struct logring *r, char *buf, size_t size)
{
	r->buf = buf;
	r->size = size;
	r->head = r->tail = r->dropped = 0;
}

int logring_append(struct logring *r, const char *s, size_t n)
{
	size_t at, first;

	if (n > r->size - (size_t)(r->head - r->tail)) {
		r->dropped += n;
		return -1;
	}
	at = r->head % r->size;
	first = n < r->size - at ? n : r->size - at;
	memcpy(r->buf + at, s, first);
	memcpy(r->buf, s + first, n - first);
	r->head += n;
	return 0;
}

size_t logring_take(struct logring *r, char *out, size_t max)
{
	size_t n = logring_pending(r), at, first;

	if (n > max)
		n = max;
	at = r->tail % r->size;
	first = n < r->size - at ? n : r->size - at;
	memcpy(out, r->buf + at, first);
	memcpy(out + first, r->buf, n - first);
	r->tail += n;
	return n;
}

size_t logring_pending(const struct logring *r)
{
	return (size_t)(r->head - r->tail);
}
