// SPDX-License-Identifier: GPL-2.0
/*
 * Virtual 8259A pair (Intel 8259A datasheet; ELCR as on the PIIX).
 * Priorities rotate through "lowest", the IR with the lowest priority:
 * IR (lowest + 1) & 7 wins. The master's cascade input follows the
 * slave's INT output as a level, whatever the ELCR says, so a request
 * the slave still holds after an INTA is not lost for want of an edge.
 */
#include <string.h>
#include "dev/vpic.h"

#define ICW1		0x10
#define ICW1_IC4	0x01
#define ICW1_SNGL	0x02
#define ICW1_LTIM	0x08
#define OCW3		0x08
#define OCW3_RIS	0x01
#define OCW3_RR		0x02
#define OCW3_P		0x04
#define OCW3_SMM	0x20
#define OCW3_ESMM	0x40
#define ICW4_AEOI	0x02
#define ICW4_SFNM	0x10

#define CASCADE_BIT	(1u << VPIC_CASCADE_IRQ)

static void chip_reset(struct vpic_chip *c, uint8_t base, uint8_t icw3,
		       uint8_t elcr_mask)
{
	memset(c, 0, sizeof(*c));
	c->imr = 0xff;
	c->base = base;
	c->icw3 = icw3;
	c->lowest = 7;
	c->elcr_mask = elcr_mask;
	c->icw4 = true;
}

void vpic_init(struct vpic *pic, const struct vpic_env *env, void *ctx)
{
	memset(pic, 0, sizeof(*pic));
	pic->env = env;
	pic->ctx = ctx;
	/* IRQ 0, 1, 2, 8 and 13 are edge-only on the PIIX. */
	chip_reset(&pic->chip[0], 0x08, CASCADE_BIT, 0xf8);
	chip_reset(&pic->chip[1], 0x70, VPIC_CASCADE_IRQ, 0xde);
}

static bool cascaded(const struct vpic *pic, const struct vpic_chip *c)
{
	return c == &pic->chip[0] && !c->single;
}

/* Inputs that are level-sensitive. */
static uint8_t level_mask(const struct vpic *pic, const struct vpic_chip *c)
{
	uint8_t m = c->ltim ? 0xff : c->elcr;

	if (cascaded(pic, c))
		m |= CASCADE_BIT;
	return m;
}

/* IRR as the guest reads it: latched edges, and level lines as they are. */
static uint8_t chip_irr(const struct vpic *pic, const struct vpic_chip *c)
{
	uint8_t lvl = level_mask(pic, c);

	return (c->irr & ~lvl) | (c->lines & lvl);
}

/* The highest-priority IR in @bits, or -1. */
static int highest(const struct vpic_chip *c, uint8_t bits)
{
	for (int i = 1; i <= 8; i++) {
		int irq = (c->lowest + i) & 7;

		if (bits & (1u << irq))
			return irq;
	}
	return -1;
}

/* 0 is the highest priority. */
static int prio(const struct vpic_chip *c, int irq)
{
	return (irq - c->lowest - 1) & 7;
}

/* The IR this chip would raise INT for, or -1. */
static int chip_get_irq(const struct vpic *pic, const struct vpic_chip *c)
{
	uint8_t req = chip_irr(pic, c) & ~c->imr;
	uint8_t isr = c->isr;
	int irq, busy;

	if (c->special_mask)	/* any unmasked level not in service */
		return highest(c, req & ~isr);
	irq = highest(c, req);
	if (irq < 0)
		return -1;
	/* Fully nested: a slave in service does not block its own betters. */
	if (c->sfnm && cascaded(pic, c))
		isr &= ~CASCADE_BIT;
	busy = highest(c, isr);
	if (busy >= 0 && prio(c, busy) <= prio(c, irq))
		return -1;
	return irq;
}

static void chip_ack(struct vpic_chip *c, int irq)
{
	c->irr &= ~(1u << irq);
	if (!c->aeoi)
		c->isr |= 1u << irq;
	else if (c->rotate_aeoi)
		c->lowest = irq;
}

static void update(struct vpic *pic)
{
	struct vpic_chip *m = &pic->chip[0];
	bool out;

	if (!m->single) {
		if (chip_get_irq(pic, &pic->chip[1]) >= 0)
			m->lines |= CASCADE_BIT;
		else
			m->lines &= ~CASCADE_BIT;
	}
	out = chip_get_irq(pic, m) >= 0;
	if (out != pic->intr) {
		pic->intr = out;
		if (pic->env && pic->env->set_intr)
			pic->env->set_intr(pic->ctx, out);
	}
}

static void chip_set_line(struct vpic_chip *c, int irq, bool level)
{
	uint8_t bit = 1u << irq;

	/* Edges latch on low-to-high; level requests are read off the line. */
	if (level && !(c->lines & bit))
		c->irr |= bit;
	if (level)
		c->lines |= bit;
	else
		c->lines &= ~bit;
}

void vpic_set_irq(struct vpic *pic, unsigned int irq, bool level)
{
	if (irq >= VPIC_IRQS || irq == VPIC_CASCADE_IRQ)
		return;
	chip_set_line(&pic->chip[irq >> 3], irq & 7, level);
	update(pic);
}

int vpic_pending(struct vpic *pic)
{
	struct vpic_chip *m = &pic->chip[0], *s = &pic->chip[1];
	int irq = chip_get_irq(pic, m);

	if (irq < 0)
		return -1;
	if (irq == VPIC_CASCADE_IRQ && cascaded(pic, m)) {
		int sirq = chip_get_irq(pic, s);

		return s->base + (sirq < 0 ? 7 : sirq);
	}
	return m->base + irq;
}

