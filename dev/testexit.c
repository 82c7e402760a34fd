// SPDX-License-Identifier: GPL-2.0
#include "dev/testexit.h"

static uint32_t testexit_read(void *dev, uint16_t port, unsigned int size)
{
	return 0;
}

static void testexit_write(void *dev, uint16_t port, unsigned int size,
			   uint32_t v)
{
	struct testexit *t = dev;

	t->done(t->ctx, v);
}

const struct pio_ops testexit_ops = {
	.name = "test-exit",
	.read = testexit_read,
	.write = testexit_write,
};
