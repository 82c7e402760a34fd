// SPDX-License-Identifier: GPL-2.0
/*
 * Virtual I/O APIC (Intel 82093AA datasheet; the EOI register at 0x40
 * is the one version 0x20 parts add). Delivery is immediate, so the
 * delivery-status bit always reads 0.
 */
#include <errno.h>
#include <string.h>
#include "dev/vioapic.h"

#define RTE_RESET	RTE_MASKED	/* masked, vector 0: "free" to guests */

void vioapic_reset(struct vioapic *io)
{
	io->regsel = 0;
	for (unsigned int i = 0; i < VIOAPIC_PINS; i++)
		io->rte[i] = RTE_RESET;
}

void vioapic_init(struct vioapic *io, const struct vioapic_env *env,
		  void *ctx, uint8_t id)
{
	memset(io, 0, sizeof(*io));
	io->env = env;
	io->ctx = ctx;
	io->id = id & 0xf;
	vioapic_reset(io);
}

void vioapic_rte_msg(uint64_t rte, struct apic_msg *msg)
{
	memset(msg, 0, sizeof(*msg));
	msg->vector = rte & RTE_VECTOR;
	msg->mode = (rte & RTE_DELMODE) >> RTE_DELMODE_SHIFT;
	msg->shorthand = APIC_SH_NONE;
	msg->logical = rte & RTE_LOGICAL;
	msg->level = rte & RTE_LEVEL;
	msg->assert = true;
	msg->dest = rte >> RTE_DEST_SHIFT;
}

static void deliver(struct vioapic *io, unsigned int pin)
{
	struct apic_msg msg;

	/* Remote IRR first: deliver() may EOI straight back into us. */
	if (io->rte[pin] & RTE_LEVEL)
		io->rte[pin] |= RTE_REMOTE_IRR;
	vioapic_rte_msg(io->rte[pin], &msg);
	io->delivered++;
	io->env->deliver(io->ctx, &msg);
}

/* A level entry sends while its line is asserted and remote IRR is clear. */
static void service_level(struct vioapic *io, unsigned int pin)
{
	uint64_t rte = io->rte[pin];

	if ((rte & RTE_LEVEL) && !(rte & (RTE_MASKED | RTE_REMOTE_IRR)) &&
	    (io->lines & (1u << pin)))
		deliver(io, pin);
}

void vioapic_set_irq(struct vioapic *io, unsigned int pin, bool level)
{
	uint32_t bit;
	bool was;

	if (pin >= VIOAPIC_PINS)
		return;
	bit = 1u << pin;
	was = io->lines & bit;
	if (level)
		io->lines |= bit;
	else
		io->lines &= ~bit;
	if (!level)
		return;
	if (io->rte[pin] & RTE_LEVEL)
		service_level(io, pin);
	else if (!was && !(io->rte[pin] & RTE_MASKED))
		deliver(io, pin);	/* rising edge; a masked edge is lost */
}

void vioapic_eoi(struct vioapic *io, uint8_t vector)
{
	for (unsigned int i = 0; i < VIOAPIC_PINS; i++) {
		uint64_t rte = io->rte[i];

		if (!(rte & RTE_LEVEL) || !(rte & RTE_REMOTE_IRR) ||
		    (rte & RTE_VECTOR) != vector)
			continue;
		io->rte[i] &= ~RTE_REMOTE_IRR;
		/* Still asserted: the device wants service again. */
		service_level(io, i);
	}
}

static uint32_t reg_read(struct vioapic *io, uint32_t idx)
{
	unsigned int pin;

	switch (idx) {
	case VIOAPIC_REG_ID:
	case VIOAPIC_REG_ARB:	/* the arbitration ID follows the ID */
		return (uint32_t)io->id << 24;
	case VIOAPIC_REG_VER:
		return VIOAPIC_VERSION | (VIOAPIC_PINS - 1) << 16;
	}
	if (idx < VIOAPIC_REG_REDTBL || idx >= VIOAPIC_REG_REDTBL + 2 * VIOAPIC_PINS)
		return 0;
	pin = (idx - VIOAPIC_REG_REDTBL) / 2;
	if (idx & 1)
		return io->rte[pin] >> 32;
	return (uint32_t)io->rte[pin];
}

static void rte_write(struct vioapic *io, unsigned int pin, bool high,
		      uint32_t v)
{
	uint64_t old = io->rte[pin], rte;

	if (high)
		rte = (old & 0xffffffffULL) | (uint64_t)v << 32;
	else
		rte = (old & ~0xffffffffULL) | v;
	/* Reserved bits stay 0; status bits are ours, not the guest's. */
	rte = (rte & RTE_WRITABLE) | (old & RTE_REMOTE_IRR);
	/*
	 * Switching to edge clears remote IRR: Linux's way to end a stuck
	 * level interrupt on IOAPICs without the EOI register.
	 */
	if (!(rte & RTE_LEVEL))
		rte &= ~RTE_REMOTE_IRR;
	io->rte[pin] = rte;
	/* Covers unmasking, or turning level, with the line asserted. */
	service_level(io, pin);
}

static void reg_write(struct vioapic *io, uint32_t idx, uint32_t v)
{
	if (idx == VIOAPIC_REG_ID) {
		io->id = (v >> 24) & 0xf;
		return;
	}
	if (idx < VIOAPIC_REG_REDTBL || idx >= VIOAPIC_REG_REDTBL + 2 * VIOAPIC_PINS)
		return;			/* VER, ARB and the rest are read-only */
	rte_write(io, (idx - VIOAPIC_REG_REDTBL) / 2, idx & 1, v);
}

/* Split @offset into a 32-bit register and a byte lane; -EINVAL if the
 * access is not inside one register. */
static int lane(uint64_t offset, unsigned int size, unsigned int *shift)
{
	if (offset >= VIOAPIC_SIZE || (size != 1 && size != 2 && size != 4) ||
	    (offset & 3) + size > 4)
		return -EINVAL;
	*shift = (offset & 3) * 8;
	return 0;
}

static uint32_t size_mask(unsigned int size)
{
	return size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
}

int vioapic_mmio_read(struct vioapic *io, uint64_t offset, unsigned int size,
		      uint64_t *val)
{
	unsigned int shift;
	uint32_t v;

	if (lane(offset, size, &shift))
		return -EINVAL;
	switch (offset & ~3ULL) {
	case VIOAPIC_REGSEL:
		v = io->regsel;
		break;
	case VIOAPIC_WIN:
		v = reg_read(io, io->regsel);
		break;
	default:			/* EOI is write-only */
		v = 0;
		break;
	}
	*val = (v >> shift) & size_mask(size);
	return 0;
}

int vioapic_mmio_write(struct vioapic *io, uint64_t offset, unsigned int size,
		       uint64_t val)
{
	uint32_t mask, v, old;
	unsigned int shift;

	if (lane(offset, size, &shift))
		return -EINVAL;
	mask = size_mask(size) << shift;
	v = ((uint32_t)val << shift) & mask;
	switch (offset & ~3ULL) {
	case VIOAPIC_REGSEL:
		io->regsel = ((io->regsel & ~mask) | v) & 0xff;
		break;
	case VIOAPIC_WIN:
		/* Narrow writes merge with what the register holds. */
		old = reg_read(io, io->regsel);
		reg_write(io, io->regsel, (old & ~mask) | v);
		break;
	case VIOAPIC_EOI:
		if (!shift)		/* the vector is bits 7:0 */
			vioapic_eoi(io, v & 0xff);
		break;
	}
	return 0;
}
