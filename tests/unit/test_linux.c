// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the bzImage loader (guests/linux.c). The images are
 * synthetic: a setup header at the offsets of the kernel's boot.rst, and
 * a protected-mode part with a byte pattern to find in guest RAM.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "guests/linux.h"

#define RAM_SIZE	(32u << 20)
#define PM_LEN		0x1000
#define PREF		0x1000000	/* as Debian's 6.1 kernel */
#define ALIGN		0x200000
#define INIT_SIZE	0x800000

static uint8_t ram[RAM_SIZE];
static uint8_t img[0x8000];
static uint8_t zp[BZ_ZERO_PAGE_SIZE];

static void put16(size_t off, uint16_t v)
{
	memcpy(img + off, &v, 2);
}

static void put32(size_t off, uint32_t v)
{
	memcpy(img + off, &v, 4);
}

static void put64(size_t off, uint64_t v)
{
	memcpy(img + off, &v, 8);
}

static uint32_t zp32(size_t off)
{
	uint32_t v;

	memcpy(&v, zp + off, 4);
	return v;
}

static uint64_t zp64(size_t off)
{
	uint64_t v;

	memcpy(&v, zp + off, 8);
	return v;
}

/* Protected-mode offset in the file for @setup_sects (0 means 4). */
static size_t pm_off(unsigned int setup_sects)
{
	return ((setup_sects ? setup_sects : 4) + 1) * 512;
}

/* A relocatable 2.15 bzImage with a 64-bit entry; returns its length. */
static size_t make_bz(unsigned int setup_sects)
{
	size_t pm = pm_off(setup_sects);

	memset(img, 0, sizeof(img));
	memset(img, 0x11, pm);			/* real-mode junk */
	img[0x1f1] = setup_sects;
	put16(0x1f2, 1);			/* root_flags */
	put32(0x1f4, PM_LEN / 16);		/* syssize */
	put16(0x1fe, 0xaa55);
	img[0x200] = 0xeb;
	img[0x201] = 0x6a;			/* header ends at 0x26c */
	memcpy(img + 0x202, "HdrS", 4);
	put16(0x206, 0x020f);
	img[0x210] = 0;				/* type_of_loader */
	img[0x211] = 0x01;			/* loadflags: LOADED_HIGH */
	put32(0x214, 0x100000);			/* code32_start */
	put32(0x22c, 0x7fffffff);		/* initrd_addr_max */
	put32(0x230, ALIGN);			/* kernel_alignment */
	img[0x234] = 1;				/* relocatable_kernel */
	img[0x235] = 21;			/* min_alignment */
	put16(0x236, 0x7f);			/* xloadflags */
	put32(0x238, 0x7ff);			/* cmdline_size */
	put64(0x258, PREF);			/* pref_address */
	put32(0x260, INIT_SIZE);		/* init_size */
	put32(0x264, 0x12345);			/* handover_offset */
	put32(0x268, 0x6789a);			/* kernel_info_offset */
	/* Past the header's end: a loader must not copy this. */
	memset(img + 0x26c, 0xee, 0x290 - 0x26c);
	for (size_t i = 0; i < PM_LEN; i++)
		img[pm + i] = (uint8_t)(i * 7 + 3);
	return pm + PM_LEN;
}

static int load(size_t len, uint64_t ram_size, uint64_t min_gpa,
		struct bzimage_info *bi)
{
	const char *why = NULL;
	int err = bzimage_load(img, len, ram, ram_size, min_gpa, bi, &why);

	if (err)
		assert_non_null(why);
	return err;
}

static void test_detect(void **state)
{
	size_t len = make_bz(27);

	assert_true(bzimage_detect(img, len));
	assert_false(bzimage_detect(img, 0x200));
	put16(0x1fe, 0xaa56);
	assert_false(bzimage_detect(img, len));
	len = make_bz(27);
	img[0x205] = 't';
	assert_false(bzimage_detect(img, len));
}

static void test_loads_at_pref_address(void **state)
{
	size_t len = make_bz(27);
	struct bzimage_info bi;

	memset(ram, 0x55, sizeof(ram));
	assert_int_equal(load(len, RAM_SIZE, 0x100000, &bi), 0);
	assert_int_equal(bi.load_gpa, PREF);
	assert_int_equal(bi.entry64, PREF + 0x200);
	assert_int_equal(bi.init_size, INIT_SIZE);
	assert_int_equal(bi.version, 0x020f);
	assert_int_equal(bi.initrd_addr_max, 0x7fffffff);
	assert_int_equal(bi.cmdline_size, 0x7ff);
	assert_memory_equal(ram + PREF, img + pm_off(27), PM_LEN);
	assert_int_equal(ram[PREF - 1], 0x55);
	assert_int_equal(ram[PREF + PM_LEN], 0x55);
}

