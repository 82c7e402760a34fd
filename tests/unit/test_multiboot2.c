// SPDX-License-Identifier: GPL-2.0
/* Unit tests for Multiboot2 parsing and boot_info helpers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <setjmp.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "src/boot/boot_info.h"
#include "src/boot/multiboot2.h"

#define MAGIC	MB2_BOOTLOADER_MAGIC

/* An MBI under construction, in an 8-byte aligned buffer. */
static uint64_t buf_store[(MB2_INFO_MAX + 64) / 8];
static uint8_t *const buf = (uint8_t *)buf_store;
static uint32_t pos;
static struct boot_info bi;

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

static void mb_begin(void)
{
	memset(buf_store, 0xcc, sizeof(buf_store));
	put32(buf + 4, 0);
	pos = 8;
}

/* Append a tag of this size (payload bytes after the header left to the
 * caller) and return it. */
static uint8_t *mb_tag(uint32_t type, uint32_t size)
{
	uint8_t *t = buf + pos;

	assert_true(pos + size <= sizeof(buf_store));
	put32(t, type);
	put32(t + 4, size);
	memset(t + 8, 0, size > 8 ? size - 8 : 0);
	pos += (size + 7) & ~7u;
	return t;
}

static uint8_t *mb_string_tag(uint32_t type, const char *s)
{
	uint8_t *t = mb_tag(type, 8 + strlen(s) + 1);

	strcpy((char *)t + 8, s);
	return t;
}

static uint8_t *mb_module(uint32_t start, uint32_t end, const char *name)
{
	uint8_t *t = mb_tag(MB2_TAG_MODULE, 16 + strlen(name) + 1);

	put32(t + 8, start);
	put32(t + 12, end);
	strcpy((char *)t + 16, name);
	return t;
}

struct ent {
	uint64_t base, len;
	uint32_t type;
};

static uint8_t *mb_mmap(const struct ent *e, unsigned n, uint32_t esize)
{
	uint8_t *t = mb_tag(MB2_TAG_MMAP, 16 + n * esize);
	unsigned i;

	put32(t + 8, esize);
	put32(t + 12, 0);
	for (i = 0; i < n; i++) {
		uint8_t *p = t + 16 + i * esize;

		memset(p, 0xee, esize);	/* vendor extension bytes */
		put64(p, e[i].base);
		put64(p + 8, e[i].len);
		put32(p + 16, e[i].type);
		put32(p + 20, 0);
	}
	return t;
}

static const struct ent small_map[] = {
	{ 0, 0x9fc00, MB2_MEM_AVAILABLE },
	{ 0x100000, 0x7ee0000, MB2_MEM_AVAILABLE },
};

static void mb_default_mmap(void)
{
	mb_mmap(small_map, 2, 24);
}

/* Close with an end tag and set total_size; returns total_size. */
static uint32_t mb_end(void)
{
	mb_tag(MB2_TAG_END, 8);
	put32(buf, pos);
	return pos;
}

/*
 * Parse a copy in a heap block of exactly len bytes, so ASan reports any
 * read past the MBI. The block is 16-byte aligned, like an MBI must be.
 */
static int parse_len(uint32_t len, uint32_t magic)
{
	void *copy = malloc(len);
	int ret;

	assert_non_null(copy);
	memcpy(copy, buf, len);
	memset(&bi, 0x5a, sizeof(bi));
	ret = mb2_parse(copy, magic, &bi);
	free(copy);
	return ret;
}

static int parse(void)
{
	uint32_t total;

	memcpy(&total, buf, 4);
	return parse_len(total, MAGIC);
}

