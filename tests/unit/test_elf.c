// SPDX-License-Identifier: GPL-2.0
/* Unit tests for the guest ELF loader (guests/elf.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <errno.h>
#include <elf.h>
#include <cmocka.h>

#include "guests/elf.h"

#define RAM_SIZE	(2u << 20)

static uint8_t ram[RAM_SIZE];
static uint8_t img[8192];

/* An ELF32 i386 image with one PT_LOAD: 64 bytes of 0xAB, 4096 of BSS. */
static size_t make_elf32(uint32_t paddr, uint32_t entry)
{
	Elf32_Ehdr *eh = (Elf32_Ehdr *)img;
	Elf32_Phdr *ph = (Elf32_Phdr *)(img + sizeof(*eh));

	memset(img, 0, sizeof(img));
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS32;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_386;
	eh->e_entry = entry;
	eh->e_phoff = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 1;
	ph->p_type = PT_LOAD;
	ph->p_offset = 0x1000;
	ph->p_paddr = paddr;
	ph->p_vaddr = 0xc0000000 + paddr;	/* ignored: p_paddr counts */
	ph->p_filesz = 64;
	ph->p_memsz = 64 + 4096;
	memset(img + 0x1000, 0xab, 64);
	return 0x1000 + 64;
}

static size_t make_elf64(uint64_t paddr, uint64_t entry)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)img;
	Elf64_Phdr *ph = (Elf64_Phdr *)(img + sizeof(*eh));

	memset(img, 0, sizeof(img));
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_entry = entry;
	eh->e_phoff = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 2;
	ph[0].p_type = PT_NOTE;
	ph[1].p_type = PT_LOAD;
	ph[1].p_offset = 0x1000;
	ph[1].p_paddr = paddr;
	ph[1].p_filesz = 16;
	ph[1].p_memsz = 16;
	memset(img + 0x1000, 0xcd, 16);
	return 0x1000 + 16;
}

static void test_elf32_loads_at_paddr(void **state)
{
	size_t len = make_elf32(0x100000, 0x100010);
	struct elf_info ei;

	memset(ram, 0x55, sizeof(ram));
	assert_int_equal(elf_load(img, len, ram, RAM_SIZE, &ei), 0);
	assert_int_equal(ei.entry, 0x100010);
	assert_int_equal(ei.lowest, 0x100000);
	assert_int_equal(ei.highest, 0x100000 + 64 + 4096);
	assert_int_equal(ram[0x100000], 0xab);
	assert_int_equal(ram[0x100000 + 63], 0xab);
	assert_int_equal(ram[0x100000 + 64], 0);	/* BSS zeroed */
	assert_int_equal(ram[0x100000 + 64 + 4095], 0);
	assert_int_equal(ram[0x100000 + 64 + 4096], 0x55);	/* untouched */
	assert_int_equal(ram[0xfffff], 0x55);
}

static void test_elf64_skips_non_load(void **state)
{
	size_t len = make_elf64(0x180000, 0x180000);
	struct elf_info ei;

	assert_int_equal(elf_load(img, len, ram, RAM_SIZE, &ei), 0);
	assert_int_equal(ei.lowest, 0x180000);
	assert_int_equal(ei.highest, 0x180010);
	assert_int_equal(ram[0x18000f], 0xcd);
}

static void test_bad_magic_and_machine(void **state)
{
	size_t len = make_elf32(0x100000, 0x100000);
	struct elf_info ei;

	img[1] = 'X';
	assert_int_equal(elf_load(img, len, ram, RAM_SIZE, &ei), -ENOEXEC);
	len = make_elf32(0x100000, 0x100000);
	((Elf32_Ehdr *)img)->e_machine = EM_ARM;
	assert_int_equal(elf_load(img, len, ram, RAM_SIZE, &ei), -ENOEXEC);
	len = make_elf64(0x100000, 0x100000);
	((Elf64_Ehdr *)img)->e_machine = EM_386;	/* class/machine mismatch */
	assert_int_equal(elf_load(img, len, ram, RAM_SIZE, &ei), -ENOEXEC);
	assert_int_equal(elf_load(img, 20, ram, RAM_SIZE, &ei), -ENOEXEC);
}

static void test_headers_outside_file(void **state)
{
	size_t len = make_elf32(0x100000, 0x100000);
	Elf32_Ehdr *eh = (Elf32_Ehdr *)img;
	Elf32_Phdr *ph = (Elf32_Phdr *)(img + sizeof(*eh));
	struct elf_info ei;

	eh->e_phnum = 0x7fff;			/* table runs off the file */
	assert_int_equal(elf_load(img, len, ram, RAM_SIZE, &ei), -ENOEXEC);
	eh->e_phnum = 1;
	ph->p_filesz = 0x10000;			/* segment runs off the file */
	ph->p_memsz = 0x10000;
	assert_int_equal(elf_load(img, len, ram, RAM_SIZE, &ei), -ENOEXEC);
	ph->p_filesz = 64;
	ph->p_memsz = 32;			/* filesz > memsz */
	assert_int_equal(elf_load(img, len, ram, RAM_SIZE, &ei), -ENOEXEC);
	ph->p_memsz = 64;
	ph->p_offset = 0xfffffff0;		/* offset + filesz wraps */
	assert_int_equal(elf_load(img, len, ram, RAM_SIZE, &ei), -ENOEXEC);
}

static void test_segment_outside_ram(void **state)
{
	struct elf_info ei;
	size_t len;

	len = make_elf32(RAM_SIZE - 64, RAM_SIZE - 64);	/* BSS overruns */
	assert_int_equal(elf_load(img, len, ram, RAM_SIZE, &ei), -ERANGE);
	len = make_elf32(0xfffffff0, 0xfffffff0);	/* wraps */
	assert_int_equal(elf_load(img, len, ram, RAM_SIZE, &ei), -ERANGE);
}

static void test_entry_outside_image(void **state)
{
	size_t len = make_elf32(0x100000, 0x300000);
	struct elf_info ei;

	assert_int_equal(elf_load(img, len, ram, RAM_SIZE, &ei), -ENOEXEC);
}

static void test_no_load_segment(void **state)
{
	size_t len = make_elf32(0x100000, 0x100000);
	Elf32_Phdr *ph = (Elf32_Phdr *)(img + sizeof(Elf32_Ehdr));
	struct elf_info ei;

	ph->p_type = PT_NOTE;
	assert_int_equal(elf_load(img, len, ram, RAM_SIZE, &ei), -ENOEXEC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_elf32_loads_at_paddr),
		cmocka_unit_test(test_elf64_skips_non_load),
		cmocka_unit_test(test_bad_magic_and_machine),
		cmocka_unit_test(test_headers_outside_file),
		cmocka_unit_test(test_segment_outside_ram),
		cmocka_unit_test(test_entry_outside_image),
		cmocka_unit_test(test_no_load_segment),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
