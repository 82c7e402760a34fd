// SPDX-License-Identifier: GPL-2.0
/* Unit tests for src/boot/efi_info.c: EFI memory map, INI images, ESP paths. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "src/boot/efi_info.h"

#define PG 4096ULL

/* A firmware-style map: descriptors @dsize bytes apart, tail bytes junk. */
struct fw_map {
	unsigned char *buf;
	size_t dsize;
	size_t n;
	size_t cap;
};

static void map_init(struct fw_map *m, size_t dsize, size_t cap)
{
	m->dsize = dsize;
	m->n = 0;
	m->cap = cap;
	m->buf = malloc(dsize * cap);
	assert_non_null(m->buf);
	/* Junk in the padding must not be read as fields. */
	memset(m->buf, 0xa5, dsize * cap);
}

static void map_add(struct fw_map *m, uint32_t type, uint64_t base,
		    uint64_t pages)
{
	struct efi_mem_desc d = {
		.type = type,
		.phys_start = base,
		.virt_start = 0,
		.num_pages = pages,
		.attribute = 0xf,
	};

	assert_true(m->n < m->cap);
	memcpy(m->buf + m->n * m->dsize, &d, sizeof(d));
	m->n++;
}

static int map_to_boot(struct fw_map *m, struct boot_info *bi)
{
	return efi_mmap_to_boot(m->buf, m->n * m->dsize, m->dsize, bi);
}

static void assert_region(const struct boot_info *bi, uint32_t i,
			  uint64_t base, uint64_t len, uint32_t type)
{
	assert_true(i < bi->n_mmap);
	assert_int_equal(bi->mmap[i].base, base);
	assert_int_equal(bi->mmap[i].len, len);
	assert_int_equal(bi->mmap[i].type, type);
}