static void test_setup_sects_zero_means_four(void **state)
{
	size_t len = make_bz(0);
	struct bzimage_info bi;

	assert_int_equal(len, 5 * 512 + PM_LEN);
	memset(ram, 0, sizeof(ram));
	assert_int_equal(load(len, RAM_SIZE, 0, &bi), 0);
	assert_int_equal(ram[PREF], 3);		/* pattern byte 0, not 0x11 */
	assert_memory_equal(ram + PREF, img + 5 * 512, PM_LEN);
}

static void test_relocates(void **state)
{
	size_t len = make_bz(27);
	struct bzimage_info bi;

	/* pref_address below what the caller allows: next aligned address. */
	assert_int_equal(load(len, RAM_SIZE, PREF + 1, &bi), 0);
	assert_int_equal(bi.load_gpa, PREF + ALIGN);
	assert_int_equal(bi.entry64, PREF + ALIGN + 0x200);
	assert_memory_equal(ram + PREF + ALIGN, img + pm_off(27), PM_LEN);

	/* RAM too small for pref_address + init_size: go low instead. */
	assert_int_equal(load(len, 12u << 20, 0x100000, &bi), 0);
	assert_int_equal(bi.load_gpa, ALIGN);

	/* A misaligned pref_address is not used. */
	put64(0x258, PREF + 0x1000);
	assert_int_equal(load(len, RAM_SIZE, 0x300000, &bi), 0);
	assert_int_equal(bi.load_gpa, 0x400000);
}

static void test_not_relocatable(void **state)
{
	size_t len = make_bz(27);
	struct bzimage_info bi;

	img[0x234] = 0;
	put32(0x230, 0x300000);		/* alignment is not looked at */
	assert_int_equal(load(len, RAM_SIZE, 0x100000, &bi), 0);
	assert_int_equal(bi.load_gpa, PREF);
	put64(0x258, 0);		/* no pref_address: bzImage default */
	assert_int_equal(load(len, RAM_SIZE, 0x100000, &bi), 0);
	assert_int_equal(bi.load_gpa, 0x100000);
	assert_memory_equal(ram + 0x100000, img + pm_off(27), PM_LEN);
	/* It cannot move above the lowest address the caller allows. */
	assert_int_equal(load(len, RAM_SIZE, 0x200000, &bi), -ERANGE);
	put64(0x258, PREF);
	assert_int_equal(load(len, PREF + INIT_SIZE - 1, 0, &bi), -ERANGE);
}

static void test_bad_magic(void **state)
{
	struct bzimage_info bi;
	size_t len;

	len = make_bz(27);
	put16(0x1fe, 0x55aa);
	assert_int_equal(load(len, RAM_SIZE, 0, &bi), -ENOEXEC);
	len = make_bz(27);
	memcpy(img + 0x202, "HdrZ", 4);
	assert_int_equal(load(len, RAM_SIZE, 0, &bi), -ENOEXEC);
	len = make_bz(27);
	put32(0x230, 0x300000);		/* relocatable, alignment not 2^n */
	assert_int_equal(load(len, RAM_SIZE, 0, &bi), -ENOEXEC);
	len = make_bz(27);
	img[0x201] = 0x20;		/* header ends before init_size */
	assert_int_equal(load(len, RAM_SIZE, 0, &bi), -ENOEXEC);
}

static void test_old_protocol(void **state)
{
	size_t len = make_bz(27);
	struct bzimage_info bi;

	put16(0x206, 0x020b);
	assert_int_equal(load(len, RAM_SIZE, 0, &bi), -EPROTO);
	put16(0x206, 0x020c);
	assert_int_equal(load(len, RAM_SIZE, 0, &bi), 0);
	assert_int_equal(bi.version, 0x020c);
}

static void test_no_64bit_entry(void **state)
{
	size_t len = make_bz(27);
	struct bzimage_info bi;

	put16(0x236, 0x7e);
	assert_int_equal(load(len, RAM_SIZE, 0, &bi), -EPROTO);
	/* why may be NULL. */
	assert_int_equal(bzimage_load(img, len, ram, RAM_SIZE, 0, &bi, NULL),
			 -EPROTO);
}

static void test_truncated(void **state)
{
	size_t len = make_bz(27);
	struct bzimage_info bi;

	assert_int_equal(load(len - 16, RAM_SIZE, 0, &bi), -ENOEXEC);
	assert_int_equal(load(pm_off(27), RAM_SIZE, 0, &bi), -ENOEXEC);
	assert_int_equal(load(0x300, RAM_SIZE, 0, &bi), -ENOEXEC);
	assert_int_equal(load(0x100, RAM_SIZE, 0, &bi), -ENOEXEC);
	put32(0x1f4, 0);		/* no protected-mode part */
	assert_int_equal(load(len, RAM_SIZE, 0, &bi), -ENOEXEC);
	/* A trailer (a signature) past syssize is fine, and copied. */
	make_bz(27);
	put32(0x1f4, PM_LEN / 16 - 1);
	assert_int_equal(load(len, RAM_SIZE, 0, &bi), 0);
	assert_memory_equal(ram + PREF, img + pm_off(27), PM_LEN);
}

