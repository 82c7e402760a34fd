// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for PVH boot (guests/pvh.c): finding the Xen PHYS32_ENTRY
 * note in synthetic vmlinux images, and the hvm_start_info bytes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <errno.h>
#include <elf.h>
#include <cmocka.h>

#include "guests/pvh.h"

#define RAM_SIZE	(4u << 20)
#define LOAD_PADDR	0x100000
#define LOAD_LEN	0x200
#define NOTE_OFF	0x400
#define LOAD_OFF	0x1000

static uint8_t ram[RAM_SIZE];
static uint8_t img[8192];
static size_t note_len;		/* bytes of notes at NOTE_OFF so far */

/* Append a note padded to @align, as a linker lays them out. */
static void add_note(const char *name, uint32_t namesz, uint32_t type,
		     const void *desc, uint32_t descsz, uint32_t align)
{
	uint8_t *n = img + NOTE_OFF + note_len;
	uint32_t hdr[3] = { namesz, descsz, type };
	size_t name_pad = (namesz + align - 1) & ~(align - 1);
	size_t desc_pad = (descsz + align - 1) & ~(align - 1);

	memcpy(n, hdr, 12);
	memset(n + 12, 0, name_pad + desc_pad);
	memcpy(n + 12, name, namesz);
	memcpy(n + 12 + name_pad, desc, descsz);
	note_len += 12 + name_pad + desc_pad;
}

static void add_xen32(uint32_t entry)
{
	add_note("Xen", 4, 18, &entry, 4, 4);
}

static void add_xen64(uint64_t entry, uint32_t align)
{
	add_note("Xen", 4, 18, &entry, 8, align);
}

/*
 * An ELF64 x86-64 image: PT_LOAD of LOAD_LEN bytes at LOAD_PADDR and a
 * PT_NOTE at NOTE_OFF (p_align @note_align) whose notes the test adds;
 * call fix_notes() after adding them.
 */
static void make_elf64(uint64_t note_align)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)img;
	Elf64_Phdr *ph = (Elf64_Phdr *)(img + sizeof(*eh));

	memset(img, 0, sizeof(img));
	note_len = 0;
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_entry = LOAD_PADDR;
	eh->e_phoff = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 2;
	ph[0].p_type = PT_LOAD;
	ph[0].p_offset = LOAD_OFF;
	ph[0].p_vaddr = 0xffffffff81000000ull;	/* ignored: p_paddr counts */
	ph[0].p_paddr = LOAD_PADDR;
	ph[0].p_filesz = LOAD_LEN;
	ph[0].p_memsz = LOAD_LEN;
	ph[1].p_type = PT_NOTE;
	ph[1].p_offset = NOTE_OFF;
	ph[1].p_align = note_align;
	memset(img + LOAD_OFF, 0x90, LOAD_LEN);
}

static Elf64_Phdr *note_phdr(void)
{
	return (Elf64_Phdr *)(img + sizeof(Elf64_Ehdr)) + 1;
}

static void fix_notes(void)
{
	note_phdr()->p_filesz = note_len;
	note_phdr()->p_memsz = note_len;
}

#define IMG_LEN	(LOAD_OFF + LOAD_LEN)

static void test_xen_note_4byte(void **state)
{
	uint64_t entry = 0;

	make_elf64(4);
	add_xen32(0x100040);
	fix_notes();
	assert_int_equal(pvh_find_entry(img, IMG_LEN, &entry), 0);
	assert_int_equal(entry, 0x100040);
}

/* Odd name and descriptor sizes before the Xen note: padding walked. */
static void test_xen_note_after_others(void **state)
{
	uint8_t id[5] = { 1, 2, 3, 4, 5 };
	uint64_t entry = 0;

	make_elf64(4);
	add_note("Linux", 6, 0x100, id, 5, 4);
	add_note("GNU", 4, 3 /* build ID */, id, 5, 4);
	add_note("Xen", 4, 17, id, 4, 4);		/* another Xen note */
	add_xen64(0x1000123, 4);
	fix_notes();
	assert_int_equal(pvh_find_entry(img, IMG_LEN, &entry), 0);
	assert_int_equal(entry, 0x1000123);
}

