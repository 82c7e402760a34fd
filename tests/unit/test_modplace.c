// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for Multiboot2 module placement (guests/modplace.c): page
 * alignment, order, RAM-only regions, the busy ranges and the limit.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <cmocka.h>

#include "guests/modplace.h"

#define MIB	(1ULL << 20)

/* The shape of guest_memory_map() for a 64 MiB guest. */
static const struct mbi_region map64[] = {
	{ 0, 0x9fc00, 1 },
	{ 0x9fc00, 0xe0000 - 0x9fc00, 2 },
	{ 0xe0000, 0x10000, 3 },
	{ 0xf0000, 0x10000, 2 },
	{ 0x100000, 64 * MIB - 0x100000, 1 },
};
#define N_MAP64	(sizeof(map64) / sizeof(map64[0]))

/* Boot information, ACPI tables, and a kernel at 2 MiB. */
static const struct gpa_range busy[] = {
	{ 0x1000, 0x4000 },
	{ 0xe0000, 0xf0000 },
	{ 0x200000, 0x218100 },
};
#define N_BUSY	(sizeof(busy) / sizeof(busy[0]))

static int place(uint64_t from, uint64_t limit, const uint64_t *size,
		 unsigned int n, uint64_t *gpa, unsigned int *failed)
{
	return mod_place(map64, N_MAP64, busy, N_BUSY, from, limit, size, n,
			 gpa, failed);
}

static void test_above_kernel_in_order(void **state)
{
	static const uint64_t size[] = { 12345, 4096, 1, 0x10000 };
	uint64_t gpa[4];
	unsigned int failed = 99;

	assert_int_equal(place(0x218100, 1ULL << 32, size, 4, gpa, &failed), 0);
	assert_int_equal(gpa[0], 0x219000);
	assert_int_equal(gpa[1], 0x21d000);	/* 12345 bytes end at 0x21c039 */
	assert_int_equal(gpa[2], 0x21e000);
	assert_int_equal(gpa[3], 0x21f000);
	assert_int_equal(failed, 99);
}

static void test_no_modules(void **state)
{
	unsigned int failed = 7;

	assert_int_equal(place(0x218100, 1ULL << 32, NULL, 0, NULL, &failed), 0);
	assert_int_equal(failed, 7);
}

/* An empty module still takes a page start: no two share an address. */
static void test_empty_module(void **state)
{
	static const uint64_t size[] = { 0, 0, 5 };
	uint64_t gpa[3];
	unsigned int failed;

	assert_int_equal(place(0x300000, 1ULL << 32, size, 3, gpa, &failed), 0);
	assert_int_equal(gpa[0], 0x300000);
	assert_int_equal(gpa[1], 0x301000);
	assert_int_equal(gpa[2], 0x302000);
}

/* A low kernel: the module skips the boot information and the ACPI area. */
static void test_skips_busy_and_reserved(void **state)
{
	static const uint64_t small[] = { 0x2000 }, big[] = { 0x9c000 };
	static const uint64_t gap[] = { 0x100001 };
	uint64_t gpa[1];
	unsigned int failed;

	/* From inside the boot information: past its end. */
	assert_int_equal(place(0x1800, 1ULL << 32, small, 1, gpa, &failed), 0);
	assert_int_equal(gpa[0], 0x4000);
	/* Does not fit below 0x9fc00 from 0x4000: the next RAM region. */
	assert_int_equal(place(0x4000, 1ULL << 32, big, 1, gpa, &failed), 0);
	assert_int_equal(gpa[0], 0x100000);
	/* From the reserved and ACPI areas: the next RAM. */
	assert_int_equal(place(0xa0000, 1ULL << 32, small, 1, gpa, &failed), 0);
	assert_int_equal(gpa[0], 0x100000);
	assert_int_equal(place(0xe8000, 1ULL << 32, small, 1, gpa, &failed), 0);
	assert_int_equal(gpa[0], 0x100000);
	/* Too big for the gap below the kernel: above it. */
	assert_int_equal(place(0x100000, 1ULL << 32, gap, 1, gpa, &failed), 0);
	assert_int_equal(gpa[0], 0x219000);
}