static void test_ram_too_small(void **state)
{
	size_t len = make_bz(27);
	struct bzimage_info bi;

	assert_int_equal(load(len, 8u << 20, 0x100000, &bi), -ERANGE);
	assert_int_equal(load(len, RAM_SIZE, RAM_SIZE - ALIGN, &bi), -ERANGE);
	assert_int_equal(load(len, RAM_SIZE, UINT64_MAX - 5, &bi), -ERANGE);
	/* Exactly enough. */
	assert_int_equal(load(len, ALIGN + INIT_SIZE, 1, &bi), 0);
	assert_int_equal(bi.load_gpa, ALIGN);
}

static const struct mbi_region map3[] = {
	{ 0, 0x9fc00, 1 },
	{ 0xe0000, 0x20000, 2 },
	{ 0x100000, 0x1ff00000, 1 },
};

/* The e820 table bytes boot_params must hold for map3. */
static const uint8_t e820_bytes[3 * 20] = {
	0, 0, 0, 0, 0, 0, 0, 0,  0x00, 0xfc, 0x09, 0, 0, 0, 0, 0,  1, 0, 0, 0,
	0, 0, 0x0e, 0, 0, 0, 0, 0,  0, 0, 0x02, 0, 0, 0, 0, 0,  2, 0, 0, 0,
	0, 0, 0x10, 0, 0, 0, 0, 0,  0, 0, 0xf0, 0x1f, 0, 0, 0, 0,  1, 0, 0, 0,
};

static struct linux_boot_args args(void)
{
	struct linux_boot_args a = {
		.cmdline = "console=ttyS0 earlyprintk",
		.cmdline_gpa = 0x20000,
		.initrd_gpa = 0x4000000,
		.initrd_size = 0x123456,
		.rsdp_gpa = 0xe0000,
		.map = map3,
		.n_map = 3,
	};
	return a;
}

static int boot_params(size_t len, const struct bzimage_info *bi,
		       const struct linux_boot_args *a)
{
	const char *why = NULL;
	int err;

	memset(zp, 0xaa, sizeof(zp));
	err = bzimage_boot_params(zp, img, len, bi, a, &why);
	if (err)
		assert_non_null(why);
	return err;
}

static void test_boot_params(void **state)
{
	size_t len = make_bz(27);
	struct linux_boot_args a = args();
	struct bzimage_info bi;

	assert_int_equal(load(len, RAM_SIZE, 0x100000, &bi), 0);
	assert_int_equal(boot_params(len, &bi, &a), 0);
	assert_int_equal(zp[0x210], 0xff);		/* type_of_loader */
	assert_int_equal(zp[0x211] & 1, 1);		/* LOADED_HIGH */
	assert_int_equal(zp32(0x214), PREF);		/* code32_start */
	assert_int_equal(zp32(0x228), 0x20000);		/* cmd_line_ptr */
	assert_int_equal(zp32(0x0c8), 0);		/* ext_cmd_line_ptr */
	assert_int_equal(zp32(0x218), 0x4000000);	/* ramdisk_image */
	assert_int_equal(zp32(0x21c), 0x123456);	/* ramdisk_size */
	assert_int_equal(zp32(0x0c0), 0);
	assert_int_equal(zp32(0x0c4), 0);
	assert_int_equal(zp64(0x070), 0xe0000);		/* acpi_rsdp_addr */
	assert_int_equal(zp[0x1e8], 3);			/* e820_entries */
	assert_memory_equal(zp + 0x2d0, e820_bytes, sizeof(e820_bytes));
	assert_int_equal(zp[0x2d0 + sizeof(e820_bytes)], 0);

	/* The header is copied from 0x1f1 to 0x202 + byte 0x201. */
	assert_memory_equal(zp + 0x1f1, img + 0x1f1, 0x210 - 0x1f1);
	assert_memory_equal(zp + 0x22c, img + 0x22c, 0x26c - 0x22c);
	assert_int_equal(zp32(0x260), INIT_SIZE);
	assert_int_equal(zp64(0x258), PREF);
	for (size_t i = 0x26c; i < 0x2d0; i++)
		assert_int_equal(zp[i], 0);
	/* The rest is zeroed, the sentinel at 0x1ef included. */
	for (size_t i = 0; i < 0x1f1; i++)
		if (i < 0x070 || (i >= 0x078 && i != 0x1e8))
			assert_int_equal(zp[i], 0);
	for (size_t i = 0x2d0 + sizeof(e820_bytes); i < sizeof(zp); i++)
		assert_int_equal(zp[i], 0);

	/* A header claiming more than boot_params has room for is cut. */
	img[0x201] = 0xff;
	assert_int_equal(boot_params(len, &bi, &a), 0);
	assert_int_equal(zp[0x28f], 0xee);
	for (size_t i = 0x290; i < 0x2d0; i++)
		assert_int_equal(zp[i], 0);
}

