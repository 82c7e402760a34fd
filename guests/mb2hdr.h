/* SPDX-License-Identifier: GPL-2.0 */
/* The Multiboot2 header of a guest kernel image: what it asks of its loader. */
#ifndef HV_GUESTS_MB2HDR_H
#define HV_GUESTS_MB2HDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MB2_HDR_MAGIC		0xe85250d6
#define MB2_HDR_SEARCH		32768	/* the header lies in the first 32 KiB */

/* Header tag types. */
#define MB2_HTAG_END		0
#define MB2_HTAG_INFO_REQ	1
#define MB2_HTAG_ADDRESS	2
#define MB2_HTAG_ENTRY		3
#define MB2_HTAG_CONSOLE	4
#define MB2_HTAG_FRAMEBUFFER	5
#define MB2_HTAG_MODULE_ALIGN	6
#define MB2_HTAG_EFI_BS		7
#define MB2_HTAG_ENTRY_EFI32	8
#define MB2_HTAG_ENTRY_EFI64	9
#define MB2_HTAG_RELOCATABLE	10

#define MB2_HTAG_OPTIONAL	1	/* flags bit 0 */

/* Relocatable tag preference. */
#define MB2_RELOC_PREF_NONE	0
#define MB2_RELOC_PREF_LOW	1
#define MB2_RELOC_PREF_HIGH	2

struct mb2_header {
	uint32_t offset;	/* of the header in the file */
	bool has_addr, has_entry, has_reloc, modules_aligned;
	bool wants_fb;		/* a framebuffer tag was there (we give none) */
	uint32_t header_addr, load_addr, load_end_addr, bss_end_addr;
	uint32_t entry;
	uint32_t reloc_min, reloc_max, reloc_align, reloc_pref;
	uint32_t console_flags;
	uint64_t requested;	/* bitmask of MBI tag types the kernel asked for */
};

/*
 * Find and check the Multiboot2 header of the kernel image @img (@len
 * bytes): 8-byte aligned in the first 32 KiB, i386, valid checksum, tags
 * bounded by header_length. @provided has bit N set for each MBI tag
 * type N the caller will hand the kernel (the end tag counts as given).
 *
 * Returns 0, -ENOENT when there is no header, -EINVAL for a bad checksum
 * or malformed tags, -ENOTSUP for a required information request or tag
 * that cannot be honoured or another architecture. On error *@why gets a
 * static string and, where one tag type is to blame, *@bad_tag its type
 * (otherwise 0). @why and @bad_tag may be NULL.
 */
int mb2_header_parse(const void *img, size_t len, uint64_t provided,
		     struct mb2_header *h, const char **why, uint32_t *bad_tag);

/*
 * Load an image by its address tag (the a.out kludge): the file offset of
 * the header corresponds to header_addr; copy [load_addr, load_end_addr)
 * (or to the end of the file when load_end_addr is 0) and zero up to
 * bss_end_addr in guest RAM @ram of @ram_size bytes, which starts at
 * guest-physical 0. A relocatable image is still loaded at load_addr.
 * *@lowest and *@highest get the bounds of what was written. -EINVAL when @h has no address tag, -ENOEXEC when its
 * addresses disagree with each other or the file, -ERANGE when the image
 * falls outside RAM.
 */
int mb2_load_by_address(const void *img, size_t len, const struct mb2_header *h,
			uint8_t *ram, uint64_t ram_size,
			uint64_t *lowest, uint64_t *highest);

#endif