/* An 8-aligned PT_NOTE (GNU properties) pads names and descs to 8. */
static void test_xen_note_8_aligned(void **state)
{
	uint8_t prop[12] = { 2, 0, 0, 0xc0, 4, 0, 0, 0, 3, 0, 0, 0 };
	uint64_t entry = 0;

	make_elf64(8);
	add_note("GNU", 4, 5 /* property */, prop, 12, 8);
	add_xen64(0x1000456, 8);
	fix_notes();
	assert_int_equal(pvh_find_entry(img, IMG_LEN, &entry), 0);
	assert_int_equal(entry, 0x1000456);
}

/* The second of two PT_NOTE segments. */
static void test_xen_note_second_segment(void **state)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)img;
	Elf64_Phdr *ph = (Elf64_Phdr *)(img + sizeof(*eh));
	uint8_t id[20] = { 0 };
	uint64_t entry = 0;
	size_t first;

	make_elf64(4);
	add_note("GNU", 4, 3, id, 20, 4);
	first = note_len;
	add_xen32(0x100080);
	eh->e_phnum = 3;
	ph[1].p_filesz = first;
	ph[2].p_type = PT_NOTE;
	ph[2].p_offset = NOTE_OFF + first;
	ph[2].p_filesz = note_len - first;
	ph[2].p_align = 4;
	assert_int_equal(pvh_find_entry(img, IMG_LEN, &entry), 0);
	assert_int_equal(entry, 0x100080);
}

static void test_elf32(void **state)
{
	Elf32_Ehdr *eh = (Elf32_Ehdr *)img;
	Elf32_Phdr *ph = (Elf32_Phdr *)(img + sizeof(*eh));
	uint64_t entry = 0;

	memset(img, 0, sizeof(img));
	note_len = 0;
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS32;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_machine = EM_386;
	eh->e_phoff = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 1;
	add_note("GNU", 4, 3, "abcdefg", 7, 4);
	add_xen32(0x1000000);
	ph->p_type = PT_NOTE;
	ph->p_offset = NOTE_OFF;
	ph->p_filesz = note_len;
	ph->p_align = 4;
	assert_int_equal(pvh_find_entry(img, NOTE_OFF + note_len, &entry), 0);
	assert_int_equal(entry, 0x1000000);
}

static void test_missing_note(void **state)
{
	uint8_t id[8] = { 0 };
	uint64_t entry = 0;

	make_elf64(4);				/* empty PT_NOTE */
	assert_int_equal(pvh_find_entry(img, IMG_LEN, &entry), -ENOENT);
	add_note("GNU", 4, 18, id, 4, 4);	/* type 18, wrong name */
	add_note("Xen", 4, 1, id, 8, 4);	/* right name, wrong type */
	add_note("Xe", 3, 18, id, 4, 4);
	fix_notes();
	assert_int_equal(pvh_find_entry(img, IMG_LEN, &entry), -ENOENT);
	/* The last note's padding may be left out of the segment. */
	add_note("GNU", 4, 3, id, 5, 4);
	fix_notes();
	note_phdr()->p_filesz -= 3;
	assert_int_equal(pvh_find_entry(img, IMG_LEN, &entry), -ENOENT);
	note_phdr()->p_type = PT_LOAD + 100;	/* no PT_NOTE at all */
	add_xen32(0x100000);
	fix_notes();
	assert_int_equal(pvh_find_entry(img, IMG_LEN, &entry), -ENOENT);
}

static void test_truncated_note(void **state)
{
	uint64_t entry = 0;

	make_elf64(4);
	add_xen64(0x100000, 4);
	fix_notes();
	note_phdr()->p_filesz = note_len - 1;	/* cuts the descriptor */
	assert_int_equal(pvh_find_entry(img, IMG_LEN, &entry), -ENOEXEC);
	note_phdr()->p_filesz = 8;		/* cuts the note header */
	assert_int_equal(pvh_find_entry(img, IMG_LEN, &entry), -ENOEXEC);
	note_phdr()->p_filesz = note_len;
	note_phdr()->p_offset = IMG_LEN - 4;	/* segment past the file */
	assert_int_equal(pvh_find_entry(img, IMG_LEN, &entry), -ENOEXEC);

	make_elf64(4);
	add_note("Xen", 4, 18, "\1\2", 2, 4);	/* 2-byte descriptor */
	fix_notes();
	assert_int_equal(pvh_find_entry(img, IMG_LEN, &entry), -ENOEXEC);

	make_elf64(4);
	{
		uint32_t hdr[4] = { 0xfffffff0, 4, 18, 0 }; /* namesz runs off */

		memcpy(img + NOTE_OFF, hdr, sizeof(hdr));
		note_len = sizeof(hdr);
	}
	fix_notes();
	assert_int_equal(pvh_find_entry(img, IMG_LEN, &entry), -ENOEXEC);
}

