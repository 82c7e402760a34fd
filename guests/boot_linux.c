// SPDX-License-Identifier: GPL-2.0
/*
 * kind = linux: a bzImage through the 64-bit boot protocol, or an
 * uncompressed vmlinux through its PVH entry (which skips the
 * decompressor, most of a boot under emulation). The file decides.
 */
#include <errno.h>
#include <string.h>
#include "guests/elf.h"
#include "guests/layout.h"
#include "guests/loader.h"
#include "guests/linux.h"
#include "guests/pvh.h"
#include "src/boot/boot_info.h"
#include "src/arch/printk.h"
#include "src/core/vm.h"

/* Where the kernel may start: above the low 1 MiB the layout uses. */
#define KERNEL_MIN_GPA	0x100000

/* __BOOT_CS (0x10) 64-bit code and __BOOT_DS (0x18) data, flat. */
static void write_boot_gdt(uint8_t *ram)
{
	static const uint64_t gdt[4] = {
		0, 0, 0x00af9b000000ffffULL, 0x00cf93000000ffffULL,
	};

	memcpy(ram + GUEST_GDT_GPA, gdt, sizeof(gdt));
}

/*
 * An identity map of the first 4 GiB in 2 MiB pages, which covers the
 * kernel, boot_params and the command line as the protocol requires.
 */
static void write_identity_map(uint8_t *ram)
{
	uint64_t *pml4 = (uint64_t *)(ram + GUEST_PT_GPA);
	uint64_t *pdpt = pml4 + 512;
	uint64_t *pd = pdpt + 512;

	memset(pml4, 0, 6 * 4096);
	pml4[0] = (GUEST_PT_GPA + 0x1000) | 3;		/* present, writable */
	for (int i = 0; i < 4; i++) {
		pdpt[i] = (GUEST_PT_GPA + 0x2000 + i * 0x1000) | 3;
		for (int j = 0; j < 512; j++)
			pd[i * 512 + j] = ((uint64_t)(i * 512 + j) << 21) | 0x83;
	}
}

/* The initrd goes at the top of RAM, page-aligned, as boot loaders do. */
static int place_initrd(struct vm *vm, const struct boot_module *initrd,
			uint64_t limit, uint64_t kernel_end,
			struct linux_boot_args *a)
{
	uint64_t top = vm->ram_size < limit ? vm->ram_size : limit;
	uint64_t gpa;

	if (!initrd)
		return 0;
	gpa = (top - initrd->size) & ~0xfffULL;
	if (initrd->size > top || gpa < kernel_end) {
		pr_err("hvisor: guest '%s': initrd '%s' (%lu KiB) does not fit above the kernel (ends %#lx) in %lu MiB\n",
		       vm->name, initrd->name, initrd->size >> 10, kernel_end,
		       vm->ram_size >> 20);
		return -ERANGE;
	}
	memcpy((void *)(vm->ram_hpa + gpa), (const void *)initrd->base,
	       initrd->size);
	a->initrd_gpa = gpa;
	a->initrd_size = initrd->size;
	return 0;
}

static int load_pvh(struct vm *vm, const struct boot_module *kernel,
		    const struct boot_module *initrd,
		    struct linux_boot_args *a, struct vcpu_boot *boot)
{
	struct elf_info ei;
	uint64_t entry;
	int r;

