/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a boot entry (Multiboot2 or UEFI) hands to hv_main(). Both entries
 * fill the same structure, so nothing after hv_main() knows how we booted.
 */
#ifndef HV_BOOT_INFO_H
#define HV_BOOT_INFO_H

#include <stdint.h>

#define BOOT_MMAP_MAX	160
#define BOOT_MOD_MAX	16
#define BOOT_NAME_MAX	64
#define BOOT_CMDLINE_MAX 256
/* The module both entries bring hv_main: the configuration. */
#define BOOT_INI_NAME	"hvisor.ini"

enum boot_mem_type {
	BOOT_MEM_RAM = 1,	/* free for the hypervisor */
	BOOT_MEM_RESERVED,
	BOOT_MEM_ACPI,		/* ACPI tables, reclaimable after parsing */
	BOOT_MEM_NVS,
	BOOT_MEM_BAD,
};

struct boot_mem_region {
	uint64_t base;
	uint64_t len;
	uint32_t type;		/* enum boot_mem_type */
};

/* A file the loader brought along, named as hvisor.ini names it. */
struct boot_module {
	char name[BOOT_NAME_MAX];
	uint64_t base;		/* physical */
	uint64_t size;
};

struct boot_info {
	const char *loader;	/* "multiboot2" or "uefi" */
	int error;		/* the entry could not read the loader's data */
	uint32_t n_mmap;
	struct boot_mem_region mmap[BOOT_MMAP_MAX];
	uint32_t n_mods;
	struct boot_module mods[BOOT_MOD_MAX];
	uint64_t rsdp;		/* physical address of the RSDP, 0 if none */
	uint32_t rsdp_rev;	/* 0: ACPI 1.0 RSDP, 2: ACPI 2.0+ */
	char cmdline[BOOT_CMDLINE_MAX];
	/* The hypervisor image itself, so the frame allocator skips it. */
	uint64_t image_start;
	uint64_t image_end;
	/* A page below 1 MiB for the AP trampoline, or 0 to take one from RAM. */
	uint64_t trampoline;
	/* Loader data that must survive boot (the MBI holds an RSDP copy). */
	uint64_t keep_base;
	uint64_t keep_len;
};

const struct boot_module *boot_find_module(const struct boot_info *bi,
					   const char *name);

/* src/main.c: runs the guests and powers off; never returns. */
void __attribute__((noreturn)) hv_main(struct boot_info *bi);

#endif
