// SPDX-License-Identifier: GPL-2.0
/* Unit tests for the virtual 8259A pair (dev/vpic.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "dev/pio.h"
#include "dev/vpic.h"

struct fake {
	int changes;
	bool intr;
};

static void fake_intr(void *ctx, bool level)
{
	struct fake *f = ctx;

	assert_true(level != f->intr);	/* only real changes are reported */
	f->intr = level;
	f->changes++;
}

static const struct vpic_env env = { .set_intr = fake_intr };

struct rig {
	struct pio_bus bus;
	struct vpic pic;
	struct fake f;
};

static void setup(struct rig *r)
{
	memset(r, 0, sizeof(*r));
	vpic_init(&r->pic, &env, &r->f);
	assert_int_equal(pio_register(&r->bus, 0x20, 2, &vpic_ops, &r->pic), 0);
	assert_int_equal(pio_register(&r->bus, 0xa0, 2, &vpic_ops, &r->pic), 0);
	assert_int_equal(pio_register(&r->bus, 0x4d0, 2, &vpic_ops, &r->pic), 0);
}

static void out(struct rig *r, uint16_t port, uint8_t v)
{
	pio_write(&r->bus, port, 1, v);
}

static uint8_t in(struct rig *r, uint16_t port)
{
	return pio_read(&r->bus, port, 1);
}

/* Linux's init_8259A / Asterinas's set_mask: base 0x20 and 0x28. */
static void init_pair(struct rig *r, uint8_t icw4, uint8_t mmask, uint8_t smask)
{
	out(r, 0x20, 0x11);
	out(r, 0xa0, 0x11);
	out(r, 0x21, 0x20);
	out(r, 0xa1, 0x28);
	out(r, 0x21, 0x04);
	out(r, 0xa1, 0x02);
	out(r, 0x21, icw4);
	out(r, 0xa1, icw4);
	out(r, 0x21, mmask);
	out(r, 0xa1, smask);
}

static uint8_t read_isr(struct rig *r, uint16_t cmd)
{
	out(r, cmd, 0x0b);
	return in(r, cmd);
}

static uint8_t read_irr(struct rig *r, uint16_t cmd)
{
	out(r, cmd, 0x0a);
	return in(r, cmd);
}

static void test_reset_masked(void **state)
{
	struct rig r;

	setup(&r);
	assert_int_equal(in(&r, 0x21), 0xff);
	assert_int_equal(in(&r, 0xa1), 0xff);
	assert_int_equal(in(&r, 0x4d0), 0);
	assert_int_equal(in(&r, 0x4d1), 0);
	for (unsigned int i = 0; i < 16; i++)
		vpic_set_irq(&r.pic, i, true);
	assert_int_equal(vpic_pending(&r.pic), -1);
	assert_int_equal(r.f.changes, 0);
	/* The requests are there, just masked; IR2 is the slave's INT,
	 * which its masks keep low. */
	assert_int_equal(read_irr(&r, 0x20), 0xfb);
	assert_int_equal(read_irr(&r, 0xa0), 0xff);
}

static void test_linux_probe(void **state)
{
	struct rig r;

	setup(&r);
	out(&r, 0xa1, 0xff);
	out(&r, 0x21, 0xfb);
	assert_int_equal(in(&r, 0x21), 0xfb);
	assert_int_equal(in(&r, 0xa1), 0xff);
	/* A 16-bit read at 0x20 is two byte cycles: IRR, then IMR. */
	assert_int_equal(pio_read(&r.bus, 0x20, 2), 0xfb00);
}