static void test_boot_params_high_and_none(void **state)
{
	size_t len = make_bz(27);
	struct linux_boot_args a = args();
	struct bzimage_info bi;

	assert_int_equal(load(len, RAM_SIZE, 0x100000, &bi), 0);
	a.cmdline_gpa = 0x123456000ull;
	a.initrd_size = 0;
	a.rsdp_gpa = 0;
	a.n_map = 0;
	assert_int_equal(boot_params(len, &bi, &a), 0);
	assert_int_equal(zp32(0x228), 0x23456000);
	assert_int_equal(zp32(0x0c8), 1);
	assert_int_equal(zp32(0x218), 0);
	assert_int_equal(zp32(0x21c), 0);
	assert_int_equal(zp64(0x070), 0);
	assert_int_equal(zp[0x1e8], 0);
}

static void test_e820_limit(void **state)
{
	static struct mbi_region big[129];
	size_t len = make_bz(27);
	struct linux_boot_args a = args();
	struct bzimage_info bi;

	for (unsigned int i = 0; i < 129; i++)
		big[i] = (struct mbi_region){ (uint64_t)i << 20, 1 << 20, 1 };
	assert_int_equal(load(len, RAM_SIZE, 0x100000, &bi), 0);
	a.map = big;
	a.n_map = 129;
	assert_int_equal(boot_params(len, &bi, &a), -E2BIG);
	a.n_map = 128;
	assert_int_equal(boot_params(len, &bi, &a), 0);
	assert_int_equal(zp[0x1e8], 128);
	assert_int_equal(zp64(0x2d0 + 127 * 20), 127ull << 20);
	assert_int_equal(zp32(0x2d0 + 127 * 20 + 16), 1);
}

static void test_initrd_limit(void **state)
{
	size_t len = make_bz(27);
	struct linux_boot_args a = args();
	struct bzimage_info bi;

	assert_int_equal(load(len, RAM_SIZE, 0x100000, &bi), 0);
	a.initrd_gpa = 0x7fff0000;
	a.initrd_size = 0x10000;		/* last byte 0x7fffffff */
	assert_int_equal(boot_params(len, &bi, &a), 0);
	a.initrd_size = 0x10001;
	assert_int_equal(boot_params(len, &bi, &a), -ERANGE);
	a.initrd_gpa = 0x80000000;
	a.initrd_size = 1;
	assert_int_equal(boot_params(len, &bi, &a), -ERANGE);
	a.initrd_gpa = 0x100000000ull;
	assert_int_equal(boot_params(len, &bi, &a), -ERANGE);
}

static void test_cmdline_limit(void **state)
{
	size_t len = make_bz(27);
	struct linux_boot_args a = args();
	struct bzimage_info bi;

	put32(0x238, 5);			/* cmdline_size */
	assert_int_equal(load(len, RAM_SIZE, 0x100000, &bi), 0);
	a.cmdline = "quiet";
	assert_int_equal(boot_params(len, &bi, &a), 0);
	a.cmdline = "quiet ";
	assert_int_equal(boot_params(len, &bi, &a), -ERANGE);
}

static void test_boot_params_bad_image(void **state)
{
	size_t len = make_bz(27);
	struct linux_boot_args a = args();
	struct bzimage_info bi;

	assert_int_equal(load(len, RAM_SIZE, 0x100000, &bi), 0);
	put16(0x206, 0x0200);
	assert_int_equal(boot_params(len, &bi, &a), -EPROTO);
	make_bz(27);
	assert_int_equal(boot_params(0x100, &bi, &a), -ENOEXEC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_loads_at_pref_address),
		cmocka_unit_test(test_setup_sects_zero_means_four),
		cmocka_unit_test(test_relocates),
		cmocka_unit_test(test_not_relocatable),
		cmocka_unit_test(test_bad_magic),
		cmocka_unit_test(test_old_protocol),
		cmocka_unit_test(test_no_64bit_entry),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_ram_too_small),
		cmocka_unit_test(test_boot_params),
		cmocka_unit_test(test_boot_params_high_and_none),
		cmocka_unit_test(test_e820_limit),
		cmocka_unit_test(test_initrd_limit),
		cmocka_unit_test(test_cmdline_limit),
		cmocka_unit_test(test_boot_params_bad_image),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