static void test_good(void **state)
{
	static const struct ent map[] = {
		{ 0, 0x9fc00, 1 },
		{ 0x9fc00, 0x400, 2 },
		{ 0xf0000, 0x10000, 2 },
		{ 0x100000, 0x7ee0000, 1 },
		{ 0x7fe0000, 0x20000, 3 },
		{ 0x8000000, 0x1000, 4 },
		{ 0x8001000, 0x1000, 5 },
		{ 0xfffc0000, 0x40000, 12 },	/* unknown: reserved */
		{ 0x100000000ULL, 0x180000000ULL, 1 },
		{ 0x300000000ULL, 0, 1 },	/* kept as the loader said */
	};
	uint8_t *acpi_old, *acpi_new, *mbi;
	uint32_t total;
	unsigned i;

	mb_begin();
	mb_string_tag(MB2_TAG_CMDLINE, "console=com1 log=debug");
	mb_string_tag(MB2_TAG_LOADER_NAME, "GRUB 2.06");
	put32(mb_tag(MB2_TAG_BASIC_MEMINFO, 16) + 8, 639);
	mb_module(0x200000, 0x200123, "hvisor.ini");
	mb_module(0x300000, 0x1300000, "linux");
	mb_module(0x1400000, 0x1400000, "");
	mb_tag(MB2_TAG_FRAMEBUFFER, 38);	/* odd size: padded */
	mb_mmap(map, 10, 24);
	acpi_old = mb_tag(MB2_TAG_ACPI_OLD, 8 + 20);
	memcpy(acpi_old + 8, "RSD PTR ", 8);
	acpi_new = mb_tag(MB2_TAG_ACPI_NEW, 8 + 36);
	memcpy(acpi_new + 8, "RSD PTR ", 8);
	mb_tag(99, 12);
	total = mb_end();

	/* Parse in place (not a copy) to check the recorded RSDP address. */
	mbi = malloc(total);
	assert_non_null(mbi);
	memcpy(mbi, buf, total);
	memset(&bi, 0, sizeof(bi));
	bi.image_start = 0x1000000;
	bi.image_end = 0x1200000;
	bi.trampoline = 0x8000;
	bi.n_mmap = 99;
	strcpy(bi.cmdline, "stale");
	assert_int_equal(mb2_parse(mbi, MAGIC, &bi), 0);

	assert_string_equal(bi.loader, "multiboot2");
	assert_string_equal(bi.cmdline, "console=com1 log=debug");

	assert_int_equal(bi.n_mods, 3);
	assert_string_equal(bi.mods[0].name, "hvisor.ini");
	assert_int_equal(bi.mods[0].base, 0x200000);
	assert_int_equal(bi.mods[0].size, 0x123);
	assert_string_equal(bi.mods[1].name, "linux");
	assert_int_equal(bi.mods[1].base, 0x300000);
	assert_int_equal(bi.mods[1].size, 0x1000000);
	assert_string_equal(bi.mods[2].name, "");
	assert_int_equal(bi.mods[2].base, 0x1400000);
	assert_int_equal(bi.mods[2].size, 0);

	assert_int_equal(bi.n_mmap, 10);
	for (i = 0; i < 10; i++) {
		assert_int_equal(bi.mmap[i].base, map[i].base);
		assert_int_equal(bi.mmap[i].len, map[i].len);
	}
	assert_int_equal(bi.mmap[0].type, BOOT_MEM_RAM);
	assert_int_equal(bi.mmap[1].type, BOOT_MEM_RESERVED);
	assert_int_equal(bi.mmap[2].type, BOOT_MEM_RESERVED);
	assert_int_equal(bi.mmap[3].type, BOOT_MEM_RAM);
	assert_int_equal(bi.mmap[4].type, BOOT_MEM_ACPI);
	assert_int_equal(bi.mmap[5].type, BOOT_MEM_NVS);
	assert_int_equal(bi.mmap[6].type, BOOT_MEM_BAD);
	assert_int_equal(bi.mmap[7].type, BOOT_MEM_RESERVED);
	assert_int_equal(bi.mmap[8].type, BOOT_MEM_RAM);
	assert_int_equal(bi.mmap[9].type, BOOT_MEM_RAM);

	/* The new RSDP wins, at its copy inside the MBI. */
	assert_int_equal(bi.rsdp, (uintptr_t)mbi + (acpi_new + 8 - buf));
	assert_int_equal(bi.rsdp_rev, 2);

	/* Fields the MBI does not describe are the caller's. */
	assert_int_equal(bi.image_start, 0x1000000);
	assert_int_equal(bi.image_end, 0x1200000);
	assert_int_equal(bi.trampoline, 0x8000);
	free(mbi);
}

