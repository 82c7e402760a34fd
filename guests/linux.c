// SPDX-License-Identifier: GPL-2.0
/*
 * bzImage loading, Linux x86 boot protocol 2.12 and later. Offsets are
 * from the kernel's Documentation/arch/x86/boot.rst (the real-mode
 * kernel header) and zero-page.rst / uapi asm/bootparam.h (struct
 * boot_params). The setup header sits at 0x1f1 both in the file and in
 * boot_params, so one set of offsets serves both.
 */
#include <string.h>
#include "guests/bytes.h"
#include "guests/linux.h"

/* Setup header fields. */
#define HDR_SETUP_SECTS		0x1f1
#define HDR_SYSSIZE		0x1f4	/* 16-byte units */
#define HDR_BOOT_FLAG		0x1fe
#define HDR_JUMP		0x200	/* 0xeb, then header length - 2 */
#define HDR_MAGIC		0x202
#define HDR_VERSION		0x206
#define HDR_TYPE_OF_LOADER	0x210
#define HDR_LOADFLAGS		0x211
#define HDR_CODE32_START	0x214
#define HDR_RAMDISK_IMAGE	0x218
#define HDR_RAMDISK_SIZE	0x21c
#define HDR_CMD_LINE_PTR	0x228
#define HDR_INITRD_ADDR_MAX	0x22c
#define HDR_KERNEL_ALIGNMENT	0x230
#define HDR_RELOCATABLE		0x234
#define HDR_XLOADFLAGS		0x236
#define HDR_CMDLINE_SIZE	0x238
#define HDR_PREF_ADDRESS	0x258
#define HDR_INIT_SIZE		0x260
#define HDR_MIN_END		0x264	/* through init_size: all we read */
#define HDR_HOLE_END		0x290	/* room boot_params has for it */

/* boot_params fields outside the setup header. */
#define BP_ACPI_RSDP_ADDR	0x070
#define BP_EXT_RAMDISK_IMAGE	0x0c0
#define BP_EXT_RAMDISK_SIZE	0x0c4
#define BP_EXT_CMD_LINE_PTR	0x0c8
#define BP_E820_ENTRIES		0x1e8
#define BP_E820_TABLE		0x2d0
#define E820_ENTRY_SIZE		20	/* packed: addr u64, size u64, type u32 */

#define BOOT_FLAG		0xaa55
#define HDRS_MAGIC		0x53726448	/* "HdrS" */
#define PROTO_MIN		0x020c	/* 2.12 brought xloadflags */
#define LOADED_HIGH		0x01
#define XLF_KERNEL_64		0x0001
#define LOADER_UNDEFINED	0xff	/* type_of_loader: no assigned ID */
#define BZ_LOAD_DEFAULT		0x100000
#define SECTOR			512

/* What the loader needs from the header, checked against the file. */
struct bz_hdr {
	uint64_t pm_off, pm_len;	/* protected-mode part in the file */
	uint64_t pref;
	uint64_t hdr_end;		/* header bytes to copy end here */
	uint32_t align, init_size, initrd_addr_max, cmdline_size;
	uint16_t version;
	bool relocatable;
};

static int fail(const char **why, const char *msg, int err)
{
	if (why)
		*why = msg;
	return err;
}

bool bzimage_detect(const void *img, size_t len)
{
	const uint8_t *p = img;

	return len >= HDR_VERSION + 2 && rd16(p + HDR_BOOT_FLAG) == BOOT_FLAG &&
	       rd32(p + HDR_MAGIC) == HDRS_MAGIC;
}

static int parse_hdr(const uint8_t *p, size_t len, struct bz_hdr *h,
		     const char **why)
{
	uint64_t setup_sects, syssize;

	if (!bzimage_detect(p, len))
		return fail(why, "not a bzImage (no 0xAA55 / HdrS)", -ENOEXEC);
	h->version = rd16(p + HDR_VERSION);
	if (h->version < PROTO_MIN)
		return fail(why, "boot protocol older than 2.12", -EPROTO);
	h->hdr_end = HDR_MAGIC + (uint64_t)p[HDR_JUMP + 1];
	if (len < HDR_MIN_END || h->hdr_end < HDR_MIN_END)
		return fail(why, "setup header too short", -ENOEXEC);
	if (h->hdr_end > HDR_HOLE_END)
		h->hdr_end = HDR_HOLE_END;
	if (!(rd16(p + HDR_XLOADFLAGS) & XLF_KERNEL_64))
		return fail(why, "kernel has no 64-bit entry point", -EPROTO);

	setup_sects = p[HDR_SETUP_SECTS] ? p[HDR_SETUP_SECTS] : 4;
	h->pm_off = (setup_sects + 1) * SECTOR;
	syssize = (uint64_t)rd32(p + HDR_SYSSIZE) * 16;
	if (h->pm_off >= len || !syssize || syssize > len - h->pm_off)
		return fail(why, "kernel runs past the end of the file",
			    -ENOEXEC);
	/* The whole rest, as other loaders do: a signature may trail it. */
	h->pm_len = len - h->pm_off;

	h->align = rd32(p + HDR_KERNEL_ALIGNMENT);
	h->relocatable = p[HDR_RELOCATABLE] != 0;
	if (h->relocatable && (!h->align || (h->align & (h->align - 1))))
		return fail(why, "kernel_alignment is not a power of two",
			    -ENOEXEC);
	h->pref = rd64(p + HDR_PREF_ADDRESS);
	h->init_size = rd32(p + HDR_INIT_SIZE);
	h->initrd_addr_max = rd32(p + HDR_INITRD_ADDR_MAX);
	h->cmdline_size = rd32(p + HDR_CMDLINE_SIZE);
	return 0;
}

