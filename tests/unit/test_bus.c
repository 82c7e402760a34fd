// SPDX-License-Identifier: GPL-2.0
/* The range table the port I/O and MMIO buses share (dev/bus.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <cmocka.h>

#include "dev/mmio.h"
#include "dev/pio.h"

static void test_claim(void **state)
{
	struct bus_slot s[3];
	unsigned int n = 0;
	int a = 0, b = 0;

	assert_int_equal(bus_claim(s, &n, 3, 0x100, 0x10, &a, &a), 0);
	assert_int_equal(bus_claim(s, &n, 3, 0x110, 0x10, &b, &b), 0);
	/* Touching is fine, one byte of overlap is not, on either side. */
	assert_int_equal(bus_claim(s, &n, 3, 0x10f, 1, &a, &a), -EEXIST);
	assert_int_equal(bus_claim(s, &n, 3, 0xf0, 0x11, &a, &a), -EEXIST);
	assert_int_equal(bus_claim(s, &n, 3, 0x0, 0x1000, &a, &a), -EEXIST);
	assert_int_equal(n, 2);
	assert_int_equal(bus_claim(s, &n, 3, 0x200, 1, &a, &a), 0);
	assert_int_equal(bus_claim(s, &n, 3, 0x300, 1, &a, &a), -ENOSPC);
	assert_ptr_equal(s[1].dev, &b);
}

static void test_find(void **state)
{
	struct bus_slot s[2];
	unsigned int n = 0;
	int a = 0;

	bus_claim(s, &n, 2, 0x1000, 0x100, &a, &a);
	assert_int_equal(bus_find(s, n, 0x1000, 4), 0);
	assert_int_equal(bus_find(s, n, 0x10fc, 4), 0);
	/* An access that runs past the end is not the device's. */
	assert_int_equal(bus_find(s, n, 0x10fd, 4), -1);
	assert_int_equal(bus_find(s, n, 0xfff, 1), -1);
	assert_int_equal(bus_find(s, n, 0x1100, 1), -1);
}

static uint32_t rd(void *dev, uint16_t port, unsigned int size)
{
	return port + *(int *)dev;
}

static void wr(void *dev, uint16_t port, unsigned int size, uint32_t v)
{
	*(int *)dev = v;
}

static void test_pio_and_mmio(void **state)
{
	static const struct pio_ops ops = { "t", rd, wr };
	static const struct mmio_ops mops = { "m", NULL, NULL };
	struct pio_bus pio = { 0 };
	struct mmio_bus mmio = { 0 };
	uint64_t off;
	int dev = 1;

	assert_int_equal(pio_register(&pio, 0x3f8, 8, &ops, &dev), 0);
	assert_int_equal(pio_register(&pio, 0x3fc, 1, &ops, &dev), -EEXIST);
	assert_int_equal(pio_read(&pio, 0x3f9, 1), 0x3f9 + 1);
	pio_write(&pio, 0x3ff, 1, 7);
	assert_int_equal(dev, 7);
	assert_int_equal(pio_read(&pio, 0x400, 1), 0xffffffff);
	assert_int_equal(pio.unclaimed, 1);
	assert_int_equal(mmio_register(&mmio, 0xfec00000, 0x1000, &mops, &dev), 0);
	assert_int_equal(mmio_find(&mmio, 0xfec00010, 4, &off), 0);
	assert_int_equal(off, 0x10);
	assert_int_equal(mmio_find(&mmio, 0xfec01000, 4, &off), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_claim),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_pio_and_mmio),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