static void test_bad_elf(void **state)
{
	uint64_t entry = 0;

	make_elf64(4);
	add_xen32(0x100000);
	fix_notes();
	assert_int_equal(pvh_find_entry(img, 40, &entry), -ENOEXEC);
	img[3] = 'G';
	assert_int_equal(pvh_find_entry(img, IMG_LEN, &entry), -ENOEXEC);
	img[3] = 'F';
	((Elf64_Ehdr *)img)->e_phnum = 0x7fff;	/* table runs off the file */
	assert_int_equal(pvh_find_entry(img, IMG_LEN, &entry), -ENOEXEC);
}

static void test_entry_above_4g(void **state)
{
	uint64_t entry = 0;

	make_elf64(4);
	add_xen64(0x100000000ull, 4);
	fix_notes();
	assert_int_equal(pvh_find_entry(img, IMG_LEN, &entry), -ENOEXEC);
}

static void test_pvh_load(void **state)
{
	struct elf_info ei;
	uint64_t entry = 0;

	make_elf64(4);
	add_xen32(LOAD_PADDR + 0x40);
	fix_notes();
	memset(ram, 0, sizeof(ram));
	assert_int_equal(pvh_load(img, IMG_LEN, ram, RAM_SIZE, &entry, &ei), 0);
	assert_int_equal(entry, LOAD_PADDR + 0x40);
	assert_int_equal(ei.lowest, LOAD_PADDR);
	assert_int_equal(ei.highest, LOAD_PADDR + LOAD_LEN);
	assert_int_equal(ram[LOAD_PADDR + LOAD_LEN - 1], 0x90);

	make_elf64(4);
	add_xen32(LOAD_PADDR + LOAD_LEN);	/* just past the segment */
	fix_notes();
	assert_int_equal(pvh_load(img, IMG_LEN, ram, RAM_SIZE, &entry, &ei),
			 -ENOEXEC);
	make_elf64(4);				/* no note: not PVH */
	assert_int_equal(pvh_load(img, IMG_LEN, ram, RAM_SIZE, &entry, &ei),
			 -ENOENT);
	make_elf64(4);
	add_xen32(LOAD_PADDR);
	fix_notes();
	assert_int_equal(pvh_load(img, IMG_LEN, ram, LOAD_PADDR, &entry, &ei),
			 -ERANGE);
}

