// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the Multiboot2 header parser and the address-tag loader
 * (guests/mb2hdr.c). Headers are put together in a file image by the
 * small writer below, except Asterinas's, which is spelt out byte by byte.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <setjmp.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "guests/mb2hdr.h"

#define BIT(n)	(1ULL << (n))
/* What guest.c gives: cmdline, loader name, modules, mmap, meminfo, ACPI. */
#define PROVIDED (BIT(1) | BIT(2) | BIT(3) | BIT(4) | BIT(6) | BIT(14) | BIT(15))

static uint8_t img[40960];
static size_t hdr_at, cur;	/* header being written, next tag */

static void wr32(size_t at, uint32_t v)
{
	memcpy(img + at, &v, 4);
}

static void wr16(size_t at, uint16_t v)
{
	memcpy(img + at, &v, 2);
}

static void hdr_begin(size_t off)
{
	hdr_at = off;
	wr32(off, MB2_HDR_MAGIC);
	wr32(off + 4, 0);
	cur = off + 16;
}

/* A tag of 8 + 4 * @n bytes; the next one starts 8-aligned. */
static void put_tag(uint16_t type, uint16_t flags, const uint32_t *body,
		    unsigned int n)
{
	wr16(cur, type);
	wr16(cur + 2, flags);
	wr32(cur + 4, 8 + 4 * n);
	for (unsigned int i = 0; i < n; i++)
		wr32(cur + 8 + 4 * i, body[i]);
	cur = (cur + 8 + 4 * n + 7) & ~(size_t)7;
}

/* End tag, header_length and checksum; returns header_length. */
static uint32_t hdr_end(void)
{
	uint32_t len;

	put_tag(MB2_HTAG_END, 0, NULL, 0);
	len = cur - hdr_at;
	wr32(hdr_at + 8, len);
	wr32(hdr_at + 12, -(MB2_HDR_MAGIC + 0 + len));
	return len;
}

static int setup(void **state)
{
	memset(img, 0x90, sizeof(img));
	return 0;
}

static int parse(size_t len, uint64_t provided, struct mb2_header *h,
		 const char **why, uint32_t *bad)
{
	return mb2_header_parse(img, len, provided, h, why, bad);
}

/* ---- finding the header ------------------------------------------------ */

static void test_minimal_at_zero(void **state)
{
	struct mb2_header h;
	const char *why = "x";
	uint32_t bad = 99;

	hdr_begin(0);
	assert_int_equal(hdr_end(), 24);
	assert_int_equal(parse(sizeof(img), PROVIDED, &h, &why, &bad), 0);
	assert_null(why);
	assert_int_equal(bad, 0);
	assert_int_equal(h.offset, 0);
	assert_false(h.has_addr);
	assert_false(h.has_entry);
	assert_false(h.has_reloc);
	assert_int_equal(h.requested, 0);
}

static void test_at_later_offset(void **state)
{
	struct mb2_header h;

	hdr_begin(0x1238);		/* 8-aligned, not 16 */
	hdr_end();
	assert_int_equal(parse(sizeof(img), PROVIDED, &h, NULL, NULL), 0);
	assert_int_equal(h.offset, 0x1238);
}

/* The header's 24 bytes may end right at 32 KiB. */
static void test_last_slot_in_32k(void **state)
{
	struct mb2_header h;

	hdr_begin(32768 - 24);
	hdr_end();
	assert_int_equal(parse(sizeof(img), PROVIDED, &h, NULL, NULL), 0);
	assert_int_equal(h.offset, 32768 - 24);
	/* And at the very end of a file that is no longer. */
	assert_int_equal(parse(32768, PROVIDED, &h, NULL, NULL), 0);
}

static void test_bad_checksum(void **state)
{
	struct mb2_header h;
	const char *why = NULL;

	hdr_begin(64);
	hdr_end();
	wr32(64 + 12, 0x12345678);
	assert_int_equal(parse(sizeof(img), PROVIDED, &h, &why, NULL), -EINVAL);
	assert_non_null(why);
}

