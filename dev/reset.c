// SPDX-License-Identifier: GPL-2.0
#include <stdbool.h>
#include "dev/reset.h"

#define CF9_SYS_RST	0x02	/* with RST_CPU: a full reset, else soft */
#define CF9_RST_CPU	0x04	/* 0 -> 1 starts the reset */
#define CF9_FULL_RST	0x08
#define KBC_PULSE_RESET	0xfe
#define P92_A20		0x02
#define P92_RESET	0x01

static uint32_t cf9_read(void *dev, uint16_t port, unsigned int size)
{
	const struct vreset *r = dev;

	return r->cf9 & (CF9_SYS_RST | CF9_FULL_RST);
}

static void cf9_write(void *dev, uint16_t port, unsigned int size, uint32_t v)
{
	struct vreset *r = dev;
	bool start = (v & CF9_RST_CPU) && !(r->cf9 & CF9_RST_CPU);

	r->cf9 = v & (CF9_SYS_RST | CF9_FULL_RST);
	if (start)
		r->reset(r->ctx, "reset control register (port 0xcf9)");
}

const struct pio_ops vreset_cf9_ops = {
	.name = "reset-cf9",
	.read = cf9_read,
	.write = cf9_write,
};

/* No 8042 is modelled: Linux's probe reads 0xff and gives up on it. */
static uint32_t kbc_read(void *dev, uint16_t port, unsigned int size)
{
	return 0xff;
}

static void kbc_write(void *dev, uint16_t port, unsigned int size, uint32_t v)
{
	struct vreset *r = dev;

	if ((v & 0xff) == KBC_PULSE_RESET)
		r->reset(r->ctx, "keyboard controller reset (0xfe to port 0x64)");
}

const struct pio_ops vreset_kbc_ops = {
	.name = "reset-kbc",
	.read = kbc_read,
	.write = kbc_write,
};

static uint32_t p92_read(void *dev, uint16_t port, unsigned int size)
{
	const struct vreset *r = dev;

	return (r->port92 & ~P92_RESET) | P92_A20;
}

static void p92_write(void *dev, uint16_t port, unsigned int size, uint32_t v)
{
	struct vreset *r = dev;
	bool start = (v & P92_RESET) && !(r->port92 & P92_RESET);

	r->port92 = v & ~P92_RESET;
	if (start)
		r->reset(r->ctx, "fast reset (port 0x92)");
}

const struct pio_ops vreset_port92_ops = {
	.name = "reset-92",
	.read = p92_read,
	.write = p92_write,
};