static const struct mbi_region map3[] = {
	{ 0, 0x9fc00, 1 },
	{ 0xfee00000, 0x1000, 2 },
	{ 0x100000000ull, 0x40000000, 4 },
};

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static void test_start_info(void **state)
{
	static const uint8_t memmap[3 * 24] = {
		0, 0, 0, 0, 0, 0, 0, 0,  0x00, 0xfc, 0x09, 0, 0, 0, 0, 0,
		1, 0, 0, 0,  0, 0, 0, 0,
		0, 0, 0xe0, 0xfe, 0, 0, 0, 0,  0, 0x10, 0, 0, 0, 0, 0, 0,
		2, 0, 0, 0,  0, 0, 0, 0,
		0, 0, 0, 0, 1, 0, 0, 0,  0, 0, 0, 0x40, 0, 0, 0, 0,
		4, 0, 0, 0,  0, 0, 0, 0,
	};
	struct linux_boot_args a = {
		.cmdline = "console=hvc0", .cmdline_gpa = 0x4000,
		.initrd_gpa = 0x2000000, .initrd_size = 0x345678,
		.rsdp_gpa = 0xe0000, .map = map3, .n_map = 3,
	};
	uint8_t buf[512];
	int n;

	memset(buf, 0xaa, sizeof(buf));
	n = pvh_start_info_build(buf, sizeof(buf), 0x5000, &a);
	assert_int_equal(n, 56 + 32 + 3 * 24);
	assert_int_equal(rd32(buf + 0), 0x336ec578);	/* magic */
	assert_int_equal(rd32(buf + 4), 1);		/* version */
	assert_int_equal(rd32(buf + 8), 0);		/* flags */
	assert_int_equal(rd32(buf + 12), 1);		/* nr_modules */
	assert_int_equal(rd64(buf + 16), 0x5000 + 56);	/* modlist_paddr */
	assert_int_equal(rd64(buf + 24), 0x4000);	/* cmdline_paddr */
	assert_int_equal(rd64(buf + 32), 0xe0000);	/* rsdp_paddr */
	assert_int_equal(rd64(buf + 40), 0x5000 + 88);	/* memmap_paddr */
	assert_int_equal(rd32(buf + 48), 3);		/* memmap_entries */
	assert_int_equal(rd32(buf + 52), 0);		/* reserved */
	assert_int_equal(rd64(buf + 56), 0x2000000);	/* module paddr */
	assert_int_equal(rd64(buf + 64), 0x345678);	/* size */
	assert_int_equal(rd64(buf + 72), 0);		/* cmdline_paddr */
	assert_int_equal(rd64(buf + 80), 0);		/* reserved */
	assert_memory_equal(buf + 88, memmap, sizeof(memmap));
	assert_int_equal(buf[n], 0xaa);			/* nothing past it */
}

static void test_start_info_no_initrd(void **state)
{
	struct linux_boot_args a = {
		.cmdline_gpa = 0x4000, .map = map3, .n_map = 2,
	};
	uint8_t buf[256];
	int n;

	memset(buf, 0xaa, sizeof(buf));
	n = pvh_start_info_build(buf, sizeof(buf), 0x7000, &a);
	assert_int_equal(n, 56 + 2 * 24);
	assert_int_equal(rd32(buf + 12), 0);
	assert_int_equal(rd64(buf + 16), 0);
	assert_int_equal(rd64(buf + 32), 0);
	assert_int_equal(rd64(buf + 40), 0x7000 + 56);
	assert_int_equal(rd32(buf + 48), 2);
	assert_int_equal(rd64(buf + 56), 0);		/* first entry base */
	assert_int_equal(rd64(buf + 64), 0x9fc00);

	a.n_map = 0;				/* no map: no memmap_paddr */
	n = pvh_start_info_build(buf, sizeof(buf), 0x7000, &a);
	assert_int_equal(n, 56);
	assert_int_equal(rd64(buf + 40), 0);
	assert_int_equal(rd32(buf + 48), 0);
}

static void test_start_info_nospc(void **state)
{
	struct linux_boot_args a = {
		.initrd_gpa = 0x2000000, .initrd_size = 1,
		.map = map3, .n_map = 3,
	};
	uint8_t buf[160 + 8];

	memset(buf, 0xaa, sizeof(buf));
	assert_int_equal(pvh_start_info_build(buf, 159, 0x5000, &a), -ENOSPC);
	assert_int_equal(buf[0], 0xaa);		/* nothing written */
	assert_int_equal(pvh_start_info_build(buf, 0, 0x5000, &a), -ENOSPC);
	assert_int_equal(pvh_start_info_build(buf, 160, 0x5000, &a), 160);
	assert_int_equal(buf[160], 0xaa);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xen_note_4byte),
		cmocka_unit_test(test_xen_note_after_others),
		cmocka_unit_test(test_xen_note_8_aligned),
		cmocka_unit_test(test_xen_note_second_segment),
		cmocka_unit_test(test_elf32),
		cmocka_unit_test(test_missing_note),
		cmocka_unit_test(test_truncated_note),
		cmocka_unit_test(test_bad_elf),
		cmocka_unit_test(test_entry_above_4g),
		cmocka_unit_test(test_pvh_load),
		cmocka_unit_test(test_start_info),
		cmocka_unit_test(test_start_info_no_initrd),
		cmocka_unit_test(test_start_info_nospc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