static void test_init_sequence(void **state)
{
	struct rig r;

	setup(&r);
	/* ICW1 clears the IMR (datasheet), the ICWs go to the data port. */
	out(&r, 0x20, 0x11);
	assert_int_equal(in(&r, 0x21), 0);
	out(&r, 0x21, 0x30);
	out(&r, 0x21, 0x04);
	out(&r, 0x21, 0x01);
	assert_int_equal(r.pic.chip[0].base, 0x30);
	assert_int_equal(r.pic.chip[0].icw3, 0x04);
	assert_int_equal(r.pic.chip[0].init_step, 0);
	out(&r, 0x21, 0xfd);			/* OCW1: only IRQ1 */
	assert_int_equal(in(&r, 0x21), 0xfd);
	assert_int_equal(r.pic.chip[0].base, 0x30);

	vpic_set_irq(&r.pic, 1, true);
	assert_int_equal(vpic_pending(&r.pic), 0x31);
	assert_true(r.f.intr);
	assert_int_equal(vpic_ack(&r.pic), 0x31);
	assert_false(r.f.intr);
	assert_int_equal(read_isr(&r, 0x20), 0x02);
	assert_int_equal(read_irr(&r, 0x20), 0x00);	/* edge: taken */
	out(&r, 0x20, 0x20);			/* non-specific EOI */
	assert_int_equal(read_isr(&r, 0x20), 0x00);
	assert_int_equal(vpic_pending(&r.pic), -1);	/* line still high */
}

static void test_asterinas_disable(void **state)
{
	struct rig r;

	setup(&r);
	init_pair(&r, 0x01, 0xff, 0xff);
	for (unsigned int i = 0; i < 16; i++)
		vpic_set_irq(&r.pic, i, true);
	assert_int_equal(vpic_pending(&r.pic), -1);
	assert_int_equal(r.f.changes, 0);
	assert_int_equal(r.pic.chip[0].base, 0x20);
	assert_int_equal(r.pic.chip[1].base, 0x28);
}

static void test_init_variants(void **state)
{
	struct rig r;

	setup(&r);
	/* Single chip, no ICW3; ICW4 wanted. */
	out(&r, 0x20, 0x13);
	out(&r, 0x21, 0x48);
	assert_int_equal(r.pic.chip[0].init_step, 4);
	out(&r, 0x21, 0x03);			/* AEOI */
	assert_int_equal(r.pic.chip[0].init_step, 0);
	assert_true(r.pic.chip[0].aeoi);
	/* Cascaded, no ICW4: the ICW4 functions are off. */
	out(&r, 0x20, 0x10);
	out(&r, 0x21, 0x50);
	out(&r, 0x21, 0x04);
	assert_int_equal(r.pic.chip[0].init_step, 0);
	assert_false(r.pic.chip[0].aeoi);
	out(&r, 0x21, 0x7f);			/* now OCW1 */
	assert_int_equal(in(&r, 0x21), 0x7f);
	assert_int_equal(r.pic.chip[0].base, 0x50);
}

static void test_priorities_and_nesting(void **state)
{
	struct rig r;

	setup(&r);
	init_pair(&r, 0x01, 0x00, 0x00);
	vpic_set_irq(&r.pic, 5, true);
	vpic_set_irq(&r.pic, 3, true);
	assert_int_equal(vpic_ack(&r.pic), 0x23);	/* 3 beats 5 */
	assert_int_equal(vpic_pending(&r.pic), -1);	/* 5 waits for 3 */
	vpic_set_irq(&r.pic, 1, true);
	assert_int_equal(vpic_pending(&r.pic), 0x21);	/* 1 nests over 3 */
	assert_int_equal(vpic_ack(&r.pic), 0x21);
	assert_int_equal(read_isr(&r, 0x20), 0x0a);
	out(&r, 0x20, 0x20);				/* EOI ends 1 */
	assert_int_equal(read_isr(&r, 0x20), 0x08);
	assert_int_equal(vpic_pending(&r.pic), -1);
	out(&r, 0x20, 0x20);				/* EOI ends 3 */
	assert_int_equal(vpic_ack(&r.pic), 0x25);
	/* Specific EOI of another level leaves 5 in service. */
	out(&r, 0x20, 0x60 | 3);
	assert_int_equal(read_isr(&r, 0x20), 0x20);
	out(&r, 0x20, 0x60 | 5);
	assert_int_equal(read_isr(&r, 0x20), 0x00);
}

