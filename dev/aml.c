// SPDX-License-Identifier: GPL-2.0
/* An AML writer for the guests' DSDT (see aml.h). */
#include <errno.h>
#include <string.h>
#include "dev/aml.h"

#define AML_ZERO	0x00
#define AML_ONE		0x01
#define AML_NAME	0x08
#define AML_BYTE	0x0a
#define AML_STRING	0x0d
#define AML_WORD	0x0b
#define AML_DWORD	0x0c
#define AML_QWORD	0x0e
#define AML_SCOPE	0x10
#define AML_BUFFER	0x11
#define AML_PACKAGE	0x12
#define AML_EXT		0x5b
#define AML_DEVICE	0x82	/* after AML_EXT */

void aml_init(struct aml *a, void *buf, size_t cap)
{
	memset(a, 0, sizeof(*a));
	a->buf = buf;
	a->cap = cap;
}

int aml_end(const struct aml *a)
{
	if (a->bad && a->len > a->cap)
		return -ENOSPC;
	if (a->bad || a->depth)
		return -EINVAL;
	return (int)a->len;
}

static void put(struct aml *a, const void *p, size_t n)
{
	if (a->len + n > a->cap) {
		a->bad = true;
		a->len = a->cap + 1;	/* stays over: aml_end() says ENOSPC */
		return;
	}
	memcpy(a->buf + a->len, p, n);
	a->len += n;
}

void aml_raw(struct aml *a, const void *p, size_t n)
{
	put(a, p, n);
}

static void put8(struct aml *a, uint8_t v)
{
	put(a, &v, 1);
}