static void test_acpi_choice(void **state)
{
	uint8_t *old, *new, *mbi;
	uint32_t total;

	/* Only the old one: rev 0, at its copy. */
	mb_begin();
	mb_default_mmap();
	old = mb_tag(MB2_TAG_ACPI_OLD, 28);
	total = mb_end();
	mbi = malloc(total);
	memcpy(mbi, buf, total);
	assert_int_equal(mb2_parse(mbi, MAGIC, &bi), 0);
	assert_int_equal(bi.rsdp, (uintptr_t)mbi + (old + 8 - buf));
	assert_int_equal(bi.rsdp_rev, 0);
	free(mbi);

	/* New before old: new still wins. */
	mb_begin();
	new = mb_tag(MB2_TAG_ACPI_NEW, 44);
	old = mb_tag(MB2_TAG_ACPI_OLD, 28);
	mb_default_mmap();
	total = mb_end();
	mbi = malloc(total);
	memcpy(mbi, buf, total);
	assert_int_equal(mb2_parse(mbi, MAGIC, &bi), 0);
	assert_int_equal(bi.rsdp, (uintptr_t)mbi + (new + 8 - buf));
	assert_int_equal(bi.rsdp_rev, 2);
	free(mbi);

	/* Neither. */
	mb_begin();
	mb_default_mmap();
	mb_end();
	assert_int_equal(parse(), 0);
	assert_int_equal(bi.rsdp, 0);
	assert_int_equal(bi.rsdp_rev, 0);
	assert_int_equal(bi.n_mods, 0);
	assert_string_equal(bi.cmdline, "");
	assert_int_equal(bi.n_mmap, 2);

	/* Too short to hold an RSDP. */
	mb_begin();
	mb_default_mmap();
	mb_tag(MB2_TAG_ACPI_OLD, 27);
	mb_end();
	assert_int_equal(parse(), -EINVAL);
	mb_begin();
	mb_default_mmap();
	mb_tag(MB2_TAG_ACPI_NEW, 43);
	mb_end();
	assert_int_equal(parse(), -EINVAL);
}

/* Entries larger than 24 bytes (a newer loader) are stepped correctly. */
static void test_mmap_entry_size(void **state)
{
	static const struct ent map[] = {
		{ 0x1000, 0x2000, 1 },
		{ 0x5000, 0x3000, 3 },
		{ 0x9000, 0x4000, 1 },
	};

	mb_begin();
	mb_mmap(map, 3, 40);
	mb_end();
	assert_int_equal(parse(), 0);
	assert_int_equal(bi.n_mmap, 3);
	assert_int_equal(bi.mmap[1].base, 0x5000);
	assert_int_equal(bi.mmap[1].len, 0x3000);
	assert_int_equal(bi.mmap[1].type, BOOT_MEM_ACPI);
	assert_int_equal(bi.mmap[2].base, 0x9000);

	/* An empty map is still a map. */
	mb_begin();
	mb_mmap(map, 0, 24);
	mb_end();
	assert_int_equal(parse(), 0);
	assert_int_equal(bi.n_mmap, 0);

	/* A second map tag replaces the first. */
	mb_begin();
	mb_mmap(map, 3, 24);
	mb_mmap(map + 2, 1, 24);
	mb_end();
	assert_int_equal(parse(), 0);
	assert_int_equal(bi.n_mmap, 1);
	assert_int_equal(bi.mmap[0].base, 0x9000);
}

static void test_mmap_bad(void **state)
{
	static const uint32_t bad_sizes[] = { 0, 8, 16, 20, 28, 36 };
	uint8_t *t;
	unsigned i;

	for (i = 0; i < 6; i++) {
		mb_begin();
		mb_mmap(small_map, 2, bad_sizes[i] < 24 ? 24 : bad_sizes[i]);
		put32(buf + 8 + 8, bad_sizes[i]);
		mb_end();
		assert_int_equal(parse(), -EINVAL);
	}
	/* A trailing partial entry. */
	mb_begin();
	t = mb_mmap(small_map, 2, 24);
	put32(t + 4, 16 + 2 * 24 - 8);
	mb_end();
	assert_int_equal(parse(), -EINVAL);
	/* No room for entry_size/entry_version. */
	mb_begin();
	mb_tag(MB2_TAG_MMAP, 12);
	mb_end();
	assert_int_equal(parse(), -EINVAL);
}

