// SPDX-License-Identifier: GPL-2.0
/* From the Multiboot2 entry to hv_main(). */
#include <stdint.h>
#include "src/boot_info.h"
#include "src/boot/multiboot2.h"
#include "src/console.h"
#include "src/hypercall.h"
#include "src/power.h"
#include "src/printk.h"

extern char __image_start[], __image_end[];

void mb2_start(uint32_t magic, uint64_t mbi);

void mb2_start(uint32_t magic, uint64_t mbi)
{
	static struct boot_info bi;
	int r;

	console_init();
	r = mb2_parse((const void *)mbi, magic, &bi);
	if (r) {
		pr_err("hvisor: bad Multiboot2 boot information (error %d)\n",
		       r);
		power_off(HV_EXIT_PANIC);
	}
	bi.image_start = (uint64_t)__image_start;
	bi.image_end = (uint64_t)__image_end;
	bi.keep_base = mbi;
	bi.keep_len = *(const uint32_t *)mbi;
	hv_main(&bi);
}