/* A stray magic constant before the real header is passed over. */
static void test_stray_magic_skipped(void **state)
{
	struct mb2_header h;

	wr32(16, MB2_HDR_MAGIC);
	hdr_begin(256);
	hdr_end();
	assert_int_equal(parse(sizeof(img), PROVIDED, &h, NULL, NULL), 0);
	assert_int_equal(h.offset, 256);
}

static void test_unaligned_not_found(void **state)
{
	struct mb2_header h;

	hdr_begin(4);
	hdr_end();
	assert_int_equal(parse(sizeof(img), PROVIDED, &h, NULL, NULL), -ENOENT);
	setup(NULL);
	hdr_begin(0x2004);
	hdr_end();
	assert_int_equal(parse(sizeof(img), PROVIDED, &h, NULL, NULL), -ENOENT);
}

static void test_beyond_32k_not_found(void **state)
{
	struct mb2_header h;
	const char *why = NULL;

	hdr_begin(32768);
	hdr_end();
	assert_int_equal(parse(sizeof(img), PROVIDED, &h, &why, NULL), -ENOENT);
	assert_non_null(why);
}

/* Found in the first 32 KiB, but its tags run past them. */
static void test_header_crosses_32k(void **state)
{
	static const uint32_t entry[] = { 0x100000 };
	struct mb2_header h;

	hdr_begin(32768 - 24);
	put_tag(MB2_HTAG_ENTRY, 0, entry, 1);
	hdr_end();
	assert_int_equal(parse(sizeof(img), PROVIDED, &h, NULL, NULL), -EINVAL);
}

static void test_short_file(void **state)
{
	struct mb2_header h;

	hdr_begin(0);
	hdr_end();
	assert_int_equal(parse(0, PROVIDED, &h, NULL, NULL), -ENOENT);
	assert_int_equal(parse(15, PROVIDED, &h, NULL, NULL), -ENOENT);
	/* The fixed part fits, the end tag does not. */
	assert_int_equal(parse(16, PROVIDED, &h, NULL, NULL), -EINVAL);
	assert_int_equal(parse(23, PROVIDED, &h, NULL, NULL), -EINVAL);
	assert_int_equal(parse(24, PROVIDED, &h, NULL, NULL), 0);
}

static void test_other_architecture(void **state)
{
	struct mb2_header h;

	hdr_begin(0);
	wr32(4, 4);			/* MIPS */
	put_tag(MB2_HTAG_END, 0, NULL, 0);
	wr32(8, 24);
	wr32(12, -(MB2_HDR_MAGIC + 4 + 24));
	assert_int_equal(parse(sizeof(img), PROVIDED, &h, NULL, NULL), -ENOTSUP);
}

/* ---- information requests and unknown tags -------------------------------- */

static void test_required_request_unprovided(void **state)
{
	static const uint32_t req[] = { 1, 8, 6 };	/* 8: framebuffer */
	struct mb2_header h;
	const char *why = NULL;
	uint32_t bad = 0;

	hdr_begin(0);
	put_tag(MB2_HTAG_INFO_REQ, 0, req, 3);
	hdr_end();
	assert_int_equal(parse(sizeof(img), PROVIDED, &h, &why, &bad), -ENOTSUP);
	assert_int_equal(bad, 8);
	assert_non_null(why);
}

static void test_required_request_out_of_mask(void **state)
{
	static const uint32_t req[] = { 200 };
	struct mb2_header h;
	uint32_t bad = 0;

	hdr_begin(0);
	put_tag(MB2_HTAG_INFO_REQ, 0, req, 1);
	hdr_end();
	assert_int_equal(parse(sizeof(img), ~0ULL, &h, NULL, &bad), -ENOTSUP);
	assert_int_equal(bad, 200);
}

static void test_optional_request_unprovided(void **state)
{
	static const uint32_t req[] = { 1, 8, 6, 200 };
	struct mb2_header h;

	hdr_begin(0);
	put_tag(MB2_HTAG_INFO_REQ, MB2_HTAG_OPTIONAL, req, 4);
	hdr_end();
	assert_int_equal(parse(sizeof(img), PROVIDED, &h, NULL, NULL), 0);
	assert_int_equal(h.requested, BIT(1) | BIT(8) | BIT(6));
}

