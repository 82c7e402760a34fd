// SPDX-License-Identifier: GPL-2.0
/*
 * The Multiboot2 header of a guest kernel. What it accepts follows GRUB
 * (grub-core/loader/multiboot_mbi2.c): a required information request
 * for something we cannot give, or a required tag we do not know, stops
 * the boot rather than leaving the kernel to find out.
 */
#include <errno.h>
#include <string.h>
#include "guests/bytes.h"
#include "guests/mb2hdr.h"

#define HDR_SIZE	16	/* magic, architecture, header_length, checksum */
#define TAG_SIZE	8	/* type, flags, size */
#define ARCH_I386	0

static int fail(int err, const char *msg, uint32_t tag,
		const char **why, uint32_t *bad_tag)
{
	if (why)
		*why = msg;
	if (bad_tag)
		*bad_tag = tag;
	return err;
}

/* The payload size each known tag needs, past its 8-byte tag header. */
static uint32_t min_body(uint16_t type)
{
	switch (type) {
	case MB2_HTAG_ADDRESS:
	case MB2_HTAG_RELOCATABLE:
		return 16;
	case MB2_HTAG_FRAMEBUFFER:
		return 12;
	case MB2_HTAG_ENTRY:
	case MB2_HTAG_CONSOLE:
	case MB2_HTAG_ENTRY_EFI32:
	case MB2_HTAG_ENTRY_EFI64:
		return 4;
	default:
		return 0;
	}
}

/*
 * The first 8-aligned magic whose checksum holds. A magic with a bad
 * checksum may be a stray constant, so keep looking, but remember it:
 * when nothing better turns up it was most likely a damaged header.
 */
static int find_header(const uint8_t *p, size_t limit, uint32_t *off)
{
	bool bad_sum = false;

	for (size_t o = 0; o + HDR_SIZE <= limit; o += 8) {
		uint32_t sum;

		if (rd32(p + o) != MB2_HDR_MAGIC)
			continue;
		sum = rd32(p + o) + rd32(p + o + 4) + rd32(p + o + 8) +
		      rd32(p + o + 12);
		if (sum == 0) {
			*off = o;
			return 0;
		}
		bad_sum = true;
	}
	return bad_sum ? -EINVAL : -ENOENT;
}

static int info_request(const uint8_t *t, uint32_t size, uint16_t flags,
			uint64_t provided, struct mb2_header *h,
			const char **why, uint32_t *bad_tag)
{
	for (uint32_t i = TAG_SIZE; i + 4 <= size; i += 4) {
		uint32_t type = rd32(t + i);
		bool have = type < 64 && (provided >> type & 1);

		if (type < 64)
			h->requested |= 1ULL << type;
		if (!have && !(flags & MB2_HTAG_OPTIONAL))
			return fail(-ENOTSUP,
				    "Multiboot2 header requires boot information we do not give",
				    type, why, bad_tag);
	}
	return 0;
}

/* One tag @t of @size bytes, already bounds-checked. */
static int one_tag(const uint8_t *t, uint16_t type, uint16_t flags,
		   uint32_t size, uint64_t provided, struct mb2_header *h,
		   const char **why, uint32_t *bad_tag)
{
	switch (type) {
	case MB2_HTAG_INFO_REQ:
		return info_request(t, size, flags, provided, h, why, bad_tag);
	case MB2_HTAG_ADDRESS:
		h->has_addr = true;
		h->header_addr = rd32(t + 8);
		h->load_addr = rd32(t + 12);
		h->load_end_addr = rd32(t + 16);
		h->bss_end_addr = rd32(t + 20);
		return 0;
	case MB2_HTAG_ENTRY:
		h->has_entry = true;
		h->entry = rd32(t + 8);
		return 0;
	case MB2_HTAG_CONSOLE:
		h->console_flags = rd32(t + 8);
		return 0;
	case MB2_HTAG_FRAMEBUFFER:
		/* Only a preferred mode, says the spec; GRUB too goes on without. */
		h->wants_fb = true;
		return 0;
	case MB2_HTAG_MODULE_ALIGN:
		h->modules_aligned = true;
		return 0;
	case MB2_HTAG_EFI_BS:
	case MB2_HTAG_ENTRY_EFI32:
	case MB2_HTAG_ENTRY_EFI64:
		return 0;	/* no EFI in a guest: the i386 entry is used */
	case MB2_HTAG_RELOCATABLE:
		h->has_reloc = true;
		h->reloc_min = rd32(t + 8);
		h->reloc_max = rd32(t + 12);
		h->reloc_align = rd32(t + 16);
		h->reloc_pref = rd32(t + 20);
		return 0;
	default:
		if (flags & MB2_HTAG_OPTIONAL)
			return 0;
		return fail(-ENOTSUP,
			    "Multiboot2 header has a required tag we do not know",
			    type, why, bad_tag);
	}
}

