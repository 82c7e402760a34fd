// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include <stdbool.h>
#include "dev/uart.h"

#define THR	0	/* or DLL with DLAB */
#define IER	1	/* or DLM with DLAB */
#define IIR	2
#define LCR	3
#define MCR	4
#define LSR	5
#define MSR	6
#define SCR	7
#define LCR_DLAB 0x80
#define IER_THRI 0x02
#define MCR_OUT2 0x08
#define IIR_NONE 0x01
#define IIR_THRI 0x02
#define IIR_FIFO 0xc0

static void update_irq(struct vuart *u)
{
	bool level = (u->mcr & MCR_OUT2) && (u->ier & IER_THRI) &&
		     u->thre_pending;

	if (level == u->irq_level || !u->set_irq)
		return;
	u->irq_level = level;
	u->set_irq(u->ctx, level);
}

void vuart_init(struct vuart *u, void (*emit)(void *, const char *, unsigned int),
		void *ctx)
{
	memset(u, 0, sizeof(*u));
	u->emit = emit;
	u->ctx = ctx;
	u->lcr = 0x03;
}

void vuart_flush(struct vuart *u)
{
	if (u->len)
		u->emit(u->ctx, u->line, u->len);
	u->len = 0;
}

static void tx(struct vuart *u, char c)
{
	if (c == '\r')
		return;
	if (c == '\n') {
		u->emit(u->ctx, u->line, u->len);
		u->len = 0;
		return;
	}
	u->line[u->len++] = c;
	if (u->len == VUART_LINE_MAX)
		vuart_flush(u);
}

static uint32_t vuart_read(void *dev, uint16_t port, unsigned int size)
{
	struct vuart *u = dev;
	bool dlab = u->lcr & LCR_DLAB;

	switch (port & 7) {
	case THR:
		return dlab ? u->dll : 0;
	case IER:
		return dlab ? u->dlm : u->ier;
	case IIR: {
		uint8_t fifo = (u->fcr & 1) ? IIR_FIFO : 0;

		if ((u->ier & IER_THRI) && u->thre_pending) {
			/* Reading IIR acknowledges the THRE source. */
			u->thre_pending = false;
			update_irq(u);
			return fifo | IIR_THRI;
		}
		return fifo | IIR_NONE;
	}
	case LCR:
		return u->lcr;
	case MCR:
		return u->mcr;
	case LSR:
		return 0x60;		/* THR empty, transmitter idle */
	case MSR:
		return 0xb0;		/* DCD, DSR, CTS */
	default:
		return u->scr;
	}
}

static void vuart_write(void *dev, uint16_t port, unsigned int size, uint32_t v)
{
	struct vuart *u = dev;
	bool dlab = u->lcr & LCR_DLAB;

	switch (port & 7) {
	case THR:
		if (dlab) {
			u->dll = v;
		} else {
			tx(u, v);
			u->thre_pending = true;	/* sent at once: empty again */
		}
		break;
	case IER:
		if (dlab) {
			u->dlm = v;
		} else {
			/* Enabling THRE with the holding register empty fires. */
			if ((v & IER_THRI) && !(u->ier & IER_THRI))
				u->thre_pending = true;
			u->ier = v & 0x0f;
		}
		break;
	case IIR:		/* FCR on writes */
		u->fcr = v;
		break;
	case LCR:
		u->lcr = v;
		break;
	case MCR:
		u->mcr = v;
		break;
	case SCR:
		u->scr = v;
		break;
	default:
		break;
	}
	update_irq(u);
}

const struct pio_ops vuart_ops = {
	.name = "16550",
	.read = vuart_read,
	.write = vuart_write,
};