static void test_slave_cascade(void **state)
{
	struct rig r;

	setup(&r);
	init_pair(&r, 0x01, 0x00, 0x00);
	/* The slave sits at IR2: its IRQs beat IRQ 3 and lose to IRQ 1. */
	vpic_set_irq(&r.pic, 3, true);
	vpic_set_irq(&r.pic, 12, true);
	assert_int_equal(vpic_pending(&r.pic), 0x2c);
	assert_int_equal(vpic_ack(&r.pic), 0x2c);
	assert_int_equal(read_isr(&r, 0x20), 0x04);
	assert_int_equal(read_isr(&r, 0xa0), 0x10);
	assert_int_equal(vpic_pending(&r.pic), -1);	/* 3 is lower */
	out(&r, 0xa0, 0x20);				/* slave EOI */
	out(&r, 0x20, 0x20);				/* master EOI */
	assert_int_equal(vpic_ack(&r.pic), 0x23);
	out(&r, 0x20, 0x20);
	/* A masked slave IRQ does not reach the master. */
	out(&r, 0xa1, 0x01);
	vpic_set_irq(&r.pic, 8, true);
	assert_int_equal(vpic_pending(&r.pic), -1);
	assert_int_equal(read_irr(&r, 0x20) & 0x04, 0);
	/* Masking the cascade on the master hides the whole slave. */
	out(&r, 0xa1, 0x00);
	out(&r, 0x21, 0x04);
	assert_int_equal(vpic_pending(&r.pic), -1);
	out(&r, 0x21, 0x00);
	assert_int_equal(vpic_pending(&r.pic), 0x28);
	/* IRQ 2 itself is the cascade and is not an input. */
	vpic_set_irq(&r.pic, 2, true);
	assert_int_equal(r.pic.chip[0].irr & 0x04, 0);
}

static void test_edge_and_level(void **state)
{
	struct rig r;

	setup(&r);
	init_pair(&r, 0x01, 0x00, 0x00);
	/* Edge: a short pulse before the INTA still counts. */
	vpic_set_irq(&r.pic, 4, true);
	vpic_set_irq(&r.pic, 4, false);
	assert_int_equal(vpic_ack(&r.pic), 0x24);
	out(&r, 0x20, 0x20);
	assert_int_equal(vpic_pending(&r.pic), -1);
	/* Edge held high: one interrupt only. */
	vpic_set_irq(&r.pic, 4, true);
	assert_int_equal(vpic_ack(&r.pic), 0x24);
	out(&r, 0x20, 0x20);
	assert_int_equal(vpic_pending(&r.pic), -1);
	vpic_set_irq(&r.pic, 4, false);

	/* ELCR: IRQ 0-2, 8, 13 cannot be level. */
	out(&r, 0x4d0, 0xff);
	out(&r, 0x4d1, 0xff);
	assert_int_equal(in(&r, 0x4d0), 0xf8);
	assert_int_equal(in(&r, 0x4d1), 0xde);
	assert_int_equal(pio_read(&r.bus, 0x4d0, 2), 0xdef8);

	/* Level: pending while high, again after EOI, gone when low. */
	out(&r, 0x4d0, 0x20);
	vpic_set_irq(&r.pic, 5, true);
	assert_int_equal(vpic_ack(&r.pic), 0x25);
	assert_int_equal(vpic_pending(&r.pic), -1);	/* in service */
	out(&r, 0x20, 0x20);
	assert_int_equal(vpic_pending(&r.pic), 0x25);	/* still high */
	vpic_set_irq(&r.pic, 5, false);
	assert_int_equal(vpic_pending(&r.pic), -1);	/* no latch */
	assert_int_equal(read_irr(&r, 0x20), 0x00);

	/* ICW1 LTIM makes every input level-sensitive. */
	init_pair(&r, 0x01, 0x00, 0x00);
	out(&r, 0x20, 0x19);
	out(&r, 0x21, 0x20);
	out(&r, 0x21, 0x04);
	out(&r, 0x21, 0x01);
	vpic_set_irq(&r.pic, 6, true);
	vpic_set_irq(&r.pic, 6, false);
	assert_int_equal(vpic_pending(&r.pic), -1);
}

