/* SPDX-License-Identifier: GPL-2.0 */
#ifndef HV_GUESTS_ELF_H
#define HV_GUESTS_ELF_H

#include <stddef.h>
#include <stdint.h>

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
