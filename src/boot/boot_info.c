// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers over struct boot_info, shared by the Multiboot2 and UEFI entries.
 */
#include <stdint.h>
#include <stddef.h>

#include "src/boot/boot_info.h"

/* Exact match; a name that fills its slot without a NUL never matches. */
static int name_eq(const char *slot, const char *name)
{
	size_t i;

	for (i = 0; i < BOOT_NAME_MAX; i++) {
		if (slot[i] != name[i])
			return 0;
		if (!slot[i])
			return 1;
	}
	return 0;
}

const struct boot_module *boot_find_module(const struct boot_info *bi,
					   const char *name)
{
	uint32_t i, n;

	if (!bi || !name)
		return NULL;
	n = bi->n_mods < BOOT_MOD_MAX ? bi->n_mods : BOOT_MOD_MAX;
	for (i = 0; i < n; i++)
		if (name_eq(bi->mods[i].name, name))
			return &bi->mods[i];
	return NULL;
}
