/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The PC's two 8259A PICs: master at 0x20/0x21, slave at 0xA0/0xA1 on
 * the master's IR2, and the PIIX edge/level control registers (ELCR) at
 * 0x4D0/0x4D1. Both chips start initialised (BIOS-style vector bases
 * 0x08 and 0x70) with every IRQ masked, so a guest that never touches
 * them never sees an ExtINT.
 *
 * Register the one vpic_ops for the three port ranges (0x20, 2),
 * (0xa0, 2) and (0x4d0, 2); it tells them apart by port.
 */
#ifndef HV_DEV_VPIC_H
#define HV_DEV_VPIC_H

#include <stdbool.h>
#include <stdint.h>
#include "dev/pio.h"

#define VPIC_MASTER		0x20
#define VPIC_SLAVE		0xa0
#define VPIC_ELCR		0x4d0
#define VPIC_CASCADE_IRQ	2
#define VPIC_IRQS		16

struct vpic_env {
	/* The master's INT output changed (ExtINT wanted / not); may be
	 * NULL while nothing routes ExtINT. */
	void (*set_intr)(void *ctx, bool level);
};

struct vpic_chip {
	uint8_t irr;		/* edge-latched requests */
	uint8_t lines;		/* input levels */
	uint8_t isr, imr;
	uint8_t elcr, elcr_mask;
	uint8_t base;		/* ICW2: vector of IR0 */
	uint8_t icw3;
	uint8_t init_step;	/* next ICW expected (2..4), 0 when done */
	uint8_t lowest;		/* IR with the lowest priority (rotation) */
	bool icw4, single, ltim;
	bool aeoi, sfnm, rotate_aeoi;
	bool special_mask, read_isr, poll;
};

struct vpic {
	const struct vpic_env *env;
	void *ctx;
	struct vpic_chip chip[2];	/* [0] master, [1] slave */
	bool intr;			/* last master INT output */
};

extern const struct pio_ops vpic_ops;

void vpic_init(struct vpic *pic, const struct vpic_env *env, void *ctx);
/* Drive ISA IRQ @irq (0-15, 2 is the cascade and ignored). */
void vpic_set_irq(struct vpic *pic, unsigned int irq, bool level);
/* Vector the master's INT asks for, or -1; changes nothing. */
int vpic_pending(struct vpic *pic);
/* INTA cycle: the vector to run, moving IRR to ISR; the IR7 spurious
 * vector of the chip that has nothing left. */
int vpic_ack(struct vpic *pic);

#endif
