// SPDX-License-Identifier: GPL-2.0
/*
 * Multiboot2 information parsing into struct boot_info.
 *
 * The MBI comes from whatever loader started us, so nothing in it is
 * trusted: every size is checked against total_size before a byte behind
 * it is read, and fields are read with memcpy so no alignment or aliasing
 * assumption leaks in.
 */
#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <errno.h>

#include "src/boot/boot_info.h"
#include "src/boot/multiboot2.h"

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* Length of the NUL-terminated string in [s, s + max), or -1 if none. */
static long str_in(const uint8_t *s, uint32_t max)
{
	uint32_t i;

	for (i = 0; i < max; i++)
		if (!s[i])
			return i;
	return -1;
}

/* Copy a string of length len into dst of size cap, truncating. */
static void copy_str(char *dst, size_t cap, const uint8_t *src, size_t len)
{
	if (len >= cap)
		len = cap - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

static int parse_cmdline(const uint8_t *tag, uint32_t size,
			 struct boot_info *bi)
{
	long len = str_in(tag + MB2_TAG_HDR_SIZE, size - MB2_TAG_HDR_SIZE);

	if (len < 0)
		return -EINVAL;
	copy_str(bi->cmdline, sizeof(bi->cmdline), tag + MB2_TAG_HDR_SIZE, len);
	return 0;
}

static int parse_module(const uint8_t *tag, uint32_t size,
			struct boot_info *bi)
{
	struct boot_module *m;
	uint32_t start, end;
	long len;

	if (size < MB2_MODULE_HDR_SIZE)
		return -EINVAL;
	start = rd32(tag + 8);
	end = rd32(tag + 12);
	len = str_in(tag + MB2_MODULE_HDR_SIZE, size - MB2_MODULE_HDR_SIZE);
	if (end < start || len < 0)
		return -EINVAL;
	if (bi->n_mods >= BOOT_MOD_MAX)
		return -E2BIG;

	m = &bi->mods[bi->n_mods++];
	/* A name longer than the slot is cut; boot_find_module then fails. */
	copy_str(m->name, sizeof(m->name), tag + MB2_MODULE_HDR_SIZE, len);
	m->base = start;
	m->size = end - start;
	return 0;
}

static uint32_t mem_type(uint32_t mb2_type)
{
	switch (mb2_type) {
	case MB2_MEM_AVAILABLE:
		return BOOT_MEM_RAM;
	case MB2_MEM_ACPI_RECLAIMABLE:
		return BOOT_MEM_ACPI;
	case MB2_MEM_NVS:
		return BOOT_MEM_NVS;
	case MB2_MEM_BADRAM:
		return BOOT_MEM_BAD;
	default:
		return BOOT_MEM_RESERVED;
	}
}

static int parse_mmap(const uint8_t *tag, uint32_t size, struct boot_info *bi)
{
	uint32_t esize, n, i;

	if (size < MB2_MMAP_HDR_SIZE)
		return -EINVAL;
	esize = rd32(tag + 8);
	if (esize < MB2_MMAP_ENTRY_MIN || esize % 8)
		return -EINVAL;
	/* The tag's size counts whole entries and nothing after them. */
	if ((size - MB2_MMAP_HDR_SIZE) % esize)
		return -EINVAL;
	n = (size - MB2_MMAP_HDR_SIZE) / esize;
	if (n > BOOT_MMAP_MAX)
		return -E2BIG;

	/* A later map tag replaces an earlier one. */
	for (i = 0; i < n; i++) {
		const uint8_t *ent = tag + MB2_MMAP_HDR_SIZE + i * esize;
		struct boot_mem_region *r = &bi->mmap[i];

		r->base = rd64(ent);
		r->len = rd64(ent + 8);
		r->type = mem_type(rd32(ent + 16));
	}
	bi->n_mmap = n;
	return 0;
}

int mb2_parse(const void *mbi, uint32_t magic, struct boot_info *bi)
{
	const uint8_t *base = mbi;
	uint32_t total, off;
	uint64_t rsdp_old = 0, rsdp_new = 0;
	bool have_mmap = false, have_end = false;
	int ret = 0;

	if (!mbi || !bi || magic != MB2_BOOTLOADER_MAGIC ||
	    ((uintptr_t)mbi & (MB2_TAG_ALIGN - 1)))
		return -EINVAL;
	total = rd32(base);
	/* The fixed header plus at least an end tag. */
	if (total < 16 || total > MB2_INFO_MAX)
		return -EINVAL;

	bi->loader = "multiboot2";
	bi->n_mmap = 0;
	bi->n_mods = 0;
	bi->rsdp = 0;
	bi->rsdp_rev = 0;
	bi->cmdline[0] = '\0';

	/* off stays 8-aligned and below total: total <= 1 MiB, no overflow. */
	for (off = 8; total - off >= MB2_TAG_HDR_SIZE; ) {
		const uint8_t *tag = base + off;
		uint32_t type = rd32(tag);
		uint32_t size = rd32(tag + 4);

		if (size < MB2_TAG_HDR_SIZE || size > total - off)
			return -EINVAL;

		switch (type) {
		case MB2_TAG_END:
			have_end = true;
			break;
		case MB2_TAG_CMDLINE:
			ret = parse_cmdline(tag, size, bi);
			break;
		case MB2_TAG_MODULE:
			ret = parse_module(tag, size, bi);
			break;
		case MB2_TAG_MMAP:
			ret = parse_mmap(tag, size, bi);
			have_mmap = true;
			break;
		case MB2_TAG_ACPI_OLD:
			if (size < MB2_TAG_HDR_SIZE + MB2_RSDP_V1_SIZE)
				return -EINVAL;
			rsdp_old = (uintptr_t)(tag + MB2_TAG_HDR_SIZE);
			break;
		case MB2_TAG_ACPI_NEW:
			if (size < MB2_TAG_HDR_SIZE + MB2_RSDP_V2_SIZE)
				return -EINVAL;
			rsdp_new = (uintptr_t)(tag + MB2_TAG_HDR_SIZE);
			break;
		default:
			/* Framebuffer, ELF sections, EFI tables: not ours. */
			break;
		}
		if (ret)
			return ret;
		if (have_end)
			break;
		off += (size + MB2_TAG_ALIGN - 1) & ~(MB2_TAG_ALIGN - 1);
		if (off > total)
			break;
	}
	if (!have_end)
		return -EINVAL;
	if (!have_mmap)
		return -ENOENT;

	/* The XSDT of an ACPI 2.0 RSDP beats the RSDT of a 1.0 one. */
	if (rsdp_new) {
		bi->rsdp = rsdp_new;
		bi->rsdp_rev = 2;
	} else if (rsdp_old) {
		bi->rsdp = rsdp_old;
		bi->rsdp_rev = 0;
	}
	return 0;
}