static void test_type_mapping(void **state)
{
	static const struct {
		uint32_t efi;
		uint32_t boot;
	} cases[] = {
		{ EFI_MT_RESERVED, BOOT_MEM_RESERVED },
		{ EFI_MT_LOADER_CODE, BOOT_MEM_RESERVED },
		{ EFI_MT_LOADER_DATA, BOOT_MEM_RESERVED },
		{ EFI_MT_BS_CODE, BOOT_MEM_RESERVED },
		{ EFI_MT_BS_DATA, BOOT_MEM_RESERVED },
		{ EFI_MT_RT_CODE, BOOT_MEM_RESERVED },
		{ EFI_MT_RT_DATA, BOOT_MEM_RESERVED },
		{ EFI_MT_CONVENTIONAL, BOOT_MEM_RAM },
		{ EFI_MT_UNUSABLE, BOOT_MEM_BAD },
		{ EFI_MT_ACPI_RECLAIM, BOOT_MEM_ACPI },
		{ EFI_MT_ACPI_NVS, BOOT_MEM_NVS },
		{ EFI_MT_MMIO, BOOT_MEM_RESERVED },
		{ EFI_MT_MMIO_PORT, BOOT_MEM_RESERVED },
		{ EFI_MT_PAL_CODE, BOOT_MEM_RESERVED },
		{ EFI_MT_PERSISTENT, BOOT_MEM_RESERVED },
		{ 15, BOOT_MEM_RESERVED },	/* unaccepted memory */
		{ 0x70000000, BOOT_MEM_RESERVED },	/* OEM range */
		{ 0x80000000, BOOT_MEM_RESERVED },	/* OS loader range */
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(efi_mem_type_to_boot(cases[i].efi),
				 cases[i].boot);
}

/* One region per EFI type, each turned into the right boot type. */
static void test_map_types(void **state)
{
	struct boot_info bi;
	struct fw_map m;

	map_init(&m, sizeof(struct efi_mem_desc), 8);
	map_add(&m, EFI_MT_CONVENTIONAL, 0x0, 0x9f);
	map_add(&m, EFI_MT_RESERVED, 0x9f000, 0x61);
	map_add(&m, EFI_MT_ACPI_RECLAIM, 0x100000, 1);
	map_add(&m, EFI_MT_ACPI_NVS, 0x101000, 2);
	map_add(&m, EFI_MT_UNUSABLE, 0x103000, 3);
	map_add(&m, EFI_MT_MMIO, 0xfec00000, 1);
	assert_int_equal(map_to_boot(&m, &bi), 0);
	assert_int_equal(bi.n_mmap, 6);
	assert_region(&bi, 0, 0x0, 0x9f * PG, BOOT_MEM_RAM);
	assert_region(&bi, 1, 0x9f000, 0x61 * PG, BOOT_MEM_RESERVED);
	assert_region(&bi, 2, 0x100000, PG, BOOT_MEM_ACPI);
	assert_region(&bi, 3, 0x101000, 2 * PG, BOOT_MEM_NVS);
	assert_region(&bi, 4, 0x103000, 3 * PG, BOOT_MEM_BAD);
	assert_region(&bi, 5, 0xfec00000, PG, BOOT_MEM_RESERVED);
	free(m.buf);
}

/*
 * Adjacent regions of one boot type merge, even when their EFI types
 * differ (loader and boot-services data are both reserved); a gap or a
 * type change splits; empty descriptors vanish.
 */
static void test_merge(void **state)
{
	struct boot_info bi;
	struct fw_map m;

	map_init(&m, sizeof(struct efi_mem_desc), 16);
	map_add(&m, EFI_MT_CONVENTIONAL, 0x0, 0x10);
	map_add(&m, EFI_MT_CONVENTIONAL, 0x10000, 0x10);
	map_add(&m, EFI_MT_CONVENTIONAL, 0x20000, 0);	/* empty */
	map_add(&m, EFI_MT_LOADER_DATA, 0x20000, 1);
	map_add(&m, EFI_MT_BS_DATA, 0x21000, 1);
	map_add(&m, EFI_MT_BS_CODE, 0x22000, 2);
	map_add(&m, EFI_MT_CONVENTIONAL, 0x24000, 4);
	/* Gap before this one: same type, but not adjacent. */
	map_add(&m, EFI_MT_CONVENTIONAL, 0x100000, 0x100);
	map_add(&m, EFI_MT_ACPI_RECLAIM, 0x200000, 1);
	map_add(&m, EFI_MT_ACPI_RECLAIM, 0x201000, 1);
	assert_int_equal(map_to_boot(&m, &bi), 0);
	assert_int_equal(bi.n_mmap, 5);
	assert_region(&bi, 0, 0x0, 0x20 * PG, BOOT_MEM_RAM);
	assert_region(&bi, 1, 0x20000, 4 * PG, BOOT_MEM_RESERVED);
	assert_region(&bi, 2, 0x24000, 4 * PG, BOOT_MEM_RAM);
	assert_region(&bi, 3, 0x100000, 0x100 * PG, BOOT_MEM_RAM);
	assert_region(&bi, 4, 0x200000, 2 * PG, BOOT_MEM_ACPI);
	free(m.buf);
}

/* The firmware does not promise a sorted map; the output is sorted. */
static void test_unsorted(void **state)
{
	struct boot_info bi;
	struct fw_map m;

	map_init(&m, sizeof(struct efi_mem_desc), 4);
	map_add(&m, EFI_MT_CONVENTIONAL, 0x200000, 0x10);
	map_add(&m, EFI_MT_RESERVED, 0x0, 1);
	map_add(&m, EFI_MT_CONVENTIONAL, 0x1000, 0x1ff);
	assert_int_equal(map_to_boot(&m, &bi), 0);
	assert_int_equal(bi.n_mmap, 2);
	assert_region(&bi, 0, 0x0, PG, BOOT_MEM_RESERVED);
	assert_region(&bi, 1, 0x1000, 0x1ff * PG + 0x10 * PG, BOOT_MEM_RAM);
	free(m.buf);
}

/* OVMF and real firmware use 48-byte descriptors: honour desc_size. */
static void test_large_desc_size(void **state)
{
	struct boot_info bi;
	struct fw_map m;

	map_init(&m, 48, 4);
	map_add(&m, EFI_MT_CONVENTIONAL, 0x0, 0xa0);
	map_add(&m, EFI_MT_BS_DATA, 0x100000, 0x10);
	map_add(&m, EFI_MT_ACPI_NVS, 0x110000, 1);
	map_add(&m, EFI_MT_CONVENTIONAL, 0x111000, 0x1000);
	assert_int_equal(map_to_boot(&m, &bi), 0);
	assert_int_equal(bi.n_mmap, 4);
	assert_region(&bi, 0, 0x0, 0xa0 * PG, BOOT_MEM_RAM);
	assert_region(&bi, 1, 0x100000, 0x10 * PG, BOOT_MEM_RESERVED);
	assert_region(&bi, 2, 0x110000, PG, BOOT_MEM_NVS);
	assert_region(&bi, 3, 0x111000, 0x1000 * PG, BOOT_MEM_RAM);

	/* A trailing partial descriptor is ignored. */
	assert_int_equal(efi_mmap_to_boot(m.buf, 4 * 48 - 8, 48, &bi), 0);
	assert_int_equal(bi.n_mmap, 3);
	free(m.buf);
}

static void test_bad_desc_size(void **state)
{
	struct boot_info bi;
	struct fw_map m;

	map_init(&m, 48, 1);
	map_add(&m, EFI_MT_CONVENTIONAL, 0x0, 1);
	assert_int_equal(efi_mmap_to_boot(m.buf, 48, 32, &bi), -EINVAL);
	assert_int_equal(efi_mmap_to_boot(m.buf, 48, 44, &bi), -EINVAL);
	assert_int_equal(bi.n_mmap, 0);
	assert_int_equal(efi_mmap_to_boot(m.buf, 0, 48, &bi), 0);
	assert_int_equal(bi.n_mmap, 0);
	free(m.buf);
}

/* Alternate types so nothing merges. */
static void fill_alternating(struct fw_map *m, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		map_add(m, i % 2 ? EFI_MT_RESERVED : EFI_MT_CONVENTIONAL,
			i * PG, 1);
}

static void test_too_many(void **state)
{
	struct boot_info bi;
	struct fw_map m;

	map_init(&m, 48, BOOT_MMAP_MAX + 1);
	fill_alternating(&m, BOOT_MMAP_MAX);
	assert_int_equal(map_to_boot(&m, &bi), 0);
	assert_int_equal(bi.n_mmap, BOOT_MMAP_MAX);

	map_add(&m, EFI_MT_ACPI_NVS, BOOT_MMAP_MAX * PG, 1);
	assert_int_equal(map_to_boot(&m, &bi), -E2BIG);
	/* What fits is still there and valid. */
	assert_int_equal(bi.n_mmap, BOOT_MMAP_MAX);
	assert_region(&bi, BOOT_MMAP_MAX - 1, (BOOT_MMAP_MAX - 1) * PG, PG,
		      BOOT_MEM_RESERVED);
	free(m.buf);
}

/*
 * More descriptors than slots, in an order where none merges with the one
 * before it: each still merges with its neighbours in the sorted table.
 */
static void test_many_merge_unsorted(void **state)
{
	struct boot_info bi;
	struct fw_map m;
	size_t i, n = 2 * BOOT_MMAP_MAX;

	map_init(&m, 48, n);
	/* Even pages first, then odd pages. */
	for (i = 0; i < n; i += 2)
		map_add(&m, EFI_MT_CONVENTIONAL, i * PG, 1);
	for (i = 1; i < n; i += 2)
		map_add(&m, EFI_MT_CONVENTIONAL, i * PG, 1);
	assert_int_equal(map_to_boot(&m, &bi), 0);
	assert_int_equal(bi.n_mmap, 1);
	assert_region(&bi, 0, 0, n * PG, BOOT_MEM_RAM);

	/* Descending order. */
	m.n = 0;
	for (i = n; i-- > 0;)
		map_add(&m, EFI_MT_CONVENTIONAL, i * PG, 1);
	assert_int_equal(map_to_boot(&m, &bi), 0);
	assert_int_equal(bi.n_mmap, 1);
	assert_region(&bi, 0, 0, n * PG, BOOT_MEM_RAM);
	free(m.buf);
}

/* ---- hvisor.ini scanning ---- */

struct names {
	char v[16][64];
	int n;
};

static int collect(void *ctx, const char *name, size_t len)
{
	struct names *ns = ctx;

	assert_true(ns->n < 16 && len < 64);
	memcpy(ns->v[ns->n], name, len);
	ns->v[ns->n][len] = '\0';
	ns->n++;
	return 0;
}

static int scan(const char *text, struct names *ns)
{
	memset(ns, 0, sizeof(*ns));
	return efi_ini_images(text, strlen(text), collect, ns);
}

static void test_ini_images(void **state)
{
	static const char ini[] =
		"\xef\xbb\xbf; hvisor.ini\n"
		"[hypervisor]\n"
		"kernel = not-a-guest\n"
		"scheduler = fair\n"
		"\n"
		"[guest linux]\n"
		"kind = linux\n"
		"kernel = guests/bzImage   ; inline comment\n"
		"initrd=initrd.img\r\n"
		"cmdline = console=ttyS0 initrd=foo kernel=bar\n"
		"# a comment\n"
		"[virtio con0]\n"
		"kernel = not-a-guest-either\n"
		"[Guest asterinas]\n"
		"  KERNEL : /aster/kernel.elf\n"
		"initrd =\n"
		"initrd = ;only a comment\n"
		"[guestlike]\n"
		"kernel = no\n"
		"[guest]\n"
		"kernel = dup.elf\n"
		"[broken\n"		/* no ']': inih keeps the section */
		"initrd=x ;c\n"
		"kernel = dup.elf";	/* no final newline */
	struct names ns;

	assert_int_equal(scan(ini, &ns), 0);
	assert_int_equal(ns.n, 6);
	assert_string_equal(ns.v[0], "guests/bzImage");
	assert_string_equal(ns.v[1], "initrd.img");
	assert_string_equal(ns.v[2], "/aster/kernel.elf");
	assert_string_equal(ns.v[3], "dup.elf");
	assert_string_equal(ns.v[4], "x");
	assert_string_equal(ns.v[5], "dup.elf");
}

/* inih continues a value on an indented line: that is no key of its own. */
static void test_ini_multiline(void **state)
{
	static const char ini[] =
		"[guest a]\n"
		"cmdline = quiet\n"
		"  kernel = continuation\n"
		"kernel=k1\n"
		"[guest b]\n"
		"  kernel = k2\n";
	struct names ns;

	assert_int_equal(scan(ini, &ns), 0);
	assert_int_equal(ns.n, 2);
	assert_string_equal(ns.v[0], "k1");
	assert_string_equal(ns.v[1], "k2");
}

/* modules = NAME[, NAME...]: one call per name, blanks and empty items dropped. */
static void test_ini_modules(void **state)
{
	static const char ini[] =
		"[hypervisor]\n"
		"modules = not-a-guest\n"
		"[guest aster]\n"
		"kind = multiboot2\n"
		"kernel = aster.elf\n"
		"initrd = initramfs.cpio\n"
		"Modules:  m1.bin,m2.bin ,\tdir/m3.bin , ; m4.bin in a comment\n"
		"cmdline = modules=a,b\n"
		"[guest one]\n"
		"modules = only.bin\r\n"
		"kernel = a,b.elf\n"		/* a kernel name is not a list */
		"modules = , ,\n"
		"modules =\n";
	struct names ns;

	assert_int_equal(scan(ini, &ns), 0);
	assert_int_equal(ns.n, 7);
	assert_string_equal(ns.v[0], "aster.elf");
	assert_string_equal(ns.v[1], "initramfs.cpio");
	assert_string_equal(ns.v[2], "m1.bin");
	assert_string_equal(ns.v[3], "m2.bin");
	assert_string_equal(ns.v[4], "dir/m3.bin");
	assert_string_equal(ns.v[5], "only.bin");
	assert_string_equal(ns.v[6], "a,b.elf");
}

/*
 * The scanner does not judge: five modules, or modules for kind = linux,
 * are all loaded so that the hypervisor's parser can name the error.
 */
static void test_ini_modules_unchecked(void **state)
{
	static const char ini[] =
		"[guest l]\nkind = linux\nkernel = bzImage\nmodules = x.bin\n"
		"[guest m]\nkind = multiboot2\nkernel = k.elf\n"
		"modules = 1,2,3,4,5\n";
	struct names ns;

	assert_int_equal(scan(ini, &ns), 0);
	assert_int_equal(ns.n, 8);
	assert_string_equal(ns.v[1], "x.bin");
	assert_string_equal(ns.v[3], "1");
	assert_string_equal(ns.v[7], "5");
}

static int stop_at_second(void *ctx, const char *name, size_t len)
{
	int *calls = ctx;

	return ++*calls == 2 ? -ENOSPC : 0;
}

static void test_ini_stop(void **state)
{
	static const char ini[] =
		"[guest a]\nkernel=a\ninitrd=b\n[guest c]\nkernel=c\n";
	static const char list[] = "[guest a]\nmodules = x, y, z\n";
	int calls = 0;

	assert_int_equal(efi_ini_images(ini, strlen(ini), stop_at_second,
					&calls), -ENOSPC);
	assert_int_equal(calls, 2);
	/* Inside a modules list too. */
	calls = 0;
	assert_int_equal(efi_ini_images(list, strlen(list), stop_at_second,
					&calls), -ENOSPC);
	assert_int_equal(calls, 2);
	calls = 0;
	assert_int_equal(efi_ini_images("", 0, stop_at_second, &calls), 0);
	assert_int_equal(calls, 0);
}

/* ---- ESP paths ---- */

static void assert_path(const char *name, const char *want)
{
	char out[64];

	assert_int_equal(efi_esp_path(name, strlen(name), out, sizeof(out)),
			 strlen(want));
	assert_string_equal(out, want);
}

static void test_esp_path(void **state)
{
	char out[8];

	assert_path("bzImage", "\\bzImage");
	assert_path("guests/linux/bzImage", "\\guests\\linux\\bzImage");
	assert_path("/boot/initrd.img", "\\boot\\initrd.img");
	assert_path("//a//b/", "\\a\\b");
	assert_path("\\already\\dos", "\\already\\dos");
	assert_path("with space.elf", "\\with space.elf");

	assert_int_equal(efi_esp_path("", 0, out, sizeof(out)), -EINVAL);
	assert_int_equal(efi_esp_path("///", 3, out, sizeof(out)), -EINVAL);
	assert_int_equal(efi_esp_path("a\tb", 3, out, sizeof(out)), -EINVAL);
	/* "\abcdef" and its NUL fill 8 bytes exactly; one more is too long. */
	assert_int_equal(efi_esp_path("abcdef", 6, out, sizeof(out)), 7);
	assert_string_equal(out, "\\abcdef");
	assert_int_equal(efi_esp_path("abcdefg", 7, out, sizeof(out)),
			 -E2BIG);
	assert_int_equal(efi_esp_path("abc/def", 7, out, sizeof(out)),
			 -E2BIG);
	/* Only @len bytes count, the name need not be NUL-terminated. */
	assert_int_equal(efi_esp_path("abc/def", 3, out, sizeof(out)), 4);
	assert_string_equal(out, "\\abc");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_type_mapping),
		cmocka_unit_test(test_map_types),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_unsorted),
		cmocka_unit_test(test_large_desc_size),
		cmocka_unit_test(test_bad_desc_size),
		cmocka_unit_test(test_too_many),
		cmocka_unit_test(test_many_merge_unsorted),
		cmocka_unit_test(test_ini_images),
		cmocka_unit_test(test_ini_multiline),
		cmocka_unit_test(test_ini_modules),
		cmocka_unit_test(test_ini_modules_unchecked),
		cmocka_unit_test(test_ini_stop),
		cmocka_unit_test(test_esp_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
