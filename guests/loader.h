/* SPDX-License-Identifier: GPL-2.0 */
/* The per-kind loaders guests/guest.c calls (boot_mb2.c, boot_linux.c). */
#ifndef HV_GUESTS_LOADER_H
#define HV_GUESTS_LOADER_H

struct vm;
struct boot_module;
struct vcpu_boot;

/*
 * Load a kind = multiboot2 guest: its kernel by its Multiboot2 header,
 * @n_mods modules (the initrd first, then the INI's modules) above it,
 * the ACPI tables and the MBI.
 */
int load_multiboot2(struct vm *vm, const struct boot_module *kernel,
		    const struct boot_module *const *mods, unsigned int n_mods,
		    struct vcpu_boot *boot);
/* Load a kind = linux guest: bzImage (64-bit entry) or vmlinux (PVH). */
int load_linux(struct vm *vm, const struct boot_module *kernel,
	       const struct boot_module *initrd, struct vcpu_boot *boot);

#endif