static void test_icw1_needs_new_edge(void **state)
{
	struct rig r;

	setup(&r);
	vpic_set_irq(&r.pic, 1, true);
	init_pair(&r, 0x01, 0x00, 0x00);
	assert_int_equal(vpic_pending(&r.pic), -1);	/* edge sense reset */
	vpic_set_irq(&r.pic, 1, false);
	vpic_set_irq(&r.pic, 1, true);
	assert_int_equal(vpic_pending(&r.pic), 0x21);
}

static void test_rotation(void **state)
{
	struct rig r;

	setup(&r);
	init_pair(&r, 0x01, 0x00, 0x00);
	/* Set priority: 4 lowest, so 5 is highest. */
	out(&r, 0x20, 0xc0 | 4);
	vpic_set_irq(&r.pic, 3, true);
	vpic_set_irq(&r.pic, 5, true);
	assert_int_equal(vpic_ack(&r.pic), 0x25);
	/* 3 is now lower than 5 in service. */
	assert_int_equal(vpic_pending(&r.pic), -1);
	/* Rotate on non-specific EOI: 5 becomes lowest, 6 highest. */
	out(&r, 0x20, 0xa0);
	assert_int_equal(r.pic.chip[0].lowest, 5);
	vpic_set_irq(&r.pic, 7, true);
	assert_int_equal(vpic_ack(&r.pic), 0x27);	/* 7 beats 3 now */
	/* Rotate on specific EOI of 7. */
	out(&r, 0x20, 0xe0 | 7);
	assert_int_equal(r.pic.chip[0].lowest, 7);
	assert_int_equal(read_isr(&r, 0x20), 0x00);
	assert_int_equal(vpic_ack(&r.pic), 0x23);
}

static void test_auto_eoi(void **state)
{
	struct rig r;

	setup(&r);
	init_pair(&r, 0x03, 0x00, 0x00);
	vpic_set_irq(&r.pic, 3, true);
	vpic_set_irq(&r.pic, 5, true);
	assert_int_equal(vpic_ack(&r.pic), 0x23);
	assert_int_equal(read_isr(&r, 0x20), 0x00);
	assert_int_equal(vpic_ack(&r.pic), 0x25);	/* no EOI needed */
	/* Rotate in AEOI mode: the acked level goes lowest. */
	out(&r, 0x20, 0x80);
	vpic_set_irq(&r.pic, 4, true);
	assert_int_equal(vpic_ack(&r.pic), 0x24);
	assert_int_equal(r.pic.chip[0].lowest, 4);
	out(&r, 0x20, 0x00);				/* rotate off */
	assert_false(r.pic.chip[0].rotate_aeoi);
}

static void test_poll_and_spurious(void **state)
{
	struct rig r;

	setup(&r);
	init_pair(&r, 0x01, 0x00, 0x00);
	/* Nothing pending: INTA gives IR7's vector and no ISR bit. */
	assert_int_equal(vpic_ack(&r.pic), 0x27);
	assert_int_equal(read_isr(&r, 0x20), 0x00);
	/* Poll: the read acknowledges. */
	vpic_set_irq(&r.pic, 6, true);
	out(&r, 0x20, 0x0c);
	assert_int_equal(in(&r, 0x20), 0x86);
	assert_int_equal(read_isr(&r, 0x20), 0x40);
	out(&r, 0x20, 0x0c);
	assert_int_equal(in(&r, 0x20), 0x00);		/* nothing more */
	/* A poll command is a one-shot: the next read is IRR/ISR again. */
	assert_int_equal(in(&r, 0x20), 0x40);		/* ISR selected */
}