/* Asking for the end tag is odd but harmless: GRUB lets it through. */
static void test_request_for_end_tag(void **state)
{
	static const uint32_t req[] = { 0 };
	struct mb2_header h;

	hdr_begin(0);
	put_tag(MB2_HTAG_INFO_REQ, 0, req, 1);
	hdr_end();
	assert_int_equal(parse(sizeof(img), 0, &h, NULL, NULL), 0);
}

static void test_unknown_required_tag(void **state)
{
	static const uint32_t body[] = { 1, 2 };
	struct mb2_header h;
	const char *why = NULL;
	uint32_t bad = 0;

	hdr_begin(0);
	put_tag(42, 0, body, 2);
	hdr_end();
	assert_int_equal(parse(sizeof(img), PROVIDED, &h, &why, &bad), -ENOTSUP);
	assert_int_equal(bad, 42);
	assert_non_null(why);
}

static void test_unknown_optional_tag(void **state)
{
	static const uint32_t body[] = { 1, 2, 3 };
	static const uint32_t entry[] = { 0x100040 };
	struct mb2_header h;

	hdr_begin(0);
	put_tag(42, MB2_HTAG_OPTIONAL, body, 3);
	put_tag(MB2_HTAG_ENTRY, 0, entry, 1);	/* still read after it */
	hdr_end();
	assert_int_equal(parse(sizeof(img), PROVIDED, &h, NULL, NULL), 0);
	assert_true(h.has_entry);
	assert_int_equal(h.entry, 0x100040);
}

/*
 * ostd/src/arch/x86/boot/multiboot2/header.S of Asterinas: an optional
 * entry address tag, then a required request for tags 6 and 15.
 */
static const uint8_t asterinas_hdr[56] = {
	0xd6, 0x50, 0x52, 0xe8,		/* magic */
	0x00, 0x00, 0x00, 0x00,		/* architecture: i386 */
	0x38, 0x00, 0x00, 0x00,		/* header_length: 56 */
	0xf2, 0xae, 0xad, 0x17,		/* checksum: -(magic + 56) */
	/* @16: entry address, optional, 12 bytes + 4 of padding. */
	0x03, 0x00, 0x01, 0x00, 0x0c, 0x00, 0x00, 0x00,
	0x00, 0x10, 0x00, 0x08,		/* entry_addr 0x8001000 */
	0x00, 0x00, 0x00, 0x00,
	/* @32: information request, required, 16 bytes: 6, 15. */
	0x01, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00,
	0x06, 0x00, 0x00, 0x00, 0x0f, 0x00, 0x00, 0x00,
	/* @48: end. */
	0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00,
};

static void test_asterinas_header(void **state)
{
	struct mb2_header h;

	memcpy(img + 0x1000, asterinas_hdr, sizeof(asterinas_hdr));
	assert_int_equal(parse(sizeof(img), PROVIDED, &h, NULL, NULL), 0);
	assert_int_equal(h.offset, 0x1000);
	assert_true(h.has_entry);
	assert_int_equal(h.entry, 0x8001000);
	assert_false(h.has_addr);
	assert_int_equal(h.requested, BIT(6) | BIT(15));
}

/* A v1 RSDP only: no tag 15, which Asterinas insists on. */
static void test_asterinas_without_acpi_new(void **state)
{
	struct mb2_header h;
	uint32_t bad = 0;

	memcpy(img + 0x1000, asterinas_hdr, sizeof(asterinas_hdr));
	assert_int_equal(parse(sizeof(img), PROVIDED & ~BIT(15), &h, NULL, &bad),
			 -ENOTSUP);
	assert_int_equal(bad, 15);
}

/* ---- the other tags ------------------------------------------------------- */

