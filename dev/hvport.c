// SPDX-License-Identifier: GPL-2.0
#include "dev/hvport.h"

static uint32_t hvport_read(void *dev, uint16_t port, unsigned int size)
{
	return 0;
}

static void hvport_write(void *dev, uint16_t port, unsigned int size,
			 uint32_t v)
{
	struct hvport *p = dev;

	p->write(p->ctx, v);
}

const struct pio_ops hvport_ops = {
	.name = "hvisor-port",
	.read = hvport_read,
	.write = hvport_write,
};
