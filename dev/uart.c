// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
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
#define IER_RDI	 0x01
#define IER_THRI 0x02
#define IER_RLSI 0x04
#define MCR_OUT2 0x08
#define MCR_LOOP 0x10
#define IIR_NONE 0x01
#define IIR_THRI 0x02
#define IIR_RDI	 0x04
#define IIR_RLSI 0x06
#define IIR_FIFO 0xc0
#define LSR_DR	 0x01
#define LSR_OE	 0x02
#define LSR_THRE 0x60		/* THR empty, transmitter idle */
#define FCR_CLEAR_RX 0x02

/* The highest-priority pending source, as IIR reports it. */
static uint8_t pending(const struct vuart *u)
{
	if ((u->ier & IER_RLSI) && u->overrun)
		return IIR_RLSI;
	if ((u->ier & IER_RDI) && u->rx_count)
		return IIR_RDI;
	if ((u->ier & IER_THRI) && u->thre_pending)
		return IIR_THRI;
	return IIR_NONE;
}

static void update_irq(struct vuart *u)
{
	/*
	 * A PC gates the line with OUT2. Loopback disconnects the OUT pins,
	 * so the sources only show in IIR there, as on a real 16550.
	 */
	bool level = (u->mcr & (MCR_OUT2 | MCR_LOOP)) == MCR_OUT2 &&
		     pending(u) != IIR_NONE;

	if (level == u->irq_level || !u->set_irq)
		return;
	u->irq_level = level;
	u->set_irq(u->out.ctx, level);
}

void vuart_init(struct vuart *u, void (*emit)(void *, const char *, unsigned int),
		void *ctx)
{
	memset(u, 0, sizeof(*u));
	linebuf_init(&u->out, emit, ctx);
	u->lcr = 0x03;
}

void vuart_flush(struct vuart *u)
{
	linebuf_flush(&u->out);
}

int vuart_rx_push(struct vuart *u, uint8_t c)
{
	if (u->rx_count == VUART_RX_MAX) {
		u->overrun = true;
		update_irq(u);
		return -ENOSPC;
	}
	u->rx[(u->rx_head + u->rx_count++) % VUART_RX_MAX] = c;
	update_irq(u);
	return 0;
}

static uint8_t rx_pop(struct vuart *u)
{
	uint8_t c;

	if (!u->rx_count)
		return 0;
	c = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % VUART_RX_MAX;
	u->rx_count--;
	update_irq(u);
	return c;
}

/* Loopback wires DTR, RTS, OUT1 and OUT2 to DSR, CTS, RI and DCD. */
static uint8_t modem_status(const struct vuart *u)
{
	if (!(u->mcr & MCR_LOOP))
		return 0xb0;		/* DCD, DSR, CTS */
	return ((u->mcr & 0x01) << 5) | ((u->mcr & 0x02) << 3) |
	       ((u->mcr & 0x04) << 4) | ((u->mcr & 0x08) << 4);
}


static uint32_t vuart_read(void *dev, uint16_t port, unsigned int size)
{
	struct vuart *u = dev;
	bool dlab = u->lcr & LCR_DLAB;

	switch (port & 7) {
	case THR:
		return dlab ? u->dll : rx_pop(u);
	case IER:
		return dlab ? u->dlm : u->ier;
	case IIR: {
		uint8_t fifo = (u->fcr & 1) ? IIR_FIFO : 0;
		uint8_t id = pending(u);

		if (id == IIR_THRI) {
			/* Reading IIR acknowledges the THRE source. */
			u->thre_pending = false;
			update_irq(u);
		}
		return fifo | id;
	}
	case LCR:
		return u->lcr;
	case MCR:
		return u->mcr;
	case LSR: {
		uint8_t lsr = LSR_THRE | (u->rx_count ? LSR_DR : 0) |
			      (u->overrun ? LSR_OE : 0);

		u->overrun = false;	/* reading LSR clears the error */
		update_irq(u);
		return lsr;
	}
	case MSR:
		return modem_status(u);
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
			if (u->mcr & MCR_LOOP)
				vuart_rx_push(u, v);
			else
				linebuf_put(&u->out, v);
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
		if (v & FCR_CLEAR_RX)
			u->rx_head = u->rx_count = 0;
		break;
	case LCR:
		u->lcr = v;
		break;
	case MCR:
		u->mcr = v & 0x1f;
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
