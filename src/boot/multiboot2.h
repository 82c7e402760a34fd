/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Multiboot2 boot information (the MBI), as the Multiboot2 specification's
 * "Boot information format" lays it out: u32 total_size, u32 reserved, then
 * 8-byte aligned tags of u32 type, u32 size, ending with type 0 size 8.
 *
 * The constants are usable from assembly (mb2.S); the rest is C only.
 */
#ifndef HV_BOOT_MULTIBOOT2_H
#define HV_BOOT_MULTIBOOT2_H

/* In the OS image header, and in EAX at entry. */
#define MB2_HEADER_MAGIC		0xe85250d6
#define MB2_BOOTLOADER_MAGIC		0x36d76289

#define MB2_TAG_ALIGN			8
#define MB2_INFO_MAX			0x100000	/* sanity bound */

#define MB2_TAG_END			0
#define MB2_TAG_CMDLINE			1
#define MB2_TAG_LOADER_NAME		2
#define MB2_TAG_MODULE			3
#define MB2_TAG_BASIC_MEMINFO		4
#define MB2_TAG_BOOTDEV			5
#define MB2_TAG_MMAP			6
#define MB2_TAG_FRAMEBUFFER		8
#define MB2_TAG_ELF_SECTIONS		9
#define MB2_TAG_APM			10
#define MB2_TAG_EFI64			12
#define MB2_TAG_SMBIOS			13
#define MB2_TAG_ACPI_OLD		14
#define MB2_TAG_ACPI_NEW		15
#define MB2_TAG_NETWORK			16
#define MB2_TAG_EFI_MMAP		17
#define MB2_TAG_EFI_BS			18
#define MB2_TAG_EFI64_IH		20
#define MB2_TAG_LOAD_BASE_ADDR		21

/* Memory map entry types. */
#define MB2_MEM_AVAILABLE		1
#define MB2_MEM_RESERVED		2
#define MB2_MEM_ACPI_RECLAIMABLE	3
#define MB2_MEM_NVS			4
#define MB2_MEM_BADRAM			5

/* Fixed part of the tags read here, in bytes. */
#define MB2_TAG_HDR_SIZE		8
#define MB2_MODULE_HDR_SIZE		16	/* + the NUL-ended name */
#define MB2_MMAP_HDR_SIZE		16	/* + entries */
#define MB2_MMAP_ENTRY_MIN		24
#define MB2_RSDP_V1_SIZE		20
#define MB2_RSDP_V2_SIZE		36

#ifndef __ASSEMBLER__
#include <stdint.h>

struct boot_info;

/*
 * Fill bi from the MBI that a Multiboot2 loader left at mbi, with magic as
 * found in EAX. The MBI must be identity mapped: bi->rsdp records the copy
 * of the RSDP inside it by this pointer's value. Only the fields the MBI
 * describes are written (loader, mmap, mods, rsdp, cmdline); image_start,
 * image_end and trampoline are left to the caller.
 *
 * Returns 0, -EINVAL for a malformed MBI or bad magic, -ENOENT without a
 * memory map, -E2BIG for more regions or modules than boot_info holds.
 */
int mb2_parse(const void *mbi, uint32_t magic, struct boot_info *bi);
#endif

#endif