static void test_other_tags(void **state)
{
	static const uint32_t entry[] = { 0x200010 };
	static const uint32_t console[] = { 3 };
	static const uint32_t fb[] = { 1024, 768, 32 };
	static const uint32_t efi_entry[] = { 0x200020 };
	static const uint32_t reloc[] = { 0x200000, 0x10000000, 0x200000, 1 };
	struct mb2_header h;

	hdr_begin(0);
	put_tag(MB2_HTAG_ENTRY, 0, entry, 1);
	put_tag(MB2_HTAG_CONSOLE, 0, console, 1);
	put_tag(MB2_HTAG_FRAMEBUFFER, 0, fb, 3);
	put_tag(MB2_HTAG_MODULE_ALIGN, 0, NULL, 0);
	put_tag(MB2_HTAG_EFI_BS, 0, NULL, 0);
	put_tag(MB2_HTAG_ENTRY_EFI32, 0, efi_entry, 1);
	put_tag(MB2_HTAG_ENTRY_EFI64, 0, efi_entry, 1);
	put_tag(MB2_HTAG_RELOCATABLE, 0, reloc, 4);
	hdr_end();
	assert_int_equal(parse(sizeof(img), PROVIDED, &h, NULL, NULL), 0);
	assert_int_equal(h.entry, 0x200010);	/* not the EFI one */
	assert_int_equal(h.console_flags, 3);
	assert_true(h.wants_fb);
	assert_true(h.modules_aligned);
	assert_true(h.has_reloc);
	assert_int_equal(h.reloc_min, 0x200000);
	assert_int_equal(h.reloc_max, 0x10000000);
	assert_int_equal(h.reloc_align, 0x200000);
	assert_int_equal(h.reloc_pref, MB2_RELOC_PREF_LOW);
}

/* ---- malformed tags ------------------------------------------------------ */

static void test_tag_past_header_length(void **state)
{
	static const uint32_t entry[] = { 0x100000 };
	struct mb2_header h;
	const char *why = NULL;

	hdr_begin(0);
	put_tag(MB2_HTAG_ENTRY, 0, entry, 1);
	hdr_end();
	wr32(16 + 4, 64);		/* entry tag now claims 64 of 40 bytes */
	assert_int_equal(parse(sizeof(img), PROVIDED, &h, &why, NULL), -EINVAL);
	assert_non_null(why);
}

static void test_tag_smaller_than_its_header(void **state)
{
	struct mb2_header h;

	hdr_begin(0);
	put_tag(MB2_HTAG_MODULE_ALIGN, 0, NULL, 0);
	hdr_end();
	wr32(16 + 4, 4);
	assert_int_equal(parse(sizeof(img), PROVIDED, &h, NULL, NULL), -EINVAL);
	wr32(16 + 4, 0);		/* would loop forever unchecked */
	assert_int_equal(parse(sizeof(img), PROVIDED, &h, NULL, NULL), -EINVAL);
}

static void test_tag_too_short_for_fields(void **state)
{
	static const uint32_t addr[] = { 0x100000, 0x100000 };
	struct mb2_header h;
	uint32_t bad = 0;

	hdr_begin(0);
	put_tag(MB2_HTAG_ADDRESS, 0, addr, 2);	/* needs 4 words */
	hdr_end();
	assert_int_equal(parse(sizeof(img), PROVIDED, &h, NULL, &bad), -EINVAL);
	assert_int_equal(bad, MB2_HTAG_ADDRESS);
}

static void test_no_end_tag(void **state)
{
	static const uint32_t entry[] = { 0x100000 };
	struct mb2_header h;

	hdr_begin(0);
	put_tag(MB2_HTAG_ENTRY, 0, entry, 1);
	hdr_end();
	wr16(32, MB2_HTAG_MODULE_ALIGN);	/* the end tag becomes another */
	assert_int_equal(parse(sizeof(img), PROVIDED, &h, NULL, NULL), -EINVAL);
}

static void test_header_length_past_file(void **state)
{
	struct mb2_header h;

	hdr_begin(0);
	hdr_end();
	wr32(8, 4096);
	wr32(12, -(MB2_HDR_MAGIC + 4096));
	assert_int_equal(parse(100, PROVIDED, &h, NULL, NULL), -EINVAL);
}

/* ---- loading by the address tag ------------------------------------------ */

#define RAM_SIZE	(4u << 20)
#define LOAD		0x100000u

/*
 * An a.out-kludge image: the file is its text and data from LOAD, with
 * the header 0x40 bytes in; 0x180 bytes are loaded, BSS runs to 0x300.
 */
