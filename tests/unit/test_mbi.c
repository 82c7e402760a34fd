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
#include "src/boot/boot_info.h"

static uint64_t buf[512];

static const struct mbi_region map[] = {
	{ 0, 0x9fc00, 1 },
	{ 0x9fc00, 0x60400, 2 },
	{ 0x100000, 0xf00000, 1 },
};

/* Just a command line and the map above. */
static int build(size_t cap, const char *cmdline, const void *rsdp)
{
	const struct mbi_args a = {
		.cmdline = cmdline, .map = map, .n_map = 3, .rsdp = rsdp,
	};

	return mbi_build(buf, cap, &a);
}

static void test_round_trip(void **state)
{
	static const struct mbi_module mods[] = {
		{ 0x200000, 0x280000, "initrd" },
		{ 0x280000, 0x281000, "extra arg" },
	};
	const struct mbi_args a = {
		.cmdline = "console=ttyS0 quiet", .loader_name = "hvisor",
		.mods = mods, .n_mods = 2, .map = map, .n_map = 3,
	};
	struct boot_info bi;
	int n = mbi_build(buf, sizeof(buf), &a);

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
	assert_int_equal(bi.n_mods, 2);
	assert_string_equal(bi.mods[0].name, "initrd");
	assert_int_equal(bi.mods[0].base, 0x200000);
	assert_int_equal(bi.mods[0].size, 0x80000);
	assert_string_equal(bi.mods[1].name, "extra arg");
	assert_int_equal(bi.mods[1].base, 0x280000);
	assert_int_equal(bi.mods[1].size, 0x1000);
}

