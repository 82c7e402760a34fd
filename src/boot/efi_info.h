/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The plain-C half of the UEFI entry: memory map translation, hvisor.ini
 * image scanning and ESP path building. No gnu-efi headers here, so the
 * host build and cmocka can use it.
 */
#ifndef HV_BOOT_EFI_INFO_H
#define HV_BOOT_EFI_INFO_H

#include <stddef.h>
#include <stdint.h>

#include "src/boot/boot_info.h"

/* EFI_MEMORY_TYPE values we care about (UEFI 2.x, 7.2). */
enum {
	EFI_MT_RESERVED		= 0,
	EFI_MT_LOADER_CODE	= 1,
	EFI_MT_LOADER_DATA	= 2,
	EFI_MT_BS_CODE		= 3,
	EFI_MT_BS_DATA		= 4,
	EFI_MT_RT_CODE		= 5,
	EFI_MT_RT_DATA		= 6,
	EFI_MT_CONVENTIONAL	= 7,
	EFI_MT_UNUSABLE		= 8,
	EFI_MT_ACPI_RECLAIM	= 9,
	EFI_MT_ACPI_NVS		= 10,
	EFI_MT_MMIO		= 11,
	EFI_MT_MMIO_PORT	= 12,
	EFI_MT_PAL_CODE		= 13,
	EFI_MT_PERSISTENT	= 14,
};

#define EFI_INFO_PAGE_SIZE 4096ULL

/*
 * The leading fields of EFI_MEMORY_DESCRIPTOR, laid out as the firmware
 * does. Entries are desc_size apart, which may exceed sizeof() of this.
 */
struct efi_mem_desc {
	uint32_t type;
	uint32_t pad;
	uint64_t phys_start;
	uint64_t virt_start;
	uint64_t num_pages;
	uint64_t attribute;
};

/* The boot_info region type for an EFI memory type. */
uint32_t efi_mem_type_to_boot(uint32_t efi_type);

/*
 * Translate @map_size bytes of memory descriptors, @desc_size apart, into
 * bi->mmap: sorted by base, adjacent regions of one type merged. Returns
 * 0, -EINVAL for a bad @desc_size, or -E2BIG when the regions do not fit
 * BOOT_MMAP_MAX; then bi->mmap holds the ones that fit (still valid, just
 * incomplete).
 */
int efi_mmap_to_boot(const void *map, size_t map_size, size_t desc_size,
		     struct boot_info *bi);

/*
 * Scan hvisor.ini @text (@len bytes, NUL not needed) for `kernel = NAME`,
 * `initrd = NAME` and `modules = NAME[, NAME...]` in [guest ...] sections,
 * calling @cb once per non-empty name, in file order, duplicates included.
 * @name is not NUL-terminated. Comment and syntax rules follow inih's
 * defaults. A non-zero return from @cb stops the scan and is returned.
 */
typedef int (*efi_image_cb)(void *ctx, const char *name, size_t len);
int efi_ini_images(const char *text, size_t len, efi_image_cb cb, void *ctx);

/*
 * The path of image @name (@len bytes) on the ESP: '/' becomes '\', runs of
 * separators collapse, and the result starts with exactly one '\'. Returns
 * the length written to @out (NUL-terminated), -EINVAL for an empty name
 * or one with a control character, -E2BIG if @out_size is too small.
 */
int efi_esp_path(const char *name, size_t len, char *out, size_t out_size);

#endif
