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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_long_line_splits),
		cmocka_unit_test(test_registers),
		cmocka_unit_test(test_bus),
		cmocka_unit_test(test_thre_irq),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
