// SPDX-License-Identifier: GPL-2.0
/* Unit tests for the port I/O bus and the guest 16550 (dev/). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "dev/pio.h"
#include "dev/uart.h"

static char lines[8][VUART_LINE_MAX + 1];
static int n_lines;

static void emit(void *ctx, const char *line, unsigned int len)
{
	assert_ptr_equal(ctx, lines);
	assert_true(n_lines < 8);
	memcpy(lines[n_lines], line, len);
	lines[n_lines][len] = 0;
	n_lines++;
}

static void setup_uart(struct pio_bus *bus, struct vuart *u)
{
	memset(bus, 0, sizeof(*bus));
	n_lines = 0;
	vuart_init(u, emit, lines);
	assert_int_equal(pio_register(bus, 0x3f8, 8, &vuart_ops, u), 0);
}

static void puts_bus(struct pio_bus *bus, const char *s)
{
	while (*s)
		pio_write(bus, 0x3f8, 1, *s++);
}

static void test_lines(void **state)
{
	struct pio_bus bus;
	struct vuart u;

	setup_uart(&bus, &u);
	puts_bus(&bus, "hello\r\nworld");
	assert_int_equal(n_lines, 1);
	assert_string_equal(lines[0], "hello");
	vuart_flush(&u);
	assert_int_equal(n_lines, 2);
	assert_string_equal(lines[1], "world");
	vuart_flush(&u);			/* nothing buffered: no line */
	assert_int_equal(n_lines, 2);
}

static void test_long_line_splits(void **state)
{
	struct pio_bus bus;
	struct vuart u;

	setup_uart(&bus, &u);
	for (int i = 0; i < VUART_LINE_MAX + 5; i++)
		pio_write(&bus, 0x3f8, 1, 'x');
	assert_int_equal(n_lines, 1);
	assert_int_equal(strlen(lines[0]), VUART_LINE_MAX);
}

static void test_registers(void **state)
{
	struct pio_bus bus;
	struct vuart u;

	setup_uart(&bus, &u);
	assert_int_equal(pio_read(&bus, 0x3fd, 1) & 0x60, 0x60);	/* LSR */
	pio_write(&bus, 0x3fb, 1, 0x83);	/* DLAB on */
	pio_write(&bus, 0x3f8, 1, 0x01);	/* divisor low: not output */
	pio_write(&bus, 0x3f9, 1, 0x00);
	assert_int_equal(pio_read(&bus, 0x3f8, 1), 0x01);
	pio_write(&bus, 0x3fb, 1, 0x03);	/* DLAB off */
	assert_int_equal(n_lines, 0);
	pio_write(&bus, 0x3ff, 1, 0x5a);	/* scratch keeps its value */
	assert_int_equal(pio_read(&bus, 0x3ff, 1), 0x5a);
	assert_int_equal(pio_read(&bus, 0x3fa, 1) & 1, 1);	/* no IRQ */
}

static void test_bus(void **state)
{
	struct pio_bus bus;
	struct vuart u;

	setup_uart(&bus, &u);
	assert_int_equal(pio_register(&bus, 0x3fc, 2, &vuart_ops, &u), -EEXIST);
	assert_int_equal(pio_read(&bus, 0x80, 1), 0xffffffff);
	pio_write(&bus, 0x80, 1, 0);
	assert_int_equal(bus.unclaimed, 2);
	for (int i = 1; i < PIO_MAX_DEVS; i++)
		assert_int_equal(pio_register(&bus, 0x100 + i, 1, &vuart_ops, &u), 0);
	assert_int_equal(pio_register(&bus, 0x200, 1, &vuart_ops, &u), -ENOSPC);
}

static int irq_changes;
static bool irq_line;

static void set_irq(void *ctx, bool level)
{
	irq_changes++;
	irq_line = level;
}

/* THRE interrupts: gated by OUT2, acknowledged by reading IIR. */
static void test_thre_irq(void **state)
{
	struct pio_bus bus;
	struct vuart u;

	setup_uart(&bus, &u);
	u.set_irq = set_irq;
	irq_changes = 0;
	irq_line = false;
	pio_write(&bus, 0x3f9, 1, 0x02);		/* IER: THRE */
	assert_false(irq_line);			/* OUT2 still off */
	pio_write(&bus, 0x3fc, 1, 0x08);		/* MCR: OUT2 */
	assert_true(irq_line);
	assert_int_equal(pio_read(&bus, 0x3fa, 1) & 0x0f, 0x02);
	assert_false(irq_line);			/* IIR read acknowledged it */
	assert_int_equal(pio_read(&bus, 0x3fa, 1) & 0x0f, 0x01);
	pio_write(&bus, 0x3f8, 1, 'x');		/* sent: empty again */
	assert_true(irq_line);
	pio_write(&bus, 0x3f9, 1, 0x00);		/* IER off drops the line */
	assert_false(irq_line);
	assert_int_equal(pio_read(&bus, 0x3fa, 1) & 0x0f, 0x01);
	pio_write(&bus, 0x3fa, 1, 0x07);		/* FCR: FIFOs on */
	assert_int_equal(pio_read(&bus, 0x3fa, 1), 0xc1);
	assert_int_equal(irq_changes, 4);
}

