// SPDX-License-Identifier: GPL-2.0
/*
 * PVH boot: the entry point from the kernel's Xen ELF note, and the
 * hvm_start_info handed to it. The hvm_start_info layout (version 1) is
 * the one Xen's public/arch-x86/hvm/start_info.h documents:
 *
 *   hvm_start_info (56 bytes): magic u32 @0, version u32 @4, flags u32 @8,
 *     nr_modules u32 @12, modlist_paddr u64 @16, cmdline_paddr u64 @24,
 *     rsdp_paddr u64 @32, memmap_paddr u64 @40, memmap_entries u32 @48,
 *     reserved u32 @52
 *   hvm_modlist_entry (32 bytes): paddr, size, cmdline_paddr, reserved
 *   hvm_memmap_table_entry (24 bytes): addr u64, size u64, type u32,
 *     reserved u32; types are the e820 / ACPI address range types
 *
 * XEN_ELFNOTE_PHYS32_ENTRY (18) is from Xen's public/elfnote.h.
 */
#include <string.h>
#include "guests/bytes.h"
#include "guests/pvh.h"

#define XEN_ELFNOTE_PHYS32_ENTRY 18
#define NOTE_HDR		12	/* namesz, descsz, type */

#define SI_MAGIC		0
#define SI_VERSION		4
#define SI_FLAGS		8
#define SI_NR_MODULES		12
#define SI_MODLIST_PADDR	16
#define SI_CMDLINE_PADDR	24
#define SI_RSDP_PADDR		32
#define SI_MEMMAP_PADDR		40
#define SI_MEMMAP_ENTRIES	48

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

/*
 * Walk the notes in @n (@len bytes, entries padded to @align): 0 and
 * *@entry set when the PVH note is there, -ENOENT when not, -ENOEXEC
 * for a note that does not fit.
 */
static int scan_notes(const uint8_t *n, uint64_t len, uint64_t align,
		      uint64_t *entry)
{
	while (len) {
		uint64_t namesz, descsz, desc_off, size;
		const uint8_t *desc;

		if (len < NOTE_HDR)
			return -ENOEXEC;
		namesz = rd32(n);
		descsz = rd32(n + 4);
		desc_off = NOTE_HDR + align_up(namesz, align);
		if (desc_off > len || descsz > len - desc_off)
			return -ENOEXEC;
		desc = n + desc_off;
		if (rd32(n + 8) == XEN_ELFNOTE_PHYS32_ENTRY && namesz == 4 &&
		    !memcmp(n + NOTE_HDR, "Xen", 4)) {
			if (descsz == 4)
				*entry = rd32(desc);
			else if (descsz == 8)
				*entry = rd64(desc);
			else
				return -ENOEXEC;
			/* A 32-bit entry, paging off: it has to be below 4G. */
			return *entry >> 32 ? -ENOEXEC : 0;
		}
		/* The last note's padding may be left out. */
		size = desc_off + align_up(descsz, align);
		if (size > len)
			size = len;
		n += size;
		len -= size;
	}
	return -ENOENT;
}

int pvh_find_entry(const void *img, size_t len, uint64_t *entry)
{
	struct elf_file f;
	int err = elf_open(img, len, &f);

	if (err)
		return err;
	for (uint64_t i = 0; i < f.phnum; i++) {
		struct elf_seg s;

		elf_seg(&f, i, &s);
		if (s.type != ELF_PT_NOTE)
			continue;
		if (s.offset > len || s.filesz > len - s.offset)
			return -ENOEXEC;
		/* Notes pad to 4 bytes, except in an 8-aligned segment. */
		err = scan_notes(f.img + s.offset, s.filesz,
				 s.align == 8 ? 8 : 4, entry);
		if (err != -ENOENT)
			return err;
	}
	return -ENOENT;
}

int pvh_load(const void *img, size_t len, uint8_t *ram, uint64_t ram_size,
	     uint64_t *entry, struct elf_info *info)
{
	int err = pvh_find_entry(img, len, entry);

	if (err)
		return err;
	err = elf_load(img, len, ram, ram_size, info);
	if (err)
		return err;
	if (*entry < info->lowest || *entry >= info->highest)
		return -ENOEXEC;
	return 0;
}

int pvh_start_info_build(void *buf, size_t cap, uint64_t buf_gpa,
			 const struct linux_boot_args *a)
{
	uint8_t *si = buf;
	uint64_t mod_off = PVH_START_INFO_SIZE;
	uint64_t map_off = mod_off + (a->initrd_size ? PVH_MODLIST_ENTRY_SIZE : 0);
	uint64_t total = map_off + (uint64_t)a->n_map * PVH_MEMMAP_ENTRY_SIZE;

	if (total > cap || total > INT32_MAX)
		return -ENOSPC;
	memset(si, 0, total);
	wr32(si + SI_MAGIC, PVH_START_MAGIC);
	wr32(si + SI_VERSION, 1);
	wr64(si + SI_CMDLINE_PADDR, a->cmdline_gpa);
	wr64(si + SI_RSDP_PADDR, a->rsdp_gpa);

	if (a->initrd_size) {
		uint8_t *m = si + mod_off;

		wr32(si + SI_NR_MODULES, 1);
		wr64(si + SI_MODLIST_PADDR, buf_gpa + mod_off);
		wr64(m, a->initrd_gpa);
		wr64(m + 8, a->initrd_size);
	}
	if (a->n_map) {
		wr64(si + SI_MEMMAP_PADDR, buf_gpa + map_off);
		wr32(si + SI_MEMMAP_ENTRIES, a->n_map);
	}
	for (unsigned int i = 0; i < a->n_map; i++) {
		uint8_t *m = si + map_off + i * PVH_MEMMAP_ENTRY_SIZE;

		wr64(m, a->map[i].base);
		wr64(m + 8, a->map[i].len);
		wr32(m + 16, a->map[i].type);
	}
	return (int)total;
}
