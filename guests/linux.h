/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Loading a Linux bzImage and filling its zero page (struct boot_params),
 * following the kernel's Documentation/arch/x86/boot.rst and
 * zero-page.rst. The guest is entered at the 64-bit entry point.
 */
#ifndef HV_GUESTS_LINUX_H
#define HV_GUESTS_LINUX_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "guests/mbi.h"

/* The hypervisor's errno.h lacks it; this is the Linux value. */
#ifndef EPROTO
#define EPROTO	71
#endif

#define BZ_ZERO_PAGE_SIZE	4096
#define BZ_E820_MAX		128	/* entries that fit in the zero page */

/* What the guest is handed besides the kernel: shared by bzImage and PVH. */
struct linux_boot_args {
	const char *cmdline;	/* copied by the caller to cmdline_gpa */
	uint64_t cmdline_gpa;
	uint64_t initrd_gpa, initrd_size;	/* 0 size: none */
	uint64_t rsdp_gpa;			/* 0: none */
	const struct mbi_region *map;	/* e820 types: 1 RAM, 2 reserved... */
	unsigned int n_map;
};

struct bzimage_info {
	uint64_t load_gpa;	/* where the protected-mode kernel was copied */
	uint64_t entry64;	/* load_gpa + 0x200 */
	uint64_t init_size;	/* bytes from load_gpa the kernel needs */
	uint16_t version;	/* boot protocol, 0x020f for 2.15 */
	uint32_t initrd_addr_max;	/* last byte an initrd may occupy */
	uint32_t cmdline_size;	/* longest command line, without its NUL */
};

/* Is @img a bzImage at all (boot_flag 0xAA55 and "HdrS")? */
bool bzimage_detect(const void *img, size_t len);

/*
 * Validate the bzImage @img and copy its protected-mode part into guest
 * RAM @ram of @ram_size bytes (RAM starts at guest-physical 0). A
 * relocatable kernel goes at its pref_address when that is aligned, at
 * or above @min_gpa and fits, else at the first kernel_alignment-aligned
 * address at or above @min_gpa; a non-relocatable one only at
 * pref_address (0x100000 when that is 0). [load, load + init_size) must
 * lie in RAM. Errors: -ENOEXEC not a bzImage or malformed (sizes past
 * the file), -EPROTO protocol older than 2.12 or no 64-bit entry,
 * -ERANGE it does not fit. @why (may be NULL) gets a static string
 * naming the problem.
 */
int bzimage_load(const void *img, size_t len, uint8_t *ram, uint64_t ram_size,
		 uint64_t min_gpa, struct bzimage_info *info, const char **why);

/*
 * Fill the BZ_ZERO_PAGE_SIZE bytes at @zp with the boot_params for the
 * kernel @img that bzimage_load() placed as @info says: the setup header
 * from the file, the loader's fields, command line, initrd, RSDP and
 * the e820 map from @a. Errors: -ENOEXEC @img is not a valid bzImage,
 * -E2BIG more than BZ_E820_MAX map entries, -ERANGE an initrd ending
 * above initrd_addr_max or a command line longer than cmdline_size.
 */
int bzimage_boot_params(void *zp, const void *img, size_t len,
			const struct bzimage_info *info,
			const struct linux_boot_args *a, const char **why);

#endif