static void test_mmap_limit(void **state)
{
	static struct ent map[BOOT_MMAP_MAX + 1];
	unsigned i;

	for (i = 0; i <= BOOT_MMAP_MAX; i++) {
		map[i].base = (uint64_t)i << 20;
		map[i].len = 1 << 20;
		map[i].type = 1 + i % 5;
	}
	mb_begin();
	mb_mmap(map, BOOT_MMAP_MAX, 24);
	mb_end();
	assert_int_equal(parse(), 0);
	assert_int_equal(bi.n_mmap, BOOT_MMAP_MAX);
	assert_int_equal(bi.mmap[BOOT_MMAP_MAX - 1].base,
			 (uint64_t)(BOOT_MMAP_MAX - 1) << 20);

	mb_begin();
	mb_mmap(map, BOOT_MMAP_MAX + 1, 24);
	mb_end();
	assert_int_equal(parse(), -E2BIG);
}

static void test_modules(void **state)
{
	char name[40];
	unsigned i;

	mb_begin();
	mb_default_mmap();
	for (i = 0; i < BOOT_MOD_MAX; i++) {
		snprintf(name, sizeof(name), "mod%u", i);
		mb_module(i << 20, (i << 20) + i, name);
	}
	mb_end();
	assert_int_equal(parse(), 0);
	assert_int_equal(bi.n_mods, BOOT_MOD_MAX);
	assert_string_equal(bi.mods[15].name, "mod15");
	assert_int_equal(bi.mods[15].size, 15);

	/* One more is too many. */
	mb_begin();
	for (i = 0; i <= BOOT_MOD_MAX; i++)
		mb_module(i << 20, (i << 20) + i, "m");
	mb_default_mmap();
	mb_end();
	assert_int_equal(parse(), -E2BIG);

	/* End below start. */
	mb_begin();
	mb_default_mmap();
	mb_module(0x200000, 0x1fffff, "linux");
	mb_end();
	assert_int_equal(parse(), -EINVAL);

	/* No string at all, and an unterminated one. */
	mb_begin();
	mb_default_mmap();
	mb_tag(MB2_TAG_MODULE, 16);
	mb_end();
	assert_int_equal(parse(), -EINVAL);
	mb_begin();
	mb_default_mmap();
	mb_tag(MB2_TAG_MODULE, 12);
	mb_end();
	assert_int_equal(parse(), -EINVAL);
	mb_begin();
	mb_default_mmap();
	memset(mb_module(0, 0x1000, "abcdefg") + 16, 'x', 8);
	mb_end();
	assert_int_equal(parse(), -EINVAL);

	/* A name longer than the slot is cut to BOOT_NAME_MAX - 1. */
	mb_begin();
	mb_default_mmap();
	mb_module(0, 0x1000, "0123456789012345678901234567890123456789"
		  "0123456789012345678901234567890123456789");
	mb_end();
	assert_int_equal(parse(), 0);
	assert_int_equal(strlen(bi.mods[0].name), BOOT_NAME_MAX - 1);
	assert_memory_equal(bi.mods[0].name, "0123456789", 10);
}

