/* SPDX-License-Identifier: GPL-2.0 */
/* The Multiboot2 information a guest is handed in EBX. */
#ifndef HV_GUESTS_MBI_H
#define HV_GUESTS_MBI_H

#include <stddef.h>
#include <stdint.h>

struct mbi_region {
	uint64_t base, len;
	uint32_t type;		/* Multiboot2 type: 1 RAM, 2 reserved, ... */
};

struct mbi_module {
	uint32_t start, end;	/* guest-physical, end exclusive */
	const char *string;	/* its command line; NULL for none */
};

struct mbi_args {
	const char *cmdline;		/* NULL: empty */
	const char *loader_name;	/* NULL: no tag 2 */
	const struct mbi_module *mods;	/* the first is the initramfs */
	unsigned int n_mods;
	const struct mbi_region *map;
	unsigned int n_map;
	const void *rsdp;		/* NULL: no ACPI tags */
};

/*
 * Write an MBI into @buf (8-byte aligned, @cap bytes), its tags in the
 * order GRUB gives them: command line (1), boot loader name (2), one
 * module tag (3) per module, memory map (6), basic memory info (4), the
 * ACPI RSDP (14 with its first 20 bytes, then 15 with all 36 when it is
 * a v2 RSDP) and the end tag. Returns its size, or -ENOSPC when it does
 * not fit.
 */
int mbi_build(void *buf, size_t cap, const struct mbi_args *a);

#endif
