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

/* A tag of a fixed part of @fixed bytes followed by string @str. */
static uint8_t *str_tag(struct writer *w, uint32_t type, size_t fixed,
			const char *str)
{
	size_t slen = strlen(str) + 1;
	uint8_t *t = tag(w, type, fixed + slen);

	if (t)
		memcpy(t + fixed, str, slen);
	return t;
}

int mbi_build(void *buf, size_t cap, const struct mbi_args *a)
{
	struct writer w = { buf, cap, 0, 0 };
	uint64_t lower = 0, upper = 0;
	uint8_t *t;

	reserve(&w, 8);			/* total_size, reserved */
	str_tag(&w, 1, 8, a->cmdline ? a->cmdline : "");
	if (a->loader_name)
		str_tag(&w, 2, 8, a->loader_name);
	for (unsigned int i = 0; i < a->n_mods; i++) {
		const struct mbi_module *m = &a->mods[i];

		t = str_tag(&w, 3, 16, m->string ? m->string : "");
		if (t) {
			put32(t + 8, m->start);
			put32(t + 12, m->end);
		}
	}

	t = tag(&w, 6, 16 + 24 * (size_t)a->n_map);
	if (t) {
		put32(t + 8, 24);	/* entry_size */
		put32(t + 12, 0);	/* entry_version */
		for (unsigned int i = 0; i < a->n_map; i++) {
			uint8_t *e = t + 16 + 24 * i;

			put64(e, a->map[i].base);
			put64(e + 8, a->map[i].len);
			put32(e + 16, a->map[i].type);
		}
	}

	for (unsigned int i = 0; i < a->n_map; i++) {
		if (a->map[i].type != 1)
			continue;
		if (a->map[i].base == 0)
			lower = a->map[i].len / 1024;
		if (a->map[i].base == 0x100000)
			upper = a->map[i].len / 1024;
	}
	t = tag(&w, 4, 16);
	if (t) {
		put32(t + 8, lower);
		put32(t + 12, upper);
	}

	if (a->rsdp) {
		const uint8_t *rsdp = a->rsdp;

		t = tag(&w, 14, 8 + 20);
		if (t)
			memcpy(t + 8, rsdp, 20);
		/* Byte 15 of an RSDP is its revision; 2 and up is 36 bytes. */
		if (rsdp[15] >= 2) {
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