/* Exactly the rest of RAM fits; a byte more does not. */
static void test_end_of_ram(void **state)
{
	uint64_t size[2] = { 64 * MIB - 0x219000, 0 };
	uint64_t gpa[2];
	unsigned int failed = 99;

	assert_int_equal(place(0x218100, 1ULL << 32, size, 1, gpa, &failed), 0);
	assert_int_equal(gpa[0], 0x219000);
	size[0]++;
	assert_int_equal(place(0x218100, 1ULL << 32, size, 1, gpa, &failed),
			 -ENOSPC);
	assert_int_equal(failed, 0);
	/* The first fills RAM: the second, even empty, has no page left. */
	size[0]--;
	assert_int_equal(place(0x218100, 1ULL << 32, size, 2, gpa, &failed),
			 -ENOSPC);
	assert_int_equal(failed, 1);
}

static void test_limit(void **state)
{
	static const uint64_t size[] = { 0x1000, 0x1000, 0x1000 };
	uint64_t gpa[3];
	unsigned int failed;

	assert_int_equal(place(0x219000, 0x21b000, size, 3, gpa, &failed),
			 -ENOSPC);
	assert_int_equal(failed, 2);
	assert_int_equal(gpa[1], 0x21a000);
	assert_int_equal(place(0x219000, 0x21c000, size, 3, gpa, &failed), 0);
	assert_int_equal(gpa[2], 0x21b000);
}

/* A module never spans two regions, even adjacent RAM ones. */
static void test_one_region_each(void **state)
{
	static const struct mbi_region map[] = {
		{ 0x100000, 0x100000, 1 },
		{ 0x200000, 0x100000, 1 },
		{ 0x300000, 0x300000, 7 },	/* not RAM */
		{ 0x600000, 0x200000, 1 },
	};
	static const uint64_t size[] = { 0x80000, 0x100000, 0x180000 };
	uint64_t gpa[3];
	unsigned int failed;

	assert_int_equal(mod_place(map, 4, NULL, 0, 0x140000, 1ULL << 32,
				   size, 3, gpa, &failed), 0);
	assert_int_equal(gpa[0], 0x140000);
	assert_int_equal(gpa[1], 0x200000);
	assert_int_equal(gpa[2], 0x600000);
}

static void test_no_ram_above(void **state)
{
	static const uint64_t size[] = { 1 };
	uint64_t gpa[1];
	unsigned int failed = 99;

	assert_int_equal(place(64 * MIB, 1ULL << 32, size, 1, gpa, &failed),
			 -ENOSPC);
	assert_int_equal(failed, 0);
	assert_int_equal(mod_place(map64, 0, NULL, 0, 0, 1ULL << 32, size, 1,
				   gpa, &failed), -ENOSPC);
}

/* Addresses near the top of the 64-bit space do not wrap around. */
static void test_no_overflow(void **state)
{
	static const struct mbi_region map[] = {
		{ 0xfffffffffff00000ULL, 0xff000, 1 },
	};
	static const uint64_t size[] = { 0x1000 }, huge[] = { UINT64_MAX };
	uint64_t gpa[1];
	unsigned int failed;

	assert_int_equal(mod_place(map, 1, NULL, 0, UINT64_MAX - 10, UINT64_MAX,
				   size, 1, gpa, &failed), -ENOSPC);
	assert_int_equal(mod_place(map, 1, NULL, 0, 0, UINT64_MAX, huge, 1,
				   gpa, &failed), -ENOSPC);
	assert_int_equal(mod_place(map, 1, NULL, 0, 0, UINT64_MAX, size, 1,
				   gpa, &failed), 0);
	assert_int_equal(gpa[0], 0xfffffffffff00000ULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_above_kernel_in_order),
		cmocka_unit_test(test_no_modules),
		cmocka_unit_test(test_empty_module),
		cmocka_unit_test(test_skips_busy_and_reserved),
		cmocka_unit_test(test_end_of_ram),
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_one_region_each),
		cmocka_unit_test(test_no_ram_above),
		cmocka_unit_test(test_no_overflow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
