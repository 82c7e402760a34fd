/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest-physical layout every guest kind shares, and the pieces the
 * per-kind loaders (guests/boot_mb2.c, guests/boot_linux.c) build from it.
 *
 *   0x0000_1000  boot information: MBI, Linux zero page or PVH start_info
 *   0x0000_4000  Linux command line
 *   0x0000_5000  Linux 64-bit boot: GDT, then page tables from 0x6000
 *   0x000e_0000  ACPI tables (type 3), in the BIOS area a scan also finds
 *   0x0010_0000  RAM up to the guest's size; kernels load from here on,
 *                Multiboot2 modules above the kernel
 */
#ifndef HV_GUESTS_LAYOUT_H
#define HV_GUESTS_LAYOUT_H

#include <stdint.h>
#include "guests/mbi.h"

struct vm;
struct boot_module;
struct vcpu_boot;

#define GUEST_BOOTINFO_GPA	0x1000
#define GUEST_BOOTINFO_MAX	0x3000
#define GUEST_CMDLINE_GPA	0x4000
#define GUEST_CMDLINE_MAX	0x1000
#define GUEST_GDT_GPA		0x5000
#define GUEST_PT_GPA		0x6000	/* PML4, PDPT, 4 PDs: 4 GiB in 2 MiB */
#define GUEST_ACPI_GPA		0xe0000
#define GUEST_ACPI_MAX		0x10000
#define GUEST_MAP_ENTRIES	5

/* The e820-style map of @vm's RAM (the ACPI tables as type 3). */
unsigned int guest_memory_map(const struct vm *vm,
			      struct mbi_region map[GUEST_MAP_ENTRIES]);
/* Build @vm's ACPI tables; *rsdp gets the RSDP's guest address. */
int guest_build_acpi(struct vm *vm, uint64_t *rsdp);
/*
 * Load a kind = multiboot2 guest: its kernel by its Multiboot2 header,
 * @n_mods modules (the initrd first, then the INI's modules) above it,
 * the ACPI tables and the MBI.
 */
int load_multiboot2(struct vm *vm, const struct boot_module *kernel,
		    const struct boot_module *const *mods, unsigned int n_mods,
		    struct vcpu_boot *boot);
/* Load a kind = linux guest: bzImage (64-bit entry) or vmlinux (PVH). */
int load_linux(struct vm *vm, const struct boot_module *kernel,
	       const struct boot_module *initrd, struct vcpu_boot *boot);

#endif
