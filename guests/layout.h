/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest-physical layout every guest kind shares, and the pieces the
 * per-kind loaders (guests/loader.h) build from it (guests/layout.c).
 *
 *   0x0000_1000  boot information: MBI, Linux zero page or PVH start_info
 *   0x0000_4000  Linux command line
 *   0x0000_5000  Linux 64-bit boot: GDT, then page tables from 0x6000
 *   0x000e_0000  ACPI tables (type 3), in the BIOS area a scan also finds
 *   0x0010_0000  RAM up to the guest's size; kernels load from here on,
 *                Multiboot2 modules above the kernel
 *   0xC000_0000  PCI: BAR window, ECAM (reserved) (src/core/vmpci.h)
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
#define GUEST_MAP_ENTRIES	6

/* The e820-style map of @vm's RAM (the ACPI tables as type 3). */
unsigned int guest_memory_map(const struct vm *vm,
			      struct mbi_region map[GUEST_MAP_ENTRIES]);
/* Build @vm's ACPI tables; *rsdp gets the RSDP's guest address. */
int guest_build_acpi(struct vm *vm, uint64_t *rsdp);
/* Start at @entry in 32-bit protected mode, EBX = the boot information. */
void guest_boot_pm32(struct vcpu_boot *boot, uint64_t entry);

#endif
