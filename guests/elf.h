/* SPDX-License-Identifier: GPL-2.0 */
#ifndef HV_GUESTS_ELF_H
#define HV_GUESTS_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An x86 ELF32 or ELF64 image whose header and program headers are sane. */
struct elf_file {
	const uint8_t *img;
	size_t len;
	bool is64;
	uint64_t entry;
	uint64_t phoff, phentsize, phnum;
};

/* A program header, whichever ELF class it came from. */
struct elf_seg {
	uint32_t type;
	uint64_t offset, paddr, filesz, memsz, align;
};

#define ELF_PT_LOAD	1
#define ELF_PT_NOTE	4

/*
 * Check @img's ELF header (little-endian, class 32 or 64, EM_386 or
 * EM_X86_64) and that its program header table lies in the file.
 * -ENOEXEC otherwise. Segment contents are not checked here.
 */
int elf_open(const void *img, size_t len, struct elf_file *f);
/* Program header @i (< f->phnum) of an opened image. */
void elf_seg(const struct elf_file *f, uint64_t i, struct elf_seg *s);

struct elf_info {
	uint64_t entry;
	uint64_t lowest;	/* lowest physical address loaded */
	uint64_t highest;	/* end of the highest segment */
};

/*
 * Load the PT_LOAD segments of the ELF32 or ELF64 x86 image @img at their
 * physical addresses into guest RAM @ram of @ram_size bytes (RAM starts
 * at guest-physical 0). Zero-fills BSS. Validates every header against
 * the file and RAM bounds: -ENOEXEC for a bad image, -ERANGE when a
 * segment falls outside RAM.
 */
int elf_load(const void *img, size_t len, uint8_t *ram, uint64_t ram_size,
	     struct elf_info *info);

#endif