static bool fits(uint64_t at, uint64_t n, uint64_t ram_size)
{
	return at <= ram_size && n <= ram_size - at;
}

/* Pick the load address of a kernel that needs @need bytes. */
static int place(const struct bz_hdr *h, uint64_t need, uint64_t ram_size,
		 uint64_t min_gpa, uint64_t *load, const char **why)
{
	uint64_t mask = (uint64_t)h->align - 1;

	if (!h->relocatable) {
		/* It runs at pref_address only: put it there. */
		*load = h->pref ? h->pref : BZ_LOAD_DEFAULT;
		if (*load < min_gpa)
			return fail(why, "non-relocatable kernel below min_gpa",
				    -ERANGE);
	} else if (h->pref && !(h->pref & mask) && h->pref >= min_gpa &&
		   fits(h->pref, need, ram_size)) {
		*load = h->pref;
	} else {
		if (min_gpa > UINT64_MAX - mask)
			return fail(why, "kernel does not fit in guest RAM",
				    -ERANGE);
		*load = (min_gpa + mask) & ~mask;
	}
	if (!fits(*load, need, ram_size))
		return fail(why, "kernel does not fit in guest RAM", -ERANGE);
	return 0;
}

int bzimage_load(const void *img, size_t len, uint8_t *ram, uint64_t ram_size,
		 uint64_t min_gpa, struct bzimage_info *info, const char **why)
{
	const uint8_t *p = img;
	struct bz_hdr h;
	uint64_t need, load;
	int err;

	err = parse_hdr(p, len, &h, why);
	if (err)
		return err;
	need = h.init_size > h.pm_len ? h.init_size : h.pm_len;
	err = place(&h, need, ram_size, min_gpa, &load, why);
	if (err)
		return err;
	memcpy(ram + load, p + h.pm_off, h.pm_len);

	info->load_gpa = load;
	info->entry64 = load + 0x200;
	info->init_size = need;
	info->version = h.version;
	info->initrd_addr_max = h.initrd_addr_max;
	info->cmdline_size = h.cmdline_size;
	return 0;
}

static void put_e820(uint8_t *bp, const struct mbi_region *map, unsigned int n)
{
	bp[BP_E820_ENTRIES] = n;
	for (unsigned int i = 0; i < n; i++) {
		uint8_t *e = bp + BP_E820_TABLE + i * E820_ENTRY_SIZE;

		wr64(e, map[i].base);
		wr64(e + 8, map[i].len);
		wr32(e + 16, map[i].type);
	}
}

int bzimage_boot_params(void *zp, const void *img, size_t len,
			const struct bzimage_info *info,
			const struct linux_boot_args *a, const char **why)
{
	const uint8_t *p = img;
	uint8_t *bp = zp;
	uint64_t initrd;
	struct bz_hdr h;
	int err;

	err = parse_hdr(p, len, &h, why);
	if (err)
		return err;
	if (a->n_map > BZ_E820_MAX)
		return fail(why, "more than 128 memory map entries", -E2BIG);
	/* initrd_addr_max is the last byte the initrd may occupy. */
	if (a->initrd_size && (a->initrd_gpa > h.initrd_addr_max ||
			       a->initrd_size - 1 > h.initrd_addr_max - a->initrd_gpa))
		return fail(why, "initrd ends above initrd_addr_max", -ERANGE);
	if (a->cmdline &&
	    strnlen(a->cmdline, (size_t)h.cmdline_size + 1) > h.cmdline_size)
		return fail(why, "command line longer than cmdline_size",
			    -ERANGE);

	memset(bp, 0, BZ_ZERO_PAGE_SIZE);
	memcpy(bp + HDR_SETUP_SECTS, p + HDR_SETUP_SECTS,
	       h.hdr_end - HDR_SETUP_SECTS);
	bp[HDR_TYPE_OF_LOADER] = LOADER_UNDEFINED;
	bp[HDR_LOADFLAGS] |= LOADED_HIGH;
	wr32(bp + HDR_CODE32_START, info->load_gpa);

	wr32(bp + HDR_CMD_LINE_PTR, a->cmdline_gpa);
	wr32(bp + BP_EXT_CMD_LINE_PTR, a->cmdline_gpa >> 32);
	/* Written even without an initrd: the file's bytes must not count. */
	initrd = a->initrd_size ? a->initrd_gpa : 0;
	wr32(bp + HDR_RAMDISK_IMAGE, initrd);
	wr32(bp + BP_EXT_RAMDISK_IMAGE, initrd >> 32);
	wr32(bp + HDR_RAMDISK_SIZE, a->initrd_size);
	wr32(bp + BP_EXT_RAMDISK_SIZE, a->initrd_size >> 32);
	wr64(bp + BP_ACPI_RSDP_ADDR, a->rsdp_gpa);
	put_e820(bp, a->map, a->n_map);
	return 0;
}