	r = pvh_load((const void *)kernel->base, kernel->size,
		     (uint8_t *)vm->ram_hpa, vm->ram_size, &entry, &ei);
	if (r == -ENOENT) {
		pr_err("hvisor: guest '%s': '%s' is an ELF file without a PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY); use the bzImage or a kernel built with CONFIG_PVH=y\n",
		       vm->name, kernel->name);
		return r;
	}
	if (r == -ERANGE) {
		pr_err("hvisor: guest '%s': vmlinux '%s' does not fit in %lu MiB of RAM\n",
		       vm->name, kernel->name, vm->ram_size >> 20);
		return r;
	}
	if (r) {
		pr_err("hvisor: guest '%s': '%s' is not a valid vmlinux (%d)\n",
		       vm->name, kernel->name, r);
		return r;
	}
	if (ei.lowest < KERNEL_MIN_GPA) {
		pr_err("hvisor: guest '%s': vmlinux '%s' loads at %#lx, inside the low 1 MiB\n",
		       vm->name, kernel->name, ei.lowest);
		return -ERANGE;
	}
	r = place_initrd(vm, initrd, 1ULL << 32, ei.highest, a);
	if (r)
		return r;
	r = pvh_start_info_build((void *)(vm->ram_hpa + GUEST_BOOTINFO_GPA),
				 GUEST_BOOTINFO_MAX, GUEST_BOOTINFO_GPA, a);
	if (r < 0) {
		pr_err("hvisor: guest '%s': the PVH start info does not fit (%d)\n",
		       vm->name, r);
		return r;
	}
	/* PVH: EBX = start_info. */
	guest_boot_pm32(boot, entry);
	pr_info("hvisor: guest '%s': vmlinux %s at %#lx-%#lx, PVH entry %#lx\n",
		vm->name, kernel->name, ei.lowest, ei.highest, entry);
	return 0;
}

static int load_bzimage(struct vm *vm, const struct boot_module *kernel,
			const struct boot_module *initrd,
			struct linux_boot_args *a, struct vcpu_boot *boot)
{
	const void *img = (const void *)kernel->base;
	uint8_t *ram = (uint8_t *)vm->ram_hpa;
	struct bzimage_info bi;
	const char *why = "";
	int r;

	r = bzimage_load(img, kernel->size, ram, vm->ram_size, KERNEL_MIN_GPA,
			 &bi, &why);
	if (r) {
		pr_err("hvisor: guest '%s': bzImage '%s': %s\n", vm->name,
		       kernel->name, why);
		return r;
	}
	r = place_initrd(vm, initrd, (uint64_t)bi.initrd_addr_max + 1,
			 bi.load_gpa + bi.init_size, a);
	if (r)
		return r;
	r = bzimage_boot_params(ram + GUEST_BOOTINFO_GPA, img, kernel->size,
				&bi, a, &why);
	if (r) {
		pr_err("hvisor: guest '%s': bzImage '%s': %s\n", vm->name,
		       kernel->name, why);
		return r;
	}
	write_boot_gdt(ram);
	write_identity_map(ram);
	/* The 64-bit entry: long mode, identity map, RSI = boot_params. */
	boot->mode = VCPU_MODE_LONG64;
	boot->rip = bi.entry64;
	boot->rsi = GUEST_BOOTINFO_GPA;
	boot->cr3 = GUEST_PT_GPA;
	boot->gdt = GUEST_GDT_GPA;
	pr_info("hvisor: guest '%s': bzImage %s (protocol %u.%02u) at %#lx, init_size %lu MiB, 64-bit entry %#lx\n",
		vm->name, kernel->name, bi.version >> 8, bi.version & 0xff,
		bi.load_gpa, bi.init_size >> 20, bi.entry64);
	return 0;
}

int load_linux(struct vm *vm, const struct boot_module *kernel,
	       const struct boot_module *initrd, struct vcpu_boot *boot)
{
	const uint8_t *img = (const uint8_t *)kernel->base;
	struct mbi_region map[GUEST_MAP_ENTRIES];
	struct linux_boot_args a = {
		.cmdline = vm->cfg->cmdline,
		.cmdline_gpa = GUEST_CMDLINE_GPA,
		.map = map,
		.n_map = guest_memory_map(vm, map),
	};
	size_t clen = strlen(vm->cfg->cmdline) + 1;
	int r;

	if (clen > GUEST_CMDLINE_MAX)
		return -E2BIG;		/* the config parser bounds it far lower */
	memcpy((void *)(vm->ram_hpa + GUEST_CMDLINE_GPA), vm->cfg->cmdline, clen);
	r = guest_build_acpi(vm, &a.rsdp_gpa);
	if (r)
		return r;
	if (bzimage_detect(img, kernel->size))
		return load_bzimage(vm, kernel, initrd, &a, boot);
	if (kernel->size >= 4 && !memcmp(img, "\x7f" "ELF", 4))
		return load_pvh(vm, kernel, initrd, &a, boot);
	pr_err("hvisor: guest '%s': kind = linux, but '%s' is neither a bzImage nor an ELF vmlinux\n",
	       vm->name, kernel->name);
	return -ENOEXEC;
}
