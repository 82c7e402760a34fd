/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A guest's I/O APIC: an 82093AA with the version 0x20 EOI register,
 * 24 pins, one per guest at 0xFEC00000.
 *
 * Device models drive the pins with vioapic_set_irq() (the level is the
 * asserted state: polarity is stored for the guest but not applied, so a
 * device only ever says "asserted" or "not"). The vLAPIC calls
 * vioapic_eoi() when the guest EOIs a level-triggered vector. Every
 * interrupt leaves through env->deliver() as one APIC bus message.
 */
#ifndef HV_DEV_VIOAPIC_H
#define HV_DEV_VIOAPIC_H

#include <stdbool.h>
#include <stdint.h>
#include "dev/irq.h"

#define VIOAPIC_BASE		0xfec00000ULL
#define VIOAPIC_SIZE		0x1000		/* one page, as guests map it */
#define VIOAPIC_PINS		24
#define VIOAPIC_VERSION		0x20

/* MMIO offsets */
#define VIOAPIC_REGSEL		0x00
#define VIOAPIC_WIN		0x10
#define VIOAPIC_EOI		0x40

/* Indirect registers (IOREGSEL values) */
#define VIOAPIC_REG_ID		0x00
#define VIOAPIC_REG_VER		0x01
#define VIOAPIC_REG_ARB		0x02
#define VIOAPIC_REG_REDTBL	0x10	/* + 2 * pin (low), + 1 (high) */

/* Redirection entry bits */
#define RTE_VECTOR		0xffULL
#define RTE_DELMODE_SHIFT	8
#define RTE_DELMODE		(7ULL << 8)
#define RTE_LOGICAL		(1ULL << 11)
#define RTE_DELIVS		(1ULL << 12)	/* read-only, always 0 here */
#define RTE_POLARITY_LOW	(1ULL << 13)
#define RTE_REMOTE_IRR		(1ULL << 14)	/* read-only */
#define RTE_LEVEL		(1ULL << 15)
#define RTE_MASKED		(1ULL << 16)
#define RTE_DEST_SHIFT		56
/* What the guest can change; everything else reads as 0 or is status. */
#define RTE_WRITABLE		(RTE_VECTOR | RTE_DELMODE | RTE_LOGICAL | \
				 RTE_POLARITY_LOW | RTE_LEVEL | RTE_MASKED | \
				 (0xffULL << RTE_DEST_SHIFT))

struct vioapic_env {
	/* One interrupt message for the vLAPICs; called with the model's
	 * state already updated, so it may call back into the model. */
	void (*deliver)(void *ctx, const struct apic_msg *msg);
};

struct vioapic {
	const struct vioapic_env *env;
	void *ctx;
	uint32_t regsel;
	uint8_t id;			/* 4 bits, IOAPICID[27:24] */
	uint32_t lines;			/* asserted pins, bit per pin */
	uint64_t rte[VIOAPIC_PINS];
	uint64_t delivered;		/* messages sent, for statistics */
};

void vioapic_init(struct vioapic *io, const struct vioapic_env *env,
		  void *ctx, uint8_t id);
/* Power-on state: every entry masked with vector 0, lines kept. */
void vioapic_reset(struct vioapic *io);

/*
 * Guest MMIO at @offset from the base. 1, 2 and 4-byte accesses inside
 * one 32-bit register work; others return -EINVAL (the caller ignores a
 * write and reads all ones). Unknown offsets read 0 and ignore writes.
 */
int vioapic_mmio_read(struct vioapic *io, uint64_t offset, unsigned int size,
		      uint64_t *val);
int vioapic_mmio_write(struct vioapic *io, uint64_t offset, unsigned int size,
		       uint64_t val);

/* Drive @pin: @level is true while the device asserts it. */
void vioapic_set_irq(struct vioapic *io, unsigned int pin, bool level);
/* Guest EOI of @vector (from the vLAPIC or the EOI register). */
void vioapic_eoi(struct vioapic *io, uint8_t vector);

/* The message entry @pin would send; for the router and tests. */
void vioapic_rte_msg(uint64_t rte, struct apic_msg *msg);

#endif
