// SPDX-License-Identifier: GPL-2.0
/* Console output assembled into lines (see linebuf.h). */
#include "dev/linebuf.h"

void linebuf_init(struct linebuf *b,
		  void (*emit)(void *ctx, const char *line, unsigned int len),
		  void *ctx)
{
	b->emit = emit;
	b->ctx = ctx;
	b->len = 0;
}

void linebuf_flush(struct linebuf *b)
{
	if (b->len)
		b->emit(b->ctx, b->line, b->len);
	b->len = 0;
}

void linebuf_put(struct linebuf *b, char c)
{
	if (c == '\r')
		return;
	if (c == '\n') {
		b->emit(b->ctx, b->line, b->len);
		b->len = 0;
		return;
	}
	b->line[b->len++] = c;
	if (b->len == LINEBUF_MAX)
		linebuf_flush(b);
}
