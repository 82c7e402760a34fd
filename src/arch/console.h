/* SPDX-License-Identifier: GPL-2.0 */
#ifndef HV_CONSOLE_H
#define HV_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

/* One output device. probe() says whether it exists on this machine. */
struct console_ops {
	const char *name;
	bool (*probe)(void);
	void (*init)(void);
	void (*write)(const char *s, size_t n);
	void (*flush)(void);	/* wait until every byte has left */
	int (*getc)(void);	/* a received byte, or -1; NULL: output only */
};

extern const struct console_ops serial_console;
extern const struct console_ops e9_console;

/* Start with port 0xE9 if present, else COM1. */
void console_init(void);
/* Keep only the named console ("serial" or "e9"); -ENODEV if absent. */
int console_select(const struct console_ops *ops);
void console_write(const char *s, size_t n);
void console_flush(void);
bool e9_present(void);
/* A key typed on COM1, or -1. */
int console_getc(void);

#endif