static void test_cmdline(void **state)
{
	char longline[600];
	uint8_t *t;

	/* Unterminated within the tag (the padding is not the tag's). */
	mb_begin();
	mb_default_mmap();
	t = mb_string_tag(MB2_TAG_CMDLINE, "abc");
	put32(t + 4, 8 + 3);
	mb_end();
	assert_int_equal(parse(), -EINVAL);

	/* Empty tag: no room even for the NUL. */
	mb_begin();
	mb_default_mmap();
	mb_tag(MB2_TAG_CMDLINE, 8);
	mb_end();
	assert_int_equal(parse(), -EINVAL);

	/* Empty string. */
	mb_begin();
	mb_string_tag(MB2_TAG_CMDLINE, "");
	mb_default_mmap();
	mb_end();
	assert_int_equal(parse(), 0);
	assert_string_equal(bi.cmdline, "");

	/* NUL before the end of the tag: the string stops there. */
	mb_begin();
	mb_default_mmap();
	t = mb_tag(MB2_TAG_CMDLINE, 8 + 8);
	memcpy(t + 8, "ab\0cdefg", 8);
	mb_end();
	assert_int_equal(parse(), 0);
	assert_string_equal(bi.cmdline, "ab");

	/* Longer than boot_info holds: truncated. */
	memset(longline, 'q', sizeof(longline) - 1);
	longline[sizeof(longline) - 1] = '\0';
	mb_begin();
	mb_default_mmap();
	mb_string_tag(MB2_TAG_CMDLINE, longline);
	mb_end();
	assert_int_equal(parse(), 0);
	assert_int_equal(strlen(bi.cmdline), BOOT_CMDLINE_MAX - 1);
}

static void test_header_checks(void **state)
{
	uint32_t total;

	mb_begin();
	mb_default_mmap();
	total = mb_end();
	assert_int_equal(parse(), 0);

	assert_int_equal(parse_len(total, 0x2badb002), -EINVAL);
	assert_int_equal(parse_len(total, 0), -EINVAL);
	assert_int_equal(mb2_parse(NULL, MAGIC, &bi), -EINVAL);
	assert_int_equal(mb2_parse(buf, MAGIC, NULL), -EINVAL);

	/* Not 8-byte aligned. */
	memmove(buf + 4, buf, total);
	assert_int_equal(mb2_parse(buf + 4, MAGIC, &bi), -EINVAL);
	memmove(buf + 1, buf + 4, total);
	assert_int_equal(mb2_parse(buf + 1, MAGIC, &bi), -EINVAL);

	/* total_size too small: nothing, header only, one byte short. */
	put32(buf, 0);
	assert_int_equal(parse_len(8, MAGIC), -EINVAL);
	put32(buf, 8);
	assert_int_equal(parse_len(8, MAGIC), -EINVAL);
	put32(buf, 15);
	assert_int_equal(parse_len(16, MAGIC), -EINVAL);

	/* Header and end tag only: well formed, but no memory map. */
	put32(buf, 16);
	put32(buf + 8, 0);
	put32(buf + 12, 8);
	assert_int_equal(parse_len(16, MAGIC), -ENOENT);

	/* total_size absurdly large: refused before anything is read. */
	put32(buf, MB2_INFO_MAX + 8);
	assert_int_equal(parse_len(16, MAGIC), -EINVAL);
	put32(buf, 0xffffffff);
	assert_int_equal(parse_len(16, MAGIC), -EINVAL);

	/* Exactly the limit is allowed. */
	mb_begin();
	mb_default_mmap();
	mb_tag(1234, MB2_INFO_MAX - pos - 8);
	assert_int_equal(mb_end(), MB2_INFO_MAX);
	assert_int_equal(parse(), 0);
}

