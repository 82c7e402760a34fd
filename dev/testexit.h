/* SPDX-License-Identifier: GPL-2.0 */
/* Port 0xF4: a guest writes its result code and is stopped. */
#ifndef HV_DEV_TESTEXIT_H
#define HV_DEV_TESTEXIT_H

#include "dev/pio.h"

struct testexit {
	void (*done)(void *ctx, uint32_t code);
	void *ctx;
};

extern const struct pio_ops testexit_ops;

#endif
