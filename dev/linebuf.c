// SPDX-License-Identifier: GPL-2.0
/* Console output assembled into lines, made harmless (see linebuf.h). */
#include <stdint.h>
#include "dev/linebuf.h"

void linebuf_init(struct linebuf *b,
		  void (*emit)(void *ctx, const char *line, unsigned int len),
		  void *ctx)
{
	b->emit = emit;
	b->ctx = ctx;
	b->len = 0;
}

/* Length of the UTF-8 sequence at @s (at most @n bytes), 0 if invalid. */
static unsigned int utf8_len(const uint8_t *s, unsigned int n)
{
	unsigned int len, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;	/* a continuation byte, C0/C1 or 0xf5.. lead */
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates, beyond U+10FFFF, and the C1 controls. */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff ||
	    (cp >= 0x80 && cp <= 0x9f))
		return 0;
	return len;
}

unsigned int linebuf_fix_utf8(char *s, unsigned int len)
{
	unsigned int i = 0, bad = 0, n;

	while (i < len) {
		n = utf8_len((const uint8_t *)s + i, len - i);
		if (!n) {
			s[i++] = '?';
			bad++;
			continue;
		}
		i += n;
	}
	return bad;
}

void linebuf_flush(struct linebuf *b)
{
	if (b->len) {
		linebuf_fix_utf8(b->line, b->len);
		b->emit(b->ctx, b->line, b->len);
	}
	b->len = 0;
}

static void put_raw(struct linebuf *b, char c)
{
	b->line[b->len++] = c;
	if (b->len == LINEBUF_MAX)
		linebuf_flush(b);
}

void linebuf_put(struct linebuf *b, char c)
{
	uint8_t u = (uint8_t)c;

	if (c == '\r')
		return;
	if (c == '\n') {
		linebuf_fix_utf8(b->line, b->len);
		b->emit(b->ctx, b->line, b->len);
		b->len = 0;
		return;
	}
	if ((u < 0x20 && c != '\t') || u == 0x7f) {
		/* Caret notation: ESC is ^[, DEL is ^?; both bytes printable. */
		put_raw(b, '^');
		put_raw(b, (char)(u ^ 0x40));
		return;
	}
	put_raw(b, c);
}
