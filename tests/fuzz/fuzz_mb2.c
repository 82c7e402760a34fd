// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: a Multiboot2 kernel image as hvisor reads it: the header
 * (guests/mb2hdr.c), then the image loaded by its address tag or as an
 * ELF (guests/elf.c) into a guest RAM of 4 MiB. What was written must lie
 * inside RAM (AddressSanitizer fences the allocation; the reported
 * bounds are checked too), and every refusal comes with a reason.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "guests/elf.h"
#include "guests/mb2hdr.h"

#define RAM_SIZE	(4u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t *ram;
	const char *why = NULL;
	struct mb2_header h;
	struct elf_info info;
	uint64_t lo, hi;
	uint32_t bad_tag;
	int r;

	if (!ram)
		ram = malloc(RAM_SIZE);
	if (!ram)
		return 0;
	/* Every tag type we can hand over, then none but the end tag. */
	r = mb2_header_parse(data, size, ~0ULL, &h, &why, &bad_tag);
	if (r && r != -ENOENT && !why)
		abort();
	(void)mb2_header_parse(data, size, 1, &h, NULL, NULL);
	r = mb2_header_parse(data, size, ~0ULL, &h, NULL, NULL);
	if (!r && h.has_addr) {
		r = mb2_load_by_address(data, size, &h, ram, RAM_SIZE, &lo, &hi);
		if (!r && (lo > hi || hi > RAM_SIZE))
			abort();
		return 0;
	}
	r = elf_load(data, size, ram, RAM_SIZE, &info);
	if (!r && (info.lowest > info.highest || info.highest > RAM_SIZE))
		abort();
	return 0;
}