/* Host input: LSR.DR, RBR order, and the data-available IRQ outranking THRE. */
static void test_rx_irq(void **state)
{
	struct pio_bus bus;
	struct vuart u;

	setup_uart(&bus, &u);
	u.set_irq = set_irq;
	irq_line = false;
	assert_int_equal(pio_read(&bus, 0x3fd, 1) & 0x01, 0);	/* no data */
	pio_write(&bus, 0x3fc, 1, 0x08);		/* OUT2 */
	pio_write(&bus, 0x3f9, 1, 0x03);		/* IER: RDA and THRE */
	assert_int_equal(pio_read(&bus, 0x3fa, 1) & 0x0f, 0x02);	/* ack THRE */
	assert_false(irq_line);
	assert_int_equal(vuart_rx_push(&u, 'a'), 0);
	assert_int_equal(vuart_rx_push(&u, 'b'), 0);
	assert_true(irq_line);
	pio_write(&bus, 0x3f8, 1, 'x');		/* THRE pending as well */
	assert_int_equal(pio_read(&bus, 0x3fa, 1) & 0x0f, 0x04);	/* RDA first */
	assert_int_equal(pio_read(&bus, 0x3fd, 1) & 0x61, 0x61);
	assert_int_equal(pio_read(&bus, 0x3f8, 1), 'a');
	assert_int_equal(pio_read(&bus, 0x3f8, 1), 'b');
	assert_int_equal(pio_read(&bus, 0x3fd, 1) & 0x01, 0);
	assert_true(irq_line);				/* THRE still pending */
	assert_int_equal(pio_read(&bus, 0x3fa, 1) & 0x0f, 0x02);
	assert_false(irq_line);
	/* Only IER bit 0: data raises the line, draining drops it. */
	pio_write(&bus, 0x3f9, 1, 0x01);
	vuart_rx_push(&u, 'c');
	assert_true(irq_line);
	pio_read(&bus, 0x3f8, 1);
	assert_false(irq_line);
	/* DLAB hides RBR behind the divisor latch. */
	vuart_rx_push(&u, 'd');
	pio_write(&bus, 0x3fb, 1, 0x83);
	pio_write(&bus, 0x3f8, 1, 0x0c);
	assert_int_equal(pio_read(&bus, 0x3f8, 1), 0x0c);
	pio_write(&bus, 0x3fb, 1, 0x03);
	assert_int_equal(pio_read(&bus, 0x3f8, 1), 'd');
}

/* A full queue drops the byte and reports an overrun once, in LSR and IIR. */
static void test_rx_overrun(void **state)
{
	struct pio_bus bus;
	struct vuart u;

	setup_uart(&bus, &u);
	for (int i = 0; i < VUART_RX_MAX; i++)
		assert_int_equal(vuart_rx_push(&u, (uint8_t)i), 0);
	assert_int_equal(vuart_rx_push(&u, 0xee), -ENOSPC);
	pio_write(&bus, 0x3f9, 1, 0x05);		/* IER: RLS and RDA */
	assert_int_equal(pio_read(&bus, 0x3fa, 1) & 0x0f, 0x06);
	assert_int_equal(pio_read(&bus, 0x3fd, 1) & 0x03, 0x03);	/* DR, OE */
	assert_int_equal(pio_read(&bus, 0x3fd, 1) & 0x03, 0x01);	/* OE read */
	assert_int_equal(pio_read(&bus, 0x3fa, 1) & 0x0f, 0x04);
	for (int i = 0; i < VUART_RX_MAX; i++)
		assert_int_equal(pio_read(&bus, 0x3f8, 1), i);
	assert_int_equal(pio_read(&bus, 0x3fa, 1) & 0x0f, 0x01);
	/* FCR bit 1 empties the receive FIFO. */
	vuart_rx_push(&u, 'z');
	pio_write(&bus, 0x3fa, 1, 0x03);
	assert_int_equal(pio_read(&bus, 0x3fd, 1) & 0x01, 0);
}

/*
 * Loopback: bytes sent come back as received, nothing reaches the log,
 * MSR mirrors MCR, and the IRQ pin stays quiet while IIR still reports.
 */
static void test_loopback(void **state)
{
	struct pio_bus bus;
	struct vuart u;

	setup_uart(&bus, &u);
	u.set_irq = set_irq;
	irq_line = false;
	pio_write(&bus, 0x3fc, 1, 0x1a);		/* LOOP | OUT2 | RTS */
	assert_int_equal(pio_read(&bus, 0x3fe, 1) & 0xf0, 0x90);	/* DCD CTS */
	pio_write(&bus, 0x3fc, 1, 0x1f);
	assert_int_equal(pio_read(&bus, 0x3fe, 1) & 0xf0, 0xf0);
	pio_write(&bus, 0x3f9, 1, 0x01);		/* IER: RDA */
	puts_bus(&bus, "hi\n");
	assert_int_equal(n_lines, 0);
	assert_false(irq_line);
	assert_int_equal(pio_read(&bus, 0x3fa, 1) & 0x0f, 0x04);
	assert_int_equal(pio_read(&bus, 0x3f8, 1), 'h');
	assert_int_equal(pio_read(&bus, 0x3f8, 1), 'i');
	assert_int_equal(pio_read(&bus, 0x3f8, 1), '\n');
	vuart_rx_push(&u, 'q');
	pio_write(&bus, 0x3fc, 1, 0x08);		/* loopback off: pin live */
	assert_true(irq_line);
	assert_int_equal(pio_read(&bus, 0x3fe, 1), 0xb0);
	puts_bus(&bus, "out\n");
	assert_int_equal(n_lines, 1);
	assert_string_equal(lines[0], "out");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_long_line_splits),
		cmocka_unit_test(test_registers),
		cmocka_unit_test(test_bus),
		cmocka_unit_test(test_thre_irq),
		cmocka_unit_test(test_rx_irq),
		cmocka_unit_test(test_rx_overrun),
		cmocka_unit_test(test_loopback),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
