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

/*
 * Write an MBI into @buf (8-byte aligned, @cap bytes): command line,
 * basic memory info, memory map, the ACPI RSDP (tag 14 with its first 20
 * bytes, and tag 15 with all 36 when it is a v2 RSDP; none when @rsdp is
 * NULL) and the end tag. Returns its size, or -ENOSPC when it does not
 * fit.
 */
int mbi_build(void *buf, size_t cap, const char *cmdline,
	      const struct mbi_region *map, unsigned int n,
	      const void *rsdp);

#endif
