// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the AML writer (dev/aml.c): integer and EISA ID
 * encodings, PkgLength in each of its forms, overflow and balance, and
 * the resource descriptors' bytes (ACPI 6.x, 6.4 and 20.2).
 * tests/integration/test-acpi-iasl.sh checks whole tables with iasl.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "dev/aml.h"

static uint8_t buf[8192];

static void test_eisaid(void **state)
{
	/* Values as they appear in any PC's DSDT. */
	assert_int_equal(aml_eisaid_value("PNP0A08"), 0x080ad041);
	assert_int_equal(aml_eisaid_value("PNP0A03"), 0x030ad041);
	assert_int_equal(aml_eisaid_value("PNP0C02"), 0x020cd041);
	assert_int_equal(aml_eisaid_value("PNP0501"), 0x0105d041);
	assert_int_equal(aml_eisaid_value("pnp0a08"), 0);
	assert_int_equal(aml_eisaid_value("PNP0A0"), 0);
	assert_int_equal(aml_eisaid_value("PNP0A0G"), 0);
}

static void test_int(void **state)
{
	static const uint8_t want[] = {
		0x00, 0x01, 0x0a, 0x02, 0x0a, 0xff, 0x0b, 0x00, 0x01,
		0x0c, 0x00, 0x00, 0x01, 0x00,
		0x0e, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
	};
	struct aml a;

	aml_init(&a, buf, sizeof(buf));
	aml_int(&a, 0);
	aml_int(&a, 1);
	aml_int(&a, 2);
	aml_int(&a, 0xff);
	aml_int(&a, 0x100);
	aml_int(&a, 0x10000);
	aml_int(&a, 0x100000000ull);
	assert_int_equal(aml_end(&a), sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
}

/* Device (DEVX) { Buffer (n) } with a body of @body bytes in the buffer. */
static int device_with(size_t body)
{
	static uint8_t data[5000];
	struct aml a;

	aml_init(&a, buf, sizeof(buf));
	aml_device(&a, "DEVX");
	aml_buffer(&a, data, body);
	aml_close(&a);
	return aml_end(&a);
}

static void test_pkglength(void **state)
{
	/*
	 * Device: 0x5b 0x82, PkgLength, "DEVX"; Buffer: 0x11, PkgLength,
	 * ByteConst n, n bytes. The buffer's package is 1 + 2 + 60 = 63:
	 * the one-byte form. The device's is 4 + 64 + 2 = 70: two bytes,
	 * 0x46 (0x40 | 70 & 0xf) and 4 (70 >> 4).
	 */
	assert_int_equal(device_with(60), 2 + 2 + 4 + 1 + 1 + 2 + 60);
	assert_int_equal(buf[2], 0x46);
	assert_int_equal(buf[3], 0x04);
	assert_memory_equal(buf + 4, "DEVX", 4);
	assert_int_equal(buf[8], 0x11);
	assert_int_equal(buf[9], 63);

	/* 61 bytes: 64 with a one-byte length, so two bytes, 65 in all. */
	device_with(61);
	assert_int_equal(buf[9], 0x41);
	assert_int_equal(buf[10], 0x04);

	/*
	 * Past 4095: three bytes. The buffer (WordConst size) is 3 + 4093
	 * + 3 = 4099 = 0x1003; the device 4 + 1 + 4099 + 3 = 4107.
	 */
	assert_int_equal(device_with(4093), 2 + 4107);
	assert_int_equal(buf[2], 0x80 | 0xb);
	assert_int_equal(buf[3], 0x00);
	assert_int_equal(buf[4], 0x01);
	assert_int_equal(buf[9], 0x11);
	assert_int_equal(buf[10], 0x80 | 0x3);
	assert_int_equal(buf[11], 0x00);
	assert_int_equal(buf[12], 0x01);
	assert_int_equal(buf[13], 0x0b);
}

static void test_string(void **state)
{
	struct aml a;

	aml_init(&a, buf, sizeof(buf));
	aml_string(&a, "LNRO0005");
	assert_int_equal(aml_end(&a), 10);
	assert_int_equal(buf[0], 0x0d);
	assert_memory_equal(buf + 1, "LNRO0005", 9);
}

static void test_package(void **state)
{
	/* Name (_PRT, Package (1) { Package (2) { 0x0001FFFF, One } }) */
	static const uint8_t want[] = {
		0x08, '_', 'P', 'R', 'T', 0x12, 0x0b, 0x01,
		0x12, 0x08, 0x02, 0x0c, 0xff, 0xff, 0x01, 0x00, 0x01,
	};
	struct aml a;

	aml_init(&a, buf, sizeof(buf));
	aml_name(&a, "_PRT");
	aml_package(&a, 1);
	aml_package(&a, 2);
	aml_int(&a, 0x1ffff);
	aml_int(&a, 1);
	aml_close(&a);
	aml_close(&a);
	assert_int_equal(aml_end(&a), sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
}

static void test_errors(void **state)
{
	struct aml a;
	uint8_t small[8];

	aml_init(&a, small, sizeof(small));
	aml_name(&a, "_UID");
	aml_int(&a, 0x12345678);			/* 10 bytes > 8 */
	assert_int_equal(aml_end(&a), -ENOSPC);
	assert_true(a.len <= sizeof(small) + 1);

	aml_init(&a, buf, sizeof(buf));
	aml_device(&a, "DEVX");
	assert_int_equal(aml_end(&a), -EINVAL);		/* still open */
	aml_close(&a);
	assert_int_equal(aml_end(&a), 7);
	aml_close(&a);					/* one too many */
	assert_int_equal(aml_end(&a), -EINVAL);

	aml_init(&a, buf, sizeof(buf));
	aml_eisaid(&a, "nope");
	assert_int_equal(aml_end(&a), -EINVAL);
}

static void test_resources(void **state)
{
	static const uint8_t want[] = {
		/* WordBusNumber, 0..3 */
		0x88, 0x0d, 0x00, 0x02, 0x0c, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x03, 0x00, 0x00, 0x00, 0x04, 0x00,
		/* IO (Decode16, 0xCF8, 0xCF8, 1, 8) */
		0x47, 0x01, 0xf8, 0x0c, 0xf8, 0x0c, 0x01, 0x08,
		/* DWordMemory window 0xc0000000, 256 MiB */
		0x87, 0x17, 0x00, 0x00, 0x0c, 0x01, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0xc0, 0xff, 0xff, 0xff, 0xcf, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
		/* Memory32Fixed (ReadWrite, 0xe0000000, 1 MiB) */
		0x86, 0x09, 0x00, 0x01, 0x00, 0x00, 0x00, 0xe0, 0x00, 0x00,
		0x10, 0x00,
		/* Interrupt (ResourceConsumer, Edge, ActiveHigh, Exclusive) {17} */
		0x89, 0x06, 0x00, 0x03, 0x01, 0x11, 0x00, 0x00, 0x00,
		0x79, 0x00,
	};
	struct aml_res r;

	aml_res_init(&r);
	aml_res_bus(&r, 0, 3);
	aml_res_io(&r, 0xcf8, 0xcf8, 1, 8);
	aml_res_mem_window(&r, 0xc0000000, 0x10000000);
	aml_res_mem_fixed(&r, 0xe0000000, 0x100000);
	aml_res_irq(&r, 17, true);
	assert_int_equal(aml_res_end(&r), sizeof(want));
	assert_memory_equal(r.b, want, sizeof(want));

	aml_res_init(&r);
	for (int i = 0; i < 10; i++)
		aml_res_mem_window(&r, 0, 16);
	assert_int_equal(aml_res_end(&r), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_eisaid),
		cmocka_unit_test(test_int),
		cmocka_unit_test(test_pkglength),
		cmocka_unit_test(test_string),
		cmocka_unit_test(test_package),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_resources),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