static size_t aout_image(uint32_t load_addr, uint32_t load_end, uint32_t bss_end)
{
	const uint32_t addr[] = { LOAD + 0x40, load_addr, load_end, bss_end };
	const uint32_t entry[] = { LOAD + 0x100 };

	for (size_t i = 0; i < 0x200; i++)
		img[i] = (uint8_t)(i * 7 + 1);
	hdr_begin(0x40);
	put_tag(MB2_HTAG_ADDRESS, 0, addr, 4);
	put_tag(MB2_HTAG_ENTRY, 0, entry, 1);
	hdr_end();
	return 0x200;
}

static void test_load_by_address(void **state)
{
	uint8_t *ram = malloc(RAM_SIZE);
	uint64_t lo = 0, hi = 0;
	struct mb2_header h;
	size_t len = aout_image(LOAD, LOAD + 0x180, LOAD + 0x300);

	assert_non_null(ram);
	assert_int_equal(parse(len, PROVIDED, &h, NULL, NULL), 0);
	assert_true(h.has_addr);
	assert_int_equal(h.offset, 0x40);
	assert_int_equal(h.header_addr, LOAD + 0x40);
	assert_int_equal(h.load_addr, LOAD);
	assert_int_equal(h.load_end_addr, LOAD + 0x180);
	assert_int_equal(h.bss_end_addr, LOAD + 0x300);
	assert_int_equal(h.entry, LOAD + 0x100);

	memset(ram, 0xcc, RAM_SIZE);
	assert_int_equal(mb2_load_by_address(img, len, &h, ram, RAM_SIZE,
					     &lo, &hi), 0);
	assert_int_equal(lo, LOAD);
	assert_int_equal(hi, LOAD + 0x300);
	assert_memory_equal(ram + LOAD, img, 0x180);
	for (size_t i = 0x180; i < 0x300; i++)
		assert_int_equal(ram[LOAD + i], 0);
	assert_int_equal(ram[LOAD - 1], 0xcc);
	assert_int_equal(ram[LOAD + 0x300], 0xcc);
	free(ram);
}

/* load_addr -1: from the start of the file; load_end 0: all of it. */
static void test_load_whole_file(void **state)
{
	uint8_t *ram = malloc(RAM_SIZE);
	uint64_t lo = 0, hi = 0;
	struct mb2_header h;
	size_t len = aout_image(0xffffffff, 0, 0);

	assert_non_null(ram);
	assert_int_equal(parse(len, PROVIDED, &h, NULL, NULL), 0);
	memset(ram, 0xcc, RAM_SIZE);
	assert_int_equal(mb2_load_by_address(img, len, &h, ram, RAM_SIZE,
					     &lo, &hi), 0);
	assert_int_equal(lo, LOAD);
	assert_int_equal(hi, LOAD + len);
	assert_memory_equal(ram + LOAD, img, len);
	assert_int_equal(ram[LOAD + len], 0xcc);
	free(ram);
}

/* load_addr after the start of the file: what precedes it is skipped. */
static void test_load_skips_file_prefix(void **state)
{
	uint8_t *ram = malloc(RAM_SIZE);
	uint64_t lo = 0, hi = 0;
	struct mb2_header h;
	size_t len = aout_image(LOAD + 0x20, LOAD + 0x180, 0);

	assert_non_null(ram);
	assert_int_equal(parse(len, PROVIDED, &h, NULL, NULL), 0);
	assert_int_equal(mb2_load_by_address(img, len, &h, ram, RAM_SIZE,
					     &lo, &hi), 0);
	assert_int_equal(lo, LOAD + 0x20);
	assert_int_equal(hi, LOAD + 0x180);
	assert_memory_equal(ram + LOAD + 0x20, img + 0x20, 0x160);
	free(ram);
}

