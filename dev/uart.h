/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A 16550 as guests see it: output collected into lines, transmission
 * instant, so the transmitter-empty interrupt (IER bit 1) is pending
 * again right after every byte. Received bytes come from the host
 * (vuart_rx_push) or, in loopback mode (MCR bit 4), from the guest's own
 * transmissions; they wait in a receive queue and raise the
 * data-available interrupt (IER bit 0), which outranks THRE.
 */
#ifndef HV_DEV_UART_H
#define HV_DEV_UART_H

#include <stdbool.h>
#include <stdint.h>
#include "dev/linebuf.h"
#include "dev/pio.h"

#define VUART_LINE_MAX	LINEBUF_MAX
/* Host input waits here; a real 16550 FIFO holds 16, but nothing is lost. */
#define VUART_RX_MAX	256

struct vuart {
	struct linebuf out;	/* what the guest sends, line by line */
	/* The IRQ line (gated by MCR OUT2 as on a PC); NULL: none. */
	void (*set_irq)(void *ctx, bool level);
	uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
	bool thre_pending;
	bool irq_level;
	bool overrun;		/* LSR OE until LSR is read */
	unsigned int rx_head, rx_count;
	uint8_t rx[VUART_RX_MAX];
};

extern const struct pio_ops vuart_ops;

void vuart_init(struct vuart *u, void (*emit)(void *, const char *, unsigned int),
		void *ctx);
/*
 * Queue a byte for the guest to receive. -ENOSPC when the queue is full:
 * the byte is dropped and LSR reports an overrun, as on hardware.
 */
int vuart_rx_push(struct vuart *u, uint8_t c);
/* Emit whatever is buffered, e.g. when the guest stops mid-line. */
void vuart_flush(struct vuart *u);

#endif
