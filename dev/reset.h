/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ways a PC guest asks for a reset, as Linux's reboot path tries
 * them: the reset control register at 0xCF9 (also the FADT's reset
 * register), the keyboard controller's pulse-reset command (0xFE to port
 * 0x64) and the fast-reset bit of port 0x92. hvisor does not restart
 * guests: a reset ends the guest, and @reset says which way it came.
 */
#ifndef HV_DEV_RESET_H
#define HV_DEV_RESET_H

#include <stdint.h>
#include "dev/pio.h"

#define RESET_CF9_PORT		0xcf9
#define RESET_CF9_VALUE		0x06	/* what the FADT tells the guest to write */
#define RESET_KBC_PORT		0x64
#define RESET_PORT92		0x92

struct vreset {
	void (*reset)(void *ctx, const char *how);
	void *ctx;
	uint8_t cf9;		/* last value, bits 1 and 3 read back */
	uint8_t port92;
};

/* Register at RESET_CF9_PORT (1 port). */
extern const struct pio_ops vreset_cf9_ops;
/* Register at RESET_KBC_PORT (1 port): no controller, reads all ones. */
extern const struct pio_ops vreset_kbc_ops;
/* Register at RESET_PORT92 (1 port): A20 always on. */
extern const struct pio_ops vreset_port92_ops;

#endif