int vpic_ack(struct vpic *pic)
{
	struct vpic_chip *m = &pic->chip[0], *s = &pic->chip[1];
	int irq = chip_get_irq(pic, m), vec;

	if (irq < 0)
		return m->base + 7;	/* spurious: no ISR bit */
	chip_ack(m, irq);
	vec = m->base + irq;
	if (irq == VPIC_CASCADE_IRQ && cascaded(pic, m)) {
		int sirq = chip_get_irq(pic, s);

		if (sirq < 0) {
			vec = s->base + 7;
		} else {
			chip_ack(s, sirq);
			vec = s->base + sirq;
		}
	}
	update(pic);
	return vec;
}

static void eoi(struct vpic_chip *c, int irq, bool rotate)
{
	if (irq < 0)
		return;
	c->isr &= ~(1u << irq);
	if (rotate)
		c->lowest = irq;
}

static void write_cmd(struct vpic *pic, struct vpic_chip *c, uint8_t v)
{
	if (v & ICW1) {
		/* The datasheet's list: IMR cleared, IR7 lowest, SMM off,
		 * IRR selected, ICW4 functions off unless ICW4 follows;
		 * edges must be new. */
		c->init_step = 2;
		c->icw4 = v & ICW1_IC4;
		c->single = v & ICW1_SNGL;
		c->ltim = v & ICW1_LTIM;
		c->imr = 0;
		c->isr = 0;
		c->irr = 0;
		c->lowest = 7;
		c->special_mask = false;
		c->read_isr = false;
		c->poll = false;
		c->aeoi = false;
		c->sfnm = false;
		c->rotate_aeoi = false;
	} else if (v & OCW3) {
		if (v & OCW3_P)
			c->poll = true;
		if (v & OCW3_RR)
			c->read_isr = v & OCW3_RIS;
		if (v & OCW3_ESMM)
			c->special_mask = v & OCW3_SMM;
	} else {
		/* OCW2: R, SL, EOI in bits 7:5, level in 2:0. */
		switch (v >> 5) {
		case 0:
			c->rotate_aeoi = false;
			break;
		case 4:
			c->rotate_aeoi = true;
			break;
		case 1:		/* non-specific EOI */
			eoi(c, highest(c, c->isr), false);
			break;
		case 5:		/* rotate on non-specific EOI */
			eoi(c, highest(c, c->isr), true);
			break;
		case 3:		/* specific EOI */
			eoi(c, v & 7, false);
			break;
		case 7:		/* rotate on specific EOI */
			eoi(c, v & 7, true);
			break;
		case 6:		/* set priority */
			c->lowest = v & 7;
			break;
		default:	/* 2: no operation */
			break;
		}
	}
	update(pic);
}

static void write_data(struct vpic *pic, struct vpic_chip *c, uint8_t v)
{
	switch (c->init_step) {
	case 2:
		c->base = v & 0xf8;
		c->init_step = c->single ? (c->icw4 ? 4 : 0) : 3;
		break;
	case 3:
		c->icw3 = v;
		c->init_step = c->icw4 ? 4 : 0;
		break;
	case 4:
		/* 8086 mode assumed: an 8080 vector format has no meaning. */
		c->aeoi = v & ICW4_AEOI;
		c->sfnm = v & ICW4_SFNM;
		c->init_step = 0;
		break;
	default:
		c->imr = v;	/* OCW1 */
		break;
	}
	update(pic);
}

static uint8_t read_cmd(struct vpic *pic, struct vpic_chip *c)
{
	int irq;

	if (!c->poll)
		return c->read_isr ? c->isr : chip_irr(pic, c);
	/* Poll: the read is the INTA; bit 7 says whether there was one. */
	c->poll = false;
	irq = chip_get_irq(pic, c);
	if (irq < 0)
		return 0;
	chip_ack(c, irq);
	update(pic);
	return 0x80 | irq;
}

static uint8_t read_byte(struct vpic *pic, uint16_t port)
{
	switch (port) {
	case VPIC_MASTER:
	case VPIC_SLAVE:
		return read_cmd(pic, &pic->chip[port == VPIC_SLAVE]);
	case VPIC_MASTER + 1:
	case VPIC_SLAVE + 1:
		return pic->chip[port == VPIC_SLAVE + 1].imr;
	case VPIC_ELCR:
	case VPIC_ELCR + 1:
		return pic->chip[port - VPIC_ELCR].elcr;
	}
	return 0xff;
}

static void write_byte(struct vpic *pic, uint16_t port, uint8_t v)
{
	struct vpic_chip *c;

	switch (port) {
	case VPIC_MASTER:
	case VPIC_SLAVE:
		write_cmd(pic, &pic->chip[port == VPIC_SLAVE], v);
		break;
	case VPIC_MASTER + 1:
	case VPIC_SLAVE + 1:
		write_data(pic, &pic->chip[port == VPIC_SLAVE + 1], v);
		break;
	case VPIC_ELCR:
	case VPIC_ELCR + 1:
		c = &pic->chip[port - VPIC_ELCR];
		c->elcr = v & c->elcr_mask;
		update(pic);
		break;
	}
}

/* Wider accesses are byte cycles on consecutive ports, as on ISA. */
static uint32_t vpic_read(void *dev, uint16_t port, unsigned int size)
{
	uint32_t v = 0;

	for (unsigned int i = 0; i < size && i < 4; i++)
		v |= (uint32_t)read_byte(dev, port + i) << (8 * i);
	return v;
}

static void vpic_write(void *dev, uint16_t port, unsigned int size, uint32_t v)
{
	for (unsigned int i = 0; i < size && i < 4; i++)
		write_byte(dev, port + i, v >> (8 * i));
}

const struct pio_ops vpic_ops = {
	.name = "pic",
	.read = vpic_read,
	.write = vpic_write,
};
