// SPDX-License-Identifier: GPL-2.0
/* From the Multiboot2 entry to hv_main(). */
#include <stdint.h>
#include "src/boot/boot_info.h"
#include "src/boot/multiboot2.h"

extern char __image_start[], __image_end[];

void mb2_start(uint32_t magic, uint64_t mbi);

void mb2_start(uint32_t magic, uint64_t mbi)
{
	static struct boot_info bi;
	int r;

	r = mb2_parse((const void *)mbi, magic, &bi);
	if (r) {
		/* hv_main says so once its console is up. */
		bi.loader = "multiboot2";
		bi.error = r;
		hv_main(&bi);
	}
	bi.image_start = (uint64_t)__image_start;
	bi.image_end = (uint64_t)__image_end;
	bi.keep_base = mbi;
	bi.keep_len = *(const uint32_t *)mbi;
	hv_main(&bi);
}
