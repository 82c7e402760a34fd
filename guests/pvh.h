/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PVH boot of an uncompressed vmlinux: the kernel is entered in 32-bit
 * protected mode, paging off, at the address its Xen ELF note gives,
 * with EBX pointing at a struct hvm_start_info.
 */
#ifndef HV_GUESTS_PVH_H
#define HV_GUESTS_PVH_H

#include <stddef.h>
#include <stdint.h>
#include "guests/elf.h"
#include "guests/linux.h"

#define PVH_START_MAGIC		0x336ec578
#define PVH_START_INFO_SIZE	56
#define PVH_MODLIST_ENTRY_SIZE	32
#define PVH_MEMMAP_ENTRY_SIZE	24

/*
 * Find the PVH entry point of the ELF64 or ELF32 image @img: a note of
 * name "Xen", type XEN_ELFNOTE_PHYS32_ENTRY (18) and a 4- or 8-byte
 * descriptor, in a PT_NOTE segment. 0 and *@entry set; -ENOENT when
 * there is no such note; -ENOEXEC for a malformed ELF or note, or an
 * entry at or above 4 GiB.
 */
int pvh_find_entry(const void *img, size_t len, uint64_t *entry);

/*
 * Load vmlinux @img with elf_load() into guest RAM @ram (GPA 0, @ram_size
 * bytes) and find its PVH entry, which must lie in a loaded segment.
 * Errors as pvh_find_entry() and elf_load().
 */
int pvh_load(const void *img, size_t len, uint8_t *ram, uint64_t ram_size,
	     uint64_t *entry, struct elf_info *info);

/*
 * Write hvm_start_info (version 1) into @buf of @cap bytes, which the
 * guest sees at @buf_gpa (not 0: 0 reads as "absent"), followed by its
 * module list (the initrd as the only module, when there is one) and its
 * memory map (a->map, e820 types). Returns the bytes used, or -ENOSPC.
 */
int pvh_start_info_build(void *buf, size_t cap, uint64_t buf_gpa,
			 const struct linux_boot_args *a);

#endif