static void test_load_bad_addresses(void **state)
{
	uint8_t *ram = malloc(RAM_SIZE);
	uint64_t lo, hi;
	struct mb2_header h;
	size_t len;

	assert_non_null(ram);
	/* load_addr after header_addr. */
	len = aout_image(LOAD + 0x80, 0, 0);
	assert_int_equal(parse(len, PROVIDED, &h, NULL, NULL), 0);
	assert_int_equal(mb2_load_by_address(img, len, &h, ram, RAM_SIZE,
					     &lo, &hi), -ENOEXEC);
	/* load_addr before the start of the file. */
	len = aout_image(LOAD - 0x10, 0, 0);
	assert_int_equal(parse(len, PROVIDED, &h, NULL, NULL), 0);
	assert_int_equal(mb2_load_by_address(img, len, &h, ram, RAM_SIZE,
					     &lo, &hi), -ENOEXEC);
	/* load_end_addr past the end of the file. */
	len = aout_image(LOAD, LOAD + 0x201, 0);
	assert_int_equal(parse(len, PROVIDED, &h, NULL, NULL), 0);
	assert_int_equal(mb2_load_by_address(img, len, &h, ram, RAM_SIZE,
					     &lo, &hi), -ENOEXEC);
	/* bss_end_addr inside the loaded part. */
	len = aout_image(LOAD, LOAD + 0x180, LOAD + 0x100);
	assert_int_equal(parse(len, PROVIDED, &h, NULL, NULL), 0);
	assert_int_equal(mb2_load_by_address(img, len, &h, ram, RAM_SIZE,
					     &lo, &hi), -ENOEXEC);
	/* Entry outside what is loaded. */
	len = aout_image(LOAD, LOAD + 0x180, 0);
	assert_int_equal(parse(len, PROVIDED, &h, NULL, NULL), 0);
	h.entry = LOAD + 0x180;
	assert_int_equal(mb2_load_by_address(img, len, &h, ram, RAM_SIZE,
					     &lo, &hi), -ENOEXEC);
	/* Past the end of RAM. */
	len = aout_image(LOAD, LOAD + 0x180, LOAD + 0x300);
	assert_int_equal(parse(len, PROVIDED, &h, NULL, NULL), 0);
	assert_int_equal(mb2_load_by_address(img, len, &h, ram, LOAD + 0x2ff,
					     &lo, &hi), -ERANGE);
	assert_int_equal(mb2_load_by_address(img, len, &h, ram, LOAD,
					     &lo, &hi), -ERANGE);
	/* No address tag at all. */
	h.has_addr = false;
	assert_int_equal(mb2_load_by_address(img, len, &h, ram, RAM_SIZE,
					     &lo, &hi), -EINVAL);
	free(ram);
}

static void test_address_without_entry(void **state)
{
	static const uint32_t addr[] = { LOAD, LOAD, 0, 0 };
	struct mb2_header h;
	uint32_t bad = 0;

	hdr_begin(0);
	put_tag(MB2_HTAG_ADDRESS, 0, addr, 4);
	hdr_end();
	assert_int_equal(parse(sizeof(img), PROVIDED, &h, NULL, &bad), -EINVAL);
	assert_int_equal(bad, MB2_HTAG_ADDRESS);
}

#define T(f)	cmocka_unit_test_setup(f, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_minimal_at_zero),
		T(test_at_later_offset),
		T(test_last_slot_in_32k),
		T(test_bad_checksum),
		T(test_stray_magic_skipped),
		T(test_unaligned_not_found),
		T(test_beyond_32k_not_found),
		T(test_header_crosses_32k),
		T(test_short_file),
		T(test_other_architecture),
		T(test_required_request_unprovided),
		T(test_required_request_out_of_mask),
		T(test_optional_request_unprovided),
		T(test_request_for_end_tag),
		T(test_unknown_required_tag),
		T(test_unknown_optional_tag),
		T(test_asterinas_header),
		T(test_asterinas_without_acpi_new),
		T(test_other_tags),
		T(test_tag_past_header_length),
		T(test_tag_smaller_than_its_header),
		T(test_tag_too_short_for_fields),
		T(test_no_end_tag),
		T(test_header_length_past_file),
		T(test_load_by_address),
		T(test_load_whole_file),
		T(test_load_skips_file_prefix),
		T(test_load_bad_addresses),
		T(test_address_without_entry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
