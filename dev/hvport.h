/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Ports a guest writes to talk to hvisor itself (src/core/hypercall.h):
 * 0xF4 stops the guest with a result code, 0xF5 marks a point in the
 * scheduler statistics. Each write hands its value to a callback.
 */
#ifndef HV_DEV_HVPORT_H
#define HV_DEV_HVPORT_H

#include "dev/pio.h"

struct hvport {
	void (*write)(void *ctx, uint32_t val);
	void *ctx;
};

extern const struct pio_ops hvport_ops;

#endif
