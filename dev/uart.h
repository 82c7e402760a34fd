/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A 16550 as guests see it: output collected into lines, transmission
 * instant, so the transmitter-empty interrupt (IER bit 1) is pending
 * again right after every byte. No receive source yet.
 */
#ifndef HV_DEV_UART_H
#define HV_DEV_UART_H

#include <stdbool.h>
#include <stdint.h>
#include "dev/pio.h"

#define VUART_LINE_MAX	160

struct vuart {
	/* Called with one complete line, without its newline. */
	void (*emit)(void *ctx, const char *line, unsigned int len);
	void *ctx;
	/* The IRQ line (gated by MCR OUT2 as on a PC); NULL: none. */
	void (*set_irq)(void *ctx, bool level);
	uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
	bool thre_pending;
	bool irq_level;
	unsigned int len;
	char line[VUART_LINE_MAX];
};

extern const struct pio_ops vuart_ops;

void vuart_init(struct vuart *u, void (*emit)(void *, const char *, unsigned int),
		void *ctx);
/* Emit whatever is buffered, e.g. when the guest stops mid-line. */
void vuart_flush(struct vuart *u);

#endif