static void put_le(struct aml *a, uint64_t v, unsigned int n)
{
	uint8_t b[8];

	for (unsigned int i = 0; i < n; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	put(a, b, n);
}

static void put_seg(struct aml *a, const char seg[4])
{
	put(a, seg, 4);
}

void aml_name(struct aml *a, const char seg[4])
{
	put8(a, AML_NAME);
	put_seg(a, seg);
}

void aml_int(struct aml *a, uint64_t v)
{
	if (v == 0) {
		put8(a, AML_ZERO);
	} else if (v == 1) {
		put8(a, AML_ONE);
	} else if (v <= 0xff) {
		put8(a, AML_BYTE);
		put_le(a, v, 1);
	} else if (v <= 0xffff) {
		put8(a, AML_WORD);
		put_le(a, v, 2);
	} else if (v <= 0xffffffffu) {
		put8(a, AML_DWORD);
		put_le(a, v, 4);
	} else {
		put8(a, AML_QWORD);
		put_le(a, v, 8);
	}
}

void aml_string(struct aml *a, const char *str)
{
	put8(a, AML_STRING);
	put(a, str, strlen(str) + 1);	/* with its NUL */
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Three letters of 5 bits each ('A' = 1) and four hex digits, stored
 * big-endian as the ACPI spec's EISAID macro does.
 */
uint32_t aml_eisaid_value(const char *id)
{
	uint32_t v = 0;

	if (strlen(id) != 7)
		return 0;
	for (int i = 0; i < 3; i++) {
		if (id[i] < 'A' || id[i] > 'Z')
			return 0;
		v = (v << 5) | (uint32_t)(id[i] - 'A' + 1);
	}
	for (int i = 3; i < 7; i++) {
		if (hexval(id[i]) < 0)
			return 0;
		v = (v << 4) | (uint32_t)hexval(id[i]);
	}
	/* 15 letter bits + 16 digit bits, then the byte swap. */
	return __builtin_bswap32(v);
}

void aml_eisaid(struct aml *a, const char *id)
{
	uint32_t v = aml_eisaid_value(id);

	if (!v)
		a->bad = true;
	put8(a, AML_DWORD);
	put_le(a, v, 4);
}

static void open_pkg(struct aml *a)
{
	if (a->depth == AML_DEPTH) {
		a->bad = true;
		return;
	}
	a->open[a->depth++] = a->len;
	put8(a, 0);			/* PkgLength, sized at close */
}

void aml_close(struct aml *a)
{
	size_t at, body, total;
	unsigned int n;

	if (!a->depth) {
		a->bad = true;
		return;
	}
	at = a->open[--a->depth];
	if (a->len > a->cap)
		return;
	body = a->len - at - 1;
	/* One byte holds up to 63; n bytes hold 4 + 8 * (n - 1) bits. */
	for (n = 1; n <= 4; n++) {
		total = body + n;
		if (n == 1 ? total <= 63 : total < (1ull << (4 + 8 * (n - 1))))
			break;
	}
	if (n > 4 || a->len + n - 1 > a->cap) {
		a->bad = true;
		a->len = a->cap + 1;
		return;
	}
	memmove(a->buf + at + n, a->buf + at + 1, body);
	a->len += n - 1;
	if (n == 1) {
		a->buf[at] = (uint8_t)total;
		return;
	}
	a->buf[at] = (uint8_t)(((n - 1) << 6) | (total & 0xf));
	for (unsigned int i = 1; i < n; i++)
		a->buf[at + i] = (uint8_t)(total >> (4 + 8 * (i - 1)));
}

void aml_scope(struct aml *a, const char seg[4])
{
	put8(a, AML_SCOPE);
	open_pkg(a);
	put_seg(a, seg);
}

void aml_device(struct aml *a, const char seg[4])
{
	put8(a, AML_EXT);
	put8(a, AML_DEVICE);
	open_pkg(a);
	put_seg(a, seg);
}

void aml_package(struct aml *a, uint8_t n)
{
	put8(a, AML_PACKAGE);
	open_pkg(a);
	put8(a, n);			/* NumElements */
}

void aml_buffer(struct aml *a, const void *p, size_t n)
{
	put8(a, AML_BUFFER);
	open_pkg(a);
	aml_int(a, n);
	put(a, p, n);
	aml_close(a);
}

/* ---- resource descriptors (ACPI 6.x, 6.4) -------------------------------- */

#define RES_IO		0x47	/* small item: I/O port, 7 bytes of body */
#define RES_END		0x79	/* small item: end tag, 1 byte of body */
#define RES_MEM32_FIXED	0x86	/* large items */
#define RES_DWORD_ADDR	0x87
#define RES_WORD_ADDR	0x88
#define RES_EXT_IRQ	0x89

#define ADDR_MEM	0	/* address space descriptor resource types */
#define ADDR_BUS	2
#define ADDR_MIN_FIXED	(1u << 2)
#define ADDR_MAX_FIXED	(1u << 3)
#define MEM_RW		(1u << 0)

static void res_put(struct aml_res *r, uint64_t v, unsigned int n)
{
	if (r->n + n > sizeof(r->b)) {
		r->bad = true;
		return;
	}
	for (unsigned int i = 0; i < n; i++)
		r->b[r->n++] = (uint8_t)(v >> (8 * i));
}

void aml_res_init(struct aml_res *r)
{
	memset(r, 0, sizeof(*r));
}

/*
 * An address space descriptor (6.4.3.5) of a range a bridge produces:
 * @w bytes per field (2: Word, 4: DWord), min and max fixed.
 */
static void addr_desc(struct aml_res *r, uint8_t tag, uint8_t type,
		      uint8_t type_flags, unsigned int w, uint64_t min,
		      uint64_t len)
{
	res_put(r, tag, 1);
	res_put(r, 3 + 5 * w, 2);		/* body length */
	res_put(r, type, 1);
	res_put(r, ADDR_MIN_FIXED | ADDR_MAX_FIXED, 1);	/* producer */
	res_put(r, type_flags, 1);
	res_put(r, 0, w);			/* granularity */
	res_put(r, min, w);
	res_put(r, min + len - 1, w);		/* max */
	res_put(r, 0, w);			/* translation */
	res_put(r, len, w);
}

void aml_res_bus(struct aml_res *r, uint16_t min, uint16_t max)
{
	addr_desc(r, RES_WORD_ADDR, ADDR_BUS, 0, 2, min, (uint32_t)max - min + 1);
}

void aml_res_io(struct aml_res *r, uint16_t min, uint16_t max, uint8_t align,
		uint8_t len)
{
	res_put(r, RES_IO, 1);
	res_put(r, 1, 1);			/* 16-bit decode */
	res_put(r, min, 2);
	res_put(r, max, 2);
	res_put(r, align, 1);
	res_put(r, len, 1);
}

void aml_res_mem_window(struct aml_res *r, uint32_t base, uint32_t len)
{
	/* Read-write, non-cacheable. */
	addr_desc(r, RES_DWORD_ADDR, ADDR_MEM, MEM_RW, 4, base, len);
}

void aml_res_mem_fixed(struct aml_res *r, uint32_t base, uint32_t len)
{
	res_put(r, RES_MEM32_FIXED, 1);
	res_put(r, 9, 2);
	res_put(r, MEM_RW, 1);
	res_put(r, base, 4);
	res_put(r, len, 4);
}

void aml_res_irq(struct aml_res *r, uint32_t gsi, bool edge)
{
	res_put(r, RES_EXT_IRQ, 1);
	res_put(r, 6, 2);
	/* Consumer; edge or level; active high; exclusive. */
	res_put(r, 1u | (edge ? 2u : 0u), 1);
	res_put(r, 1, 1);			/* one interrupt */
	res_put(r, gsi, 4);
}

int aml_res_end(struct aml_res *r)
{
	res_put(r, RES_END, 1);
	res_put(r, 0, 1);			/* checksum 0: not checked */
	return r->bad ? -ENOSPC : (int)r->n;
}