static void test_tag_checks(void **state)
{
	uint8_t *t;
	uint32_t total;

	/* A tag running past total_size. */
	mb_begin();
	mb_default_mmap();
	t = mb_tag(1234, 16);
	total = mb_end();
	put32(t + 4, total - (t - buf) + 1);
	assert_int_equal(parse(), -EINVAL);
	/* ... and one that ends exactly at total_size, eating the end tag. */
	put32(t + 4, total - (t - buf));
	assert_int_equal(parse(), -EINVAL);
	/* A huge size must not wrap around. */
	put32(t + 4, 0xfffffff8);
	assert_int_equal(parse(), -EINVAL);

	/* Tag sizes below the header. */
	mb_begin();
	mb_default_mmap();
	t = mb_tag(1234, 8);
	mb_end();
	put32(t + 4, 7);
	assert_int_equal(parse(), -EINVAL);
	put32(t + 4, 0);
	assert_int_equal(parse(), -EINVAL);

	/* No end tag: total_size stops right after the last tag. */
	mb_begin();
	mb_default_mmap();
	put32(buf, pos);
	assert_int_equal(parse(), -EINVAL);
	/* ... or has a few stray bytes, too few for a tag header. */
	put32(buf, pos + 4);
	assert_int_equal(parse_len(pos + 4, MAGIC), -EINVAL);

	/* total_size cuts the MBI short in the middle of the map tag. */
	mb_begin();
	mb_default_mmap();
	total = mb_end();
	put32(buf, 8 + 16);
	assert_int_equal(parse_len(8 + 16, MAGIC), -EINVAL);

	/* The end tag with a larger size is still the end. */
	mb_begin();
	mb_default_mmap();
	t = mb_tag(MB2_TAG_END, 16);
	put32(buf, pos);
	assert_int_equal(parse(), 0);

	/* Tags after the end tag are never looked at. */
	mb_begin();
	mb_default_mmap();
	mb_tag(MB2_TAG_END, 8);
	mb_tag(MB2_TAG_CMDLINE, 4);	/* malformed, but past the end */
	put32(buf, pos);
	assert_int_equal(parse(), 0);
	(void)total;
}

static void test_find_module(void **state)
{
	memset(&bi, 0, sizeof(bi));
	bi.n_mods = 3;
	strcpy(bi.mods[0].name, "hvisor.ini");
	strcpy(bi.mods[1].name, "linux");
	strcpy(bi.mods[2].name, "");
	bi.mods[1].base = 0x300000;

	assert_ptr_equal(boot_find_module(&bi, "linux"), &bi.mods[1]);
	assert_int_equal(boot_find_module(&bi, "linux")->base, 0x300000);
	assert_ptr_equal(boot_find_module(&bi, "hvisor.ini"), &bi.mods[0]);
	assert_ptr_equal(boot_find_module(&bi, ""), &bi.mods[2]);
	assert_null(boot_find_module(&bi, "lin"));
	assert_null(boot_find_module(&bi, "linux2"));
	assert_null(boot_find_module(&bi, "Linux"));
	assert_null(boot_find_module(&bi, NULL));
	assert_null(boot_find_module(NULL, "linux"));

	/* Beyond n_mods is not looked at. */
	strcpy(bi.mods[3].name, "ghost");
	assert_null(boot_find_module(&bi, "ghost"));

	/* A slot with no NUL never matches, however long the query. */
	memset(bi.mods[0].name, 'a', BOOT_NAME_MAX);
	{
		char q[BOOT_NAME_MAX + 2];

		memset(q, 'a', sizeof(q) - 1);
		q[sizeof(q) - 1] = '\0';
		assert_null(boot_find_module(&bi, q));
		q[BOOT_NAME_MAX] = '\0';
		assert_null(boot_find_module(&bi, q));
	}

	/* A corrupt count is clamped. */
	bi.n_mods = 1000;
	strcpy(bi.mods[BOOT_MOD_MAX - 1].name, "last");
	assert_ptr_equal(boot_find_module(&bi, "last"),
			 &bi.mods[BOOT_MOD_MAX - 1]);
}

/* Parse, then find by name: the path hv_main takes. */
static void test_parse_then_find(void **state)
{
	mb_begin();
	mb_default_mmap();
	mb_module(0x400000, 0x401000, "hvisor.ini");
	mb_module(0x800000, 0x900000, "asterinas");
	mb_end();
	assert_int_equal(parse(), 0);
	assert_non_null(boot_find_module(&bi, "asterinas"));
	assert_int_equal(boot_find_module(&bi, "asterinas")->size, 0x100000);
	assert_null(boot_find_module(&bi, "linux"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_acpi_choice),
		cmocka_unit_test(test_mmap_entry_size),
		cmocka_unit_test(test_mmap_bad),
		cmocka_unit_test(test_mmap_limit),
		cmocka_unit_test(test_modules),
		cmocka_unit_test(test_cmdline),
		cmocka_unit_test(test_header_checks),
		cmocka_unit_test(test_tag_checks),
		cmocka_unit_test(test_find_module),
		cmocka_unit_test(test_parse_then_find),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
