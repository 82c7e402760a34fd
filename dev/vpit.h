/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The PC's 8254 PIT at 0x40-0x43, and port 0x61 (gate of channel 2,
 * speaker enable, OUT2 in bit 5, the refresh toggle in bit 4).
 *
 * The counters run at 1193182 Hz against the TSC that env->now() reads,
 * whose rate is tsc_khz. Nothing counts until the guest programs a
 * channel; channel 2's gate starts low.
 *
 * Channel 0 raises IRQ0 with env->set_irq(ctx, 0, level):
 *   mode 0: the line goes high at terminal count and stays high until
 *	     the channel is reprogrammed (level = OUT0);
 *   modes 2, 3: one pulse (true then false) per period;
 *   mode 4: one pulse at terminal count.
 * Periods missed while the hypervisor was late are coalesced into one
 * pulse. The model needs one timer: env->timer_arm(ctx, deadline) asks
 * for vpit_timer_expired() at TSC @deadline (0 cancels).
 *
 * Register vpit_ops for (0x40, 4) and (0x61, 1).
 */
#ifndef HV_DEV_VPIT_H
#define HV_DEV_VPIT_H

#include <stdbool.h>
#include <stdint.h>
#include "dev/pio.h"

#define VPIT_HZ			1193182
/*
 * The shortest time between two channel 0 interrupts, as the vLAPIC
 * timer's floor: a reload of 1 would fire every 838 ns and hold a pCPU
 * with timer work. The periods between coalesce into one edge.
 */
#define VPIT_MIN_PERIOD_US	100
#define VPIT_MIN_TICKS		((VPIT_MIN_PERIOD_US * VPIT_HZ + 999999) / 1000000)
#define VPIT_PORT		0x40
#define VPIT_PORT_CMD		0x43
#define VPIT_PORT_61		0x61
#define VPIT_IRQ		0

/* Port 0x61 */
#define VPIT_61_GATE2		0x01
#define VPIT_61_SPEAKER		0x02
#define VPIT_61_RW		0x0f	/* bits 3:0 are read/write */
#define VPIT_61_REFRESH		0x10
#define VPIT_61_OUT2		0x20

struct vpit_env {
	uint64_t (*now)(void *ctx);			/* TSC */
	void (*timer_arm)(void *ctx, uint64_t deadline);	/* 0: cancel */
	void (*set_irq)(void *ctx, unsigned int irq, bool level);
};

struct vpit_channel {
	uint8_t mode;		/* 0-5 */
	uint8_t rw;		/* 1 LSB, 2 MSB, 3 LSB then MSB */
	bool bcd;
	bool gate;
	bool loaded;		/* has a count to run */
	bool null_count;	/* control word written, count not loaded */
	bool running;		/* counting now (loaded, gate allows) */
	bool triggered;		/* modes 1, 5: the gate has fired */
	uint16_t cr;		/* count register as written */
	uint8_t cr_lsb;		/* LSB half of a two-byte write */
	bool write_msb;		/* two-byte write: MSB next */
	bool read_msb;		/* two-byte read: MSB next */
	bool count_latched, latch_msb, status_latched;
	uint16_t latch;
	uint8_t status;
	uint32_t reload;	/* N in ticks: 1..65536 (10000 in BCD) */
	uint64_t start;		/* TSC when this run began */
	uint64_t done;		/* ticks counted before @start */
	uint64_t periods;	/* channel 0: IRQ edges already sent */
};

struct vpit {
	const struct vpit_env *env;
	void *ctx;
	uint64_t tsc_hz;
	struct vpit_channel ch[3];
	uint8_t port61;		/* bits 3:0 as written */
	bool irq_level;		/* last level given to set_irq */
	uint64_t deadline;	/* armed timer, 0 if none */
	uint64_t irqs;		/* IRQ0 edges raised, for statistics */
};

extern const struct pio_ops vpit_ops;

/* -EINVAL without a TSC rate. */
int vpit_init(struct vpit *pit, const struct vpit_env *env, void *ctx,
	      uint64_t tsc_khz);
/* The timer asked for by env->timer_arm() is due (@now: TSC). */
void vpit_timer_expired(struct vpit *pit, uint64_t now);
/* OUT of channel @ch at @now: for tests and port 0x61. */
bool vpit_out(struct vpit *pit, unsigned int ch, uint64_t now);

#endif