static void test_special_mask(void **state)
{
	struct rig r;

	setup(&r);
	init_pair(&r, 0x01, 0x00, 0x00);
	vpic_set_irq(&r.pic, 3, true);
	assert_int_equal(vpic_ack(&r.pic), 0x23);
	vpic_set_irq(&r.pic, 5, true);
	assert_int_equal(vpic_pending(&r.pic), -1);
	/* SMM on, mask 3: lower 5 gets through while 3 is in service. */
	out(&r, 0x20, 0x68);
	out(&r, 0x21, 0x08);
	assert_int_equal(vpic_ack(&r.pic), 0x25);
	assert_int_equal(read_isr(&r, 0x20), 0x28);
	out(&r, 0x20, 0x48);				/* SMM off */
	assert_false(r.pic.chip[0].special_mask);
}

static void test_special_fully_nested(void **state)
{
	struct rig r;

	/* Without SFNM, a slave request waits behind the slave in service. */
	setup(&r);
	init_pair(&r, 0x01, 0x00, 0x00);
	vpic_set_irq(&r.pic, 10, true);
	assert_int_equal(vpic_ack(&r.pic), 0x2a);
	vpic_set_irq(&r.pic, 9, true);
	assert_int_equal(vpic_pending(&r.pic), -1);

	/* With SFNM on the master, the slave's better request nests. */
	setup(&r);
	init_pair(&r, 0x01, 0x00, 0x00);
	out(&r, 0x20, 0x11);			/* master again, ICW4 SFNM */
	out(&r, 0x21, 0x20);
	out(&r, 0x21, 0x04);
	out(&r, 0x21, 0x11);
	out(&r, 0x21, 0x00);
	assert_true(r.pic.chip[0].sfnm);
	vpic_set_irq(&r.pic, 10, true);
	assert_int_equal(vpic_ack(&r.pic), 0x2a);
	vpic_set_irq(&r.pic, 9, true);
	assert_int_equal(vpic_pending(&r.pic), 0x29);
	assert_int_equal(vpic_ack(&r.pic), 0x29);
	assert_int_equal(read_isr(&r, 0xa0), 0x06);
}

static void test_intr_output(void **state)
{
	struct rig r;

	setup(&r);
	init_pair(&r, 0x01, 0x00, 0x00);
	vpic_set_irq(&r.pic, 0, true);
	assert_true(r.f.intr);
	assert_int_equal(r.f.changes, 1);
	vpic_set_irq(&r.pic, 1, true);			/* still high */
	assert_int_equal(r.f.changes, 1);
	out(&r, 0x21, 0xff);				/* masked: low */
	assert_false(r.f.intr);
	out(&r, 0x21, 0x00);
	assert_true(r.f.intr);
	assert_int_equal(vpic_ack(&r.pic), 0x20);
	assert_false(r.f.intr);				/* 1 waits for 0 */
	out(&r, 0x20, 0x20);
	assert_true(r.f.intr);
	assert_int_equal(r.f.changes, 5);
	/* No callback wanted: a NULL env works. */
	vpic_init(&r.pic, NULL, NULL);
	init_pair(&r, 0x01, 0x00, 0x00);
	vpic_set_irq(&r.pic, 0, true);
	assert_int_equal(vpic_pending(&r.pic), 0x20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reset_masked),
		cmocka_unit_test(test_linux_probe),
		cmocka_unit_test(test_init_sequence),
		cmocka_unit_test(test_asterinas_disable),
		cmocka_unit_test(test_init_variants),
		cmocka_unit_test(test_priorities_and_nesting),
		cmocka_unit_test(test_slave_cascade),
		cmocka_unit_test(test_edge_and_level),
		cmocka_unit_test(test_icw1_needs_new_edge),
		cmocka_unit_test(test_rotation),
		cmocka_unit_test(test_auto_eoi),
		cmocka_unit_test(test_poll_and_spurious),
		cmocka_unit_test(test_special_mask),
		cmocka_unit_test(test_special_fully_nested),
		cmocka_unit_test(test_intr_output),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
