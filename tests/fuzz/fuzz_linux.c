// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: a Linux kernel image as hvisor reads it (guests/linux.c,
 * guests/pvh.c): a bzImage's setup header, its load into a guest RAM of
 * 8 MiB and its boot_params, or a vmlinux's PVH note and ELF load, then
 * the hvm_start_info. Nothing may be written outside RAM or the zero
 * page (AddressSanitizer), a load stays within the bounds it reports,
 * and a refusal names its reason.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "guests/elf.h"
#include "guests/linux.h"
#include "guests/mbi.h"
#include "guests/pvh.h"

#define RAM_SIZE	(8u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct mbi_region map[] = {
		{ .base = 0, .len = 0x9fc00, .type = 1 },
		{ .base = 0x100000, .len = RAM_SIZE - 0x100000, .type = 1 },
	};
	static uint8_t *ram, zp[BZ_ZERO_PAGE_SIZE], info_buf[512];
	const struct linux_boot_args a = {
		.cmdline = "console=ttyS0", .cmdline_gpa = 0x20000,
		.initrd_gpa = 0x400000, .initrd_size = 0x1000,
		.rsdp_gpa = 0xe0000, .map = map, .n_map = 2,
	};
	struct bzimage_info bz;
	struct elf_info info;
	const char *why = NULL;
	uint64_t entry;
	int r;

	if (!ram)
		ram = malloc(RAM_SIZE);
	if (!ram)
		return 0;
	if (bzimage_detect(data, size)) {
		r = bzimage_load(data, size, ram, RAM_SIZE, 0x100000, &bz, &why);
		if (r) {
			if (!why)
				abort();
			return 0;
		}
		if (bz.load_gpa > RAM_SIZE || bz.init_size > RAM_SIZE - bz.load_gpa)
			abort();
		why = NULL;
		r = bzimage_boot_params(zp, data, size, &bz, &a, &why);
		if (r && !why)
			abort();
		return 0;
	}
	r = pvh_find_entry(data, size, &entry);
	if (r == -ENOENT)
		return 0;
	r = pvh_load(data, size, ram, RAM_SIZE, &entry, &info);
	if (r)
		return 0;
	if (info.highest > RAM_SIZE || entry < info.lowest ||
	    entry >= info.highest)
		abort();
	r = pvh_start_info_build(info_buf, sizeof(info_buf), 0x1000, &a);
	if (r < 0 && r != -ENOSPC)
		abort();
	return 0;
}