static void test_basic_meminfo(void **state)
{
	const uint8_t *p = (const uint8_t *)buf + 8;
	int n = build(sizeof(buf), "", NULL);
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

/* The RSDP reaches the guest in tags 14 and 15, and the parser prefers 15. */
static void test_rsdp_tags(void **state)
{
	uint8_t rsdp[36];
	struct boot_info bi;
	int n;

	memset(rsdp, 0x5a, sizeof(rsdp));
	memcpy(rsdp, "RSD PTR ", 8);
	rsdp[15] = 2;
	n = build(sizeof(buf), "", rsdp);
	assert_true(n > 0);
	memset(&bi, 0, sizeof(bi));
	assert_int_equal(mb2_parse(buf, MB2_BOOTLOADER_MAGIC, &bi), 0);
	assert_int_equal(bi.rsdp_rev, 2);
	assert_memory_equal((const void *)(uintptr_t)bi.rsdp, rsdp, 36);

	rsdp[15] = 0;		/* ACPI 1.0: tag 14 only */
	n = build(sizeof(buf), "", rsdp);
	assert_true(n > 0);
	memset(&bi, 0, sizeof(bi));
	assert_int_equal(mb2_parse(buf, MB2_BOOTLOADER_MAGIC, &bi), 0);
	assert_int_equal(bi.rsdp_rev, 0);
	assert_memory_equal((const void *)(uintptr_t)bi.rsdp, rsdp, 20);
}

/* Every kind of tag at once: the fixture of the tests below. */
static const struct mbi_module full_mods[] = {
	{ 0x200000, 0x280000, "initrd" },
	{ 0x280000, 0x281000, "data.bin" },
};

static const uint8_t full_rsdp[36] = {
	'R', 'S', 'D', ' ', 'P', 'T', 'R', ' ',
	0x11,					/* checksum */
	'H', 'V', 'I', 'S', 'O', 'R',		/* OEM ID */
	2,					/* revision */
	0x00, 0x10, 0x0e, 0x00,			/* RSDT 0xe1000 */
	36, 0, 0, 0,				/* length */
	0x00, 0x20, 0x0e, 0x00, 0, 0, 0, 0,	/* XSDT 0xe2000 */
	0x22,					/* extended checksum */
	0, 0, 0,				/* reserved */
};

static const struct mbi_args full = {
	.cmdline = "console=ttyS0",
	.loader_name = "hvisor 0.1",
	.mods = full_mods, .n_mods = 2,
	.map = map, .n_map = 3,
	.rsdp = full_rsdp,
};

/* Little-endian fields, as the MBI holds them. */
#define U32(v)	(v) & 0xff, ((v) >> 8) & 0xff, ((v) >> 16) & 0xff, \
		((v) >> 24) & 0xff
#define U64(v)	U32((v) & 0xffffffffu), U32((uint64_t)(v) >> 32)

static const uint8_t full_expected[] = {
	/* Fixed part: total_size, reserved. */
	U32(304), U32(0),

	/* @8: 1 command line, 8 + 14 = 22 bytes, 2 of padding. */
	U32(1), U32(22),
	'c', 'o', 'n', 's', 'o', 'l', 'e', '=', 't', 't', 'y', 'S', '0', 0,
	0, 0,

	/* @32: 2 boot loader name, 8 + 11 = 19 bytes, 5 of padding. */
	U32(2), U32(19),
	'h', 'v', 'i', 's', 'o', 'r', ' ', '0', '.', '1', 0,
	0, 0, 0, 0, 0,

	/* @56: 3 module, 16 + 7 = 23 bytes, 1 of padding. */
	U32(3), U32(23), U32(0x200000), U32(0x280000),
	'i', 'n', 'i', 't', 'r', 'd', 0,
	0,

	/* @80: 3 module, 16 + 9 = 25 bytes, 7 of padding. */
	U32(3), U32(25), U32(0x280000), U32(0x281000),
	'd', 'a', 't', 'a', '.', 'b', 'i', 'n', 0,
	0, 0, 0, 0, 0, 0, 0,

	/* @112: 6 memory map, 16 + 3 * 24 = 88 bytes, no padding. */
	U32(6), U32(88), U32(24), U32(0),	/* entry_size, entry_version */
	U64(0), U64(0x9fc00), U32(1), U32(0),
	U64(0x9fc00), U64(0x60400), U32(2), U32(0),
	U64(0x100000), U64(0xf00000), U32(1), U32(0),

	/* @200: 4 basic meminfo, 16 bytes: 639 KiB lower, 15 MiB upper. */
	U32(4), U32(16), U32(639), U32(15360),

	/* @216: 14 old RSDP, 8 + 20 = 28 bytes, 4 of padding. */
	U32(14), U32(28),
	'R', 'S', 'D', ' ', 'P', 'T', 'R', ' ', 0x11,
	'H', 'V', 'I', 'S', 'O', 'R', 2, 0x00, 0x10, 0x0e, 0x00,
	0, 0, 0, 0,

	/* @248: 15 new RSDP, 8 + 36 = 44 bytes, 4 of padding. */
	U32(15), U32(44),
	'R', 'S', 'D', ' ', 'P', 'T', 'R', ' ', 0x11,
	'H', 'V', 'I', 'S', 'O', 'R', 2, 0x00, 0x10, 0x0e, 0x00,
	36, 0, 0, 0, 0x00, 0x20, 0x0e, 0x00, 0, 0, 0, 0, 0x22, 0, 0, 0,
	0, 0, 0, 0,

	/* @296: 0 end, 8 bytes. */
	U32(0), U32(8),
};

static void test_byte_exact(void **state)
{
	int n;

	assert_int_equal(sizeof(full_expected), 304);
	memset(buf, 0xa5, sizeof(buf));		/* padding must be zeroed */
	n = mbi_build(buf, sizeof(buf), &full);
	assert_int_equal(n, sizeof(full_expected));
	assert_memory_equal(buf, full_expected, sizeof(full_expected));
}

/* GRUB's order (grub-core/loader/multiboot_mbi2.c), less what we lack. */
static void test_tag_order(void **state)
{
	static const uint32_t want[] = { 1, 2, 3, 3, 6, 4, 14, 15, 0 };
	const uint8_t *p = (const uint8_t *)buf + 8;
	unsigned int i = 0;
	int n = mbi_build(buf, sizeof(buf), &full);

	assert_true(n > 0);
	while (p < (const uint8_t *)buf + n) {
		uint32_t type, size;

		assert_int_equal(((uintptr_t)p) & 7, 0);
		memcpy(&type, p, 4);
		memcpy(&size, p + 4, 4);
		assert_true(i < sizeof(want) / sizeof(want[0]));
		assert_int_equal(type, want[i++]);
		p += (size + 7) & ~7u;
	}
	assert_ptr_equal(p, (const uint8_t *)buf + n);
	assert_int_equal(i, sizeof(want) / sizeof(want[0]));
}

/* No loader name and no modules: no tags 2 and 3, nothing else moves. */
static void test_optional_tags_left_out(void **state)
{
	struct mbi_args a = full;
	const uint8_t *p = (const uint8_t *)buf + 8;
	uint32_t type;
	int n;

	a.loader_name = NULL;
	a.n_mods = 0;
	n = mbi_build(buf, sizeof(buf), &a);
	assert_int_equal(n, 304 - 24 - 24 - 32);
	memcpy(&type, p, 4);
	assert_int_equal(type, 1);
	memcpy(&type, p + 24, 4);
	assert_int_equal(type, 6);
}

static void test_too_small(void **state)
{
	int full_len = mbi_build(buf, sizeof(buf), &full);

	assert_int_equal(full_len, 304);
	for (size_t cap = 0; cap < (size_t)full_len; cap++)
		assert_int_equal(mbi_build(buf, cap, &full), -ENOSPC);
	assert_int_equal(mbi_build(buf, full_len, &full), full_len);
	assert_int_equal(build(0, "abc", NULL), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_basic_meminfo),
		cmocka_unit_test(test_rsdp_tags),
		cmocka_unit_test(test_byte_exact),
		cmocka_unit_test(test_tag_order),
		cmocka_unit_test(test_optional_tags_left_out),
		cmocka_unit_test(test_too_small),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
