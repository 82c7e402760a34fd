// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>
#include "guests/mbi.h"

struct writer {
	uint8_t *buf;
	size_t cap, len;
	int err;
};

static void *reserve(struct writer *w, size_t n)
{
	size_t at = w->len;

	if (w->err || n > w->cap - at) {
		w->err = -ENOSPC;
		return NULL;
	}
	w->len += n;
	memset(w->buf + at, 0, n);
	return w->buf + at;
}

static void align8(struct writer *w)
{
	size_t pad = (8 - (w->len & 7)) & 7;

	reserve(w, pad);
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

static uint8_t *tag(struct writer *w, uint32_t type, size_t size)
{
	uint8_t *t;

	align8(w);
	t = reserve(w, size);
	if (t) {
		put32(t, type);
		put32(t + 4, size);
	}
	return t;
}

int mbi_build(void *buf, size_t cap, const char *cmdline,
	      const struct mbi_region *map, unsigned int n,
	      const void *rsdp)
{
	struct writer w = { buf, cap, 0, 0 };
	uint64_t lower = 0, upper = 0;
	size_t clen = strlen(cmdline) + 1;
	uint8_t *t;

	reserve(&w, 8);			/* total_size, reserved */
	t = tag(&w, 1, 8 + clen);
	if (t)
		memcpy(t + 8, cmdline, clen);

	for (unsigned int i = 0; i < n; i++) {
		if (map[i].type != 1)
			continue;
		if (map[i].base == 0)
			lower = map[i].len / 1024;
		if (map[i].base == 0x100000)
			upper = map[i].len / 1024;
	}
	t = tag(&w, 4, 16);
	if (t) {
		put32(t + 8, lower);
		put32(t + 12, upper);
	}

	t = tag(&w, 6, 16 + 24 * n);
	if (t) {
		put32(t + 8, 24);	/* entry_size */
		put32(t + 12, 0);	/* entry_version */
		for (unsigned int i = 0; i < n; i++) {
			uint8_t *e = t + 16 + 24 * i;

			put64(e, map[i].base);
			put64(e + 8, map[i].len);
			put32(e + 16, map[i].type);
		}
	}
	if (rsdp) {
		/* Byte 15 of an RSDP is its revision; 2 and up is 36 bytes. */
		t = tag(&w, 14, 8 + 20);
		if (t)
			memcpy(t + 8, rsdp, 20);
		if (((const uint8_t *)rsdp)[15] >= 2) {
			t = tag(&w, 15, 8 + 36);
			if (t)
				memcpy(t + 8, rsdp, 36);
		}
	}
	tag(&w, 0, 8);
	if (w.err)
		return w.err;
	put32(w.buf, w.len);
	return (int)w.len;
}
