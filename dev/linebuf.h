/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A guest's console output, assembled into lines for the multiplexed
 * serial line: each complete line goes to @emit without its newline
 * (carriage returns dropped; a line that fills the buffer goes as is).
 * The 16550 and virtio-console both write through one.
 *
 * What reaches the operator's terminal is made harmless first: a control
 * byte is shown in caret notation (ESC as "^[", DEL as "^?"), so no escape
 * sequence from a guest moves the cursor, clears the screen or rewrites a
 * line; a byte that is not part of valid UTF-8 (or encodes a C1 control,
 * which some terminals obey) becomes '?'. Tabs pass.
 */
#ifndef HV_DEV_LINEBUF_H
#define HV_DEV_LINEBUF_H

#define LINEBUF_MAX	160

struct linebuf {
	void (*emit)(void *ctx, const char *line, unsigned int len);
	void *ctx;
	unsigned int len;
	char line[LINEBUF_MAX];
};

void linebuf_init(struct linebuf *b,
		  void (*emit)(void *ctx, const char *line, unsigned int len),
		  void *ctx);
void linebuf_put(struct linebuf *b, char c);
/* Emit whatever is buffered, e.g. when the guest stops mid-line. */
void linebuf_flush(struct linebuf *b);
/*
 * Replace in @s[0..@len) every byte that is not valid UTF-8, or that
 * encodes a C1 control (U+0080..U+009F), by '?'. Returns how many.
 */
unsigned int linebuf_fix_utf8(char *s, unsigned int len);

#endif
