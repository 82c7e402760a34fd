// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the guest MBI builder (guests/mbi.c). What it builds is
 * read back with the hypervisor's own Multiboot2 parser, so both sides of
 * the contract are checked against each other.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "guests/mbi.h"
#include "src/boot/multiboot2.h"
#include "src/boot_info.h"

static uint64_t buf[512];

static const struct mbi_region map[] = {
	{ 0, 0x9fc00, 1 },
	{ 0x9fc00, 0x60400, 2 },
	{ 0x100000, 0xf00000, 1 },
};

static void test_round_trip(void **state)
{
	struct boot_info bi;
	int n = mbi_build(buf, sizeof(buf), "console=ttyS0 quiet", map, 3, NULL);

	assert_true(n > 0);
	assert_int_equal(n % 8, 0);
	assert_int_equal(*(uint32_t *)buf, (uint32_t)n);
	memset(&bi, 0, sizeof(bi));
	assert_int_equal(mb2_parse(buf, MB2_BOOTLOADER_MAGIC, &bi), 0);
	assert_string_equal(bi.cmdline, "console=ttyS0 quiet");
	assert_int_equal(bi.n_mmap, 3);
	assert_int_equal(bi.mmap[0].base, 0);
	assert_int_equal(bi.mmap[0].len, 0x9fc00);
	assert_int_equal(bi.mmap[0].type, BOOT_MEM_RAM);
	assert_int_equal(bi.mmap[1].type, BOOT_MEM_RESERVED);
	assert_int_equal(bi.mmap[2].base, 0x100000);
	assert_int_equal(bi.mmap[2].len, 0xf00000);
	assert_int_equal(bi.n_mods, 0);
}

static void test_basic_meminfo(void **state)
{
	const uint8_t *p = (const uint8_t *)buf + 8;
	int n = mbi_build(buf, sizeof(buf), "", map, 3, NULL);
	bool found = false;

	assert_true(n > 0);
	while (p < (const uint8_t *)buf + n) {
		uint32_t type, size;

		memcpy(&type, p, 4);
		memcpy(&size, p + 4, 4);
		if (type == MB2_TAG_BASIC_MEMINFO) {
			uint32_t lower, upper;

			memcpy(&lower, p + 8, 4);
			memcpy(&upper, p + 12, 4);
			assert_int_equal(lower, 0x9fc00 / 1024);
			assert_int_equal(upper, 0xf00000 / 1024);
			found = true;
		}
		if (type == MB2_TAG_END)
			break;
		p += (size + 7) & ~7u;
	}
	assert_true(found);
}

static void test_too_small(void **state)
{
	int full = mbi_build(buf, sizeof(buf), "abc", map, 3, NULL);

	assert_true(full > 0);
	for (size_t cap = 0; cap < (size_t)full; cap += 8)
		assert_int_equal(mbi_build(buf, cap, "abc", map, 3, NULL), -ENOSPC);
	assert_int_equal(mbi_build(buf, full, "abc", map, 3, NULL), full);
}

/* The RSDP reaches the guest in tags 14 and 15, and the parser prefers 15. */
static void test_rsdp_tags(void **state)
{
	uint8_t rsdp[36];
	struct boot_info bi;
	int n;

	memset(rsdp, 0x5a, sizeof(rsdp));
	memcpy(rsdp, "RSD PTR ", 8);
	rsdp[15] = 2;
	n = mbi_build(buf, sizeof(buf), "", map, 3, rsdp);
	assert_true(n > 0);
	memset(&bi, 0, sizeof(bi));
	assert_int_equal(mb2_parse(buf, MB2_BOOTLOADER_MAGIC, &bi), 0);
	assert_int_equal(bi.rsdp_rev, 2);
	assert_memory_equal((const void *)(uintptr_t)bi.rsdp, rsdp, 36);

	rsdp[15] = 0;		/* ACPI 1.0: tag 14 only */
	n = mbi_build(buf, sizeof(buf), "", map, 3, rsdp);
	assert_true(n > 0);
	memset(&bi, 0, sizeof(bi));
	assert_int_equal(mb2_parse(buf, MB2_BOOTLOADER_MAGIC, &bi), 0);
	assert_int_equal(bi.rsdp_rev, 0);
	assert_memory_equal((const void *)(uintptr_t)bi.rsdp, rsdp, 20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_basic_meminfo),
		cmocka_unit_test(test_too_small),
		cmocka_unit_test(test_rsdp_tags),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