int mb2_header_parse(const void *img, size_t len, uint64_t provided,
		     struct mb2_header *h, const char **why, uint32_t *bad_tag)
{
	const uint8_t *p = img;
	size_t limit = len < MB2_HDR_SEARCH ? len : MB2_HDR_SEARCH;
	uint32_t off, hlen, pos;
	int r;

	memset(h, 0, sizeof(*h));
	fail(0, NULL, 0, why, bad_tag);
	provided |= 1ULL << MB2_HTAG_END;	/* the MBI always ends with one */

	r = find_header(p, limit, &off);
	if (r == -ENOENT)
		return fail(r, "no Multiboot2 header in the first 32 KiB", 0,
			    why, bad_tag);
	if (r)
		return fail(r, "Multiboot2 header checksum is wrong", 0,
			    why, bad_tag);
	h->offset = off;
	p += off;
	if (rd32(p + 4) != ARCH_I386)
		return fail(-ENOTSUP, "Multiboot2 header is not for i386", 0,
			    why, bad_tag);
	hlen = rd32(p + 8);
	if (hlen < HDR_SIZE + TAG_SIZE || hlen > limit - off)
		return fail(-EINVAL,
			    "Multiboot2 header length runs past the file or 32 KiB",
			    0, why, bad_tag);

	/* Tags follow the fixed part, each 8-aligned, all inside hlen. */
	for (pos = HDR_SIZE; pos <= hlen - TAG_SIZE; ) {
		uint16_t type = rd16(p + pos), flags = rd16(p + pos + 2);
		uint32_t size = rd32(p + pos + 4);

		if (size < TAG_SIZE + min_body(type) || size > hlen - pos)
			return fail(-EINVAL,
				    "Multiboot2 header tag has a bad size",
				    type, why, bad_tag);
		if (type == MB2_HTAG_END)
			break;
		r = one_tag(p + pos, type, flags, size, provided, h, why,
			    bad_tag);
		if (r)
			return r;
		pos = (pos + size + 7) & ~7u;
	}
	if (pos > hlen - TAG_SIZE)
		return fail(-EINVAL, "Multiboot2 header has no end tag", 0,
			    why, bad_tag);
	/* GRUB refuses this too: there would be nowhere to jump. */
	if (h->has_addr && !h->has_entry)
		return fail(-EINVAL,
			    "Multiboot2 address tag without an entry address tag",
			    MB2_HTAG_ADDRESS, why, bad_tag);
	return 0;
}

int mb2_load_by_address(const void *img, size_t len, const struct mb2_header *h,
			uint8_t *ram, uint64_t ram_size,
			uint64_t *lowest, uint64_t *highest)
{
	uint64_t load = h->load_addr, start, size, end;

	if (!h->has_addr)
		return -EINVAL;
	/* load_addr -1: the file is loaded from its first byte. */
	if (load == 0xffffffff)
		load = (uint64_t)h->header_addr - h->offset;
	if (load > h->header_addr || h->header_addr - load > h->offset)
		return -ENOEXEC;
	start = h->offset - (h->header_addr - load);
	if (start > len)
		return -ENOEXEC;
	if (h->load_end_addr) {
		if (h->load_end_addr < load ||
		    h->load_end_addr - load > len - start)
			return -ENOEXEC;
		size = h->load_end_addr - load;
	} else {
		size = len - start;
	}
	end = load + size;
	if (h->bss_end_addr) {
		if (h->bss_end_addr < end)
			return -ENOEXEC;
		end = h->bss_end_addr;
	}
	if (end == load || h->entry < load || h->entry >= end)
		return -ENOEXEC;
	if (load >= ram_size || end > ram_size)
		return -ERANGE;
	memcpy(ram + load, (const uint8_t *)img + start, size);
	memset(ram + load + size, 0, end - load - size);
	*lowest = load;
	*highest = end;
	return 0;
}
