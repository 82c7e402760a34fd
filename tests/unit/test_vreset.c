// SPDX-License-Identifier: GPL-2.0
/* Unit tests for the reset ports (dev/reset.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "dev/pio.h"
#include "dev/reset.h"

static int resets;
static const char *last_how;

static void on_reset(void *ctx, const char *how)
{
	assert_ptr_equal(ctx, &resets);
	resets++;
	last_how = how;
}

static void setup(struct pio_bus *bus, struct vreset *r)
{
	memset(bus, 0, sizeof(*bus));
	memset(r, 0, sizeof(*r));
	r->reset = on_reset;
	r->ctx = &resets;
	resets = 0;
	last_how = NULL;
	assert_int_equal(pio_register(bus, RESET_CF9_PORT, 1, &vreset_cf9_ops, r), 0);
	assert_int_equal(pio_register(bus, RESET_KBC_PORT, 1, &vreset_kbc_ops, r), 0);
	assert_int_equal(pio_register(bus, RESET_PORT92, 1, &vreset_port92_ops, r), 0);
}

/* 0xCF9: bits 1 and 3 are kept; only RST_CPU (bit 2) resets. */
static void test_cf9(void **state)
{
	struct pio_bus bus;
	struct vreset r;

	setup(&bus, &r);
	pio_write(&bus, 0xcf9, 1, 0x02);
	assert_int_equal(resets, 0);
	assert_int_equal(pio_read(&bus, 0xcf9, 1), 0x02);
	pio_write(&bus, 0xcf9, 1, RESET_CF9_VALUE);
	assert_int_equal(resets, 1);
	assert_non_null(strstr(last_how, "0xcf9"));
	assert_int_equal(pio_read(&bus, 0xcf9, 1) & 0x04, 0);
}

/* 0x64: reads as no controller; only command 0xFE resets. */
static void test_kbc(void **state)
{
	struct pio_bus bus;
	struct vreset r;

	setup(&bus, &r);
	assert_int_equal(pio_read(&bus, 0x64, 1), 0xff);
	pio_write(&bus, 0x64, 1, 0xad);		/* disable keyboard: nothing */
	assert_int_equal(resets, 0);
	pio_write(&bus, 0x64, 1, 0xfe);
	assert_int_equal(resets, 1);
	assert_non_null(strstr(last_how, "keyboard"));
}

/* 0x92: A20 reads on; bit 0 resets on its 0 -> 1 edge. */
static void test_port92(void **state)
{
	struct pio_bus bus;
	struct vreset r;

	setup(&bus, &r);
	assert_int_equal(pio_read(&bus, 0x92, 1), 0x02);
	pio_write(&bus, 0x92, 1, 0x02);
	assert_int_equal(resets, 0);
	pio_write(&bus, 0x92, 1, 0x03);
	assert_int_equal(resets, 1);
	assert_non_null(strstr(last_how, "0x92"));
	assert_int_equal(pio_read(&bus, 0x92, 1) & 0x01, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cf9),
		cmocka_unit_test(test_kbc),
		cmocka_unit_test(test_port92),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
