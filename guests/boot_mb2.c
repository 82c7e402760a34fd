// SPDX-License-Identifier: GPL-2.0
/*
 * kind = multiboot2: a kernel with a Multiboot2 header, loaded as GRUB
 * would (grub-core/loader/multiboot_mbi2.c) and started in 32-bit
 * protected mode with EAX = the boot magic and EBX = the MBI. The header
 * decides how: an address tag loads the file by address, else the ELF
 * program headers do; an entry tag overrides e_entry. The initrd is the
 * first module and the INI's modules follow, above the kernel.
 */
#include <errno.h>
#include <string.h>
#include "guests/elf.h"
#include "guests/layout.h"
#include "guests/loader.h"
#include "guests/mb2hdr.h"
#include "guests/mbi.h"
#include "guests/modplace.h"
#include "src/boot/boot_info.h"
#include "src/arch/printk.h"
#include "src/core/vm.h"

#define MB2_BOOT_MAGIC	0x36d76289
#define MB2_LOADER_NAME	"hvisor 0.1"
#define MB2_MODS_MAX	(1 + CFG_MAX_MODULES)
/* Modules and everything else in the MBI are 32-bit addresses. */
#define MB2_LIMIT	(1UL << 32)

/*
 * The MBI tags mbi_build() writes: command line, loader name, modules,
 * basic memory, memory map, both RSDPs (our ACPI tables are 2.0) and the
 * end tag. A header may ask for these, and only these, as required.
 */
#define MB2_PROVIDED	((1ULL << 0) | (1ULL << 1) | (1ULL << 2) | \
			 (1ULL << 3) | (1ULL << 4) | (1ULL << 6) | \
			 (1ULL << 14) | (1ULL << 15))

/* The low pages our boot information and ACPI tables take. */
static const struct gpa_range mb2_fixed[] = {
	{ GUEST_BOOTINFO_GPA, GUEST_BOOTINFO_GPA + GUEST_BOOTINFO_MAX },
	{ GUEST_ACPI_GPA, GUEST_ACPI_GPA + GUEST_ACPI_MAX },
};

static bool overlaps(uint64_t lo, uint64_t hi, const struct gpa_range *r)
{
	return lo < r->end && r->start < hi;
}

/* The kernel by its header: by address tag or by ELF program headers. */
static int load_kernel(struct vm *vm, const struct boot_module *kernel,
		       const struct mb2_header *h, uint64_t *lowest,
		       uint64_t *highest, uint64_t *entry)
{
	const void *img = (const void *)kernel->base;
	struct elf_info ei;
	int r;

	if (h->has_addr) {
		r = mb2_load_by_address(img, kernel->size, h,
					(uint8_t *)vm->ram_hpa, vm->ram_size,
					lowest, highest);
		if (r == -ENOEXEC)
			pr_err("hvisor: guest '%s': image '%s': its Multiboot2 address tag (load %#x-%#x, bss end %#x, entry %#x) disagrees with the file\n",
			       vm->name, kernel->name, h->load_addr,
			       h->load_end_addr, h->bss_end_addr, h->entry);
		*entry = h->entry;
	} else {
		r = elf_load(img, kernel->size, (uint8_t *)vm->ram_hpa,
			     vm->ram_size, &ei);
		if (r == -ENOEXEC)
			pr_err("hvisor: guest '%s': image '%s' has no Multiboot2 address tag and is not a valid x86 ELF file\n",
			       vm->name, kernel->name);
		if (!r) {
			*lowest = ei.lowest;
			*highest = ei.highest;
			*entry = h->has_entry ? h->entry : ei.entry;
		}
	}
	if (r == -ERANGE)
		pr_err("hvisor: guest '%s': image '%s' does not fit in %lu MiB of RAM\n",
		       vm->name, kernel->name, vm->ram_size >> 20);
	if (r)
		return r;
	for (unsigned int i = 0; i < sizeof(mb2_fixed) / sizeof(mb2_fixed[0]); i++) {
		if (overlaps(*lowest, *highest, &mb2_fixed[i])) {
			pr_err("hvisor: guest '%s': image '%s' loads at %#lx-%#lx, over the boot information or ACPI tables (%#lx-%#lx)\n",
			       vm->name, kernel->name, *lowest, *highest,
			       mb2_fixed[i].start, mb2_fixed[i].end);
			return -ERANGE;
		}
	}
	if (*highest > MB2_LIMIT || *entry < *lowest || *entry >= *highest) {
		pr_err("hvisor: guest '%s': image '%s': entry %#lx is outside its image %#lx-%#lx or above 4 GiB\n",
		       vm->name, kernel->name, *entry, *lowest, *highest);
		return -ENOEXEC;
	}
	return 0;
}

/*
 * Copy the modules (initrd first) into RAM above the kernel, page-aligned
 * (which any module-alignment tag is content with), and describe them
 * for the MBI by the names the INI gives them.
 */
static int load_modules(struct vm *vm, const struct boot_module *const *mods,
			unsigned int n_mods, uint64_t k_lo, uint64_t k_hi,
			const struct mbi_region *map, unsigned int n_map,
			struct mbi_module *out)
{
	struct gpa_range busy[] = {
		mb2_fixed[0], mb2_fixed[1], { k_lo, k_hi },
	};
	uint64_t size[MB2_MODS_MAX], gpa[MB2_MODS_MAX];
	unsigned int failed;
	int r;

	if (!n_mods)
		return 0;
	if (n_mods > MB2_MODS_MAX)
		return -E2BIG;		/* the config parser bounds it */
	for (unsigned int i = 0; i < n_mods; i++)
		size[i] = mods[i]->size;
	r = mod_place(map, n_map, busy, sizeof(busy) / sizeof(busy[0]), k_hi,
		      MB2_LIMIT, size, n_mods, gpa, &failed);
	if (r) {
		pr_err("hvisor: guest '%s': module '%s' (%lu KiB) does not fit in RAM above the kernel (ends %#lx) and below %lu MiB\n",
		       vm->name, mods[failed]->name, mods[failed]->size >> 10,
		       k_hi, (vm->ram_size < MB2_LIMIT ? vm->ram_size :
			      MB2_LIMIT) >> 20);
		return r;
	}
	for (unsigned int i = 0; i < n_mods; i++) {
		memcpy((void *)(vm->ram_hpa + gpa[i]),
		       (const void *)mods[i]->base, mods[i]->size);
		out[i].start = gpa[i];
		out[i].end = gpa[i] + mods[i]->size;
		out[i].string = mods[i]->name;
		pr_info("hvisor: guest '%s': module %s at %#lx-%#lx\n",
			vm->name, mods[i]->name, gpa[i],
			gpa[i] + mods[i]->size);
	}
	return 0;
}

int load_multiboot2(struct vm *vm, const struct boot_module *kernel,
		    const struct boot_module *const *mods, unsigned int n_mods,
		    struct vcpu_boot *boot)
{
	struct mbi_region map[GUEST_MAP_ENTRIES];
	unsigned int n_map = guest_memory_map(vm, map);
	struct mbi_module mbi_mods[MB2_MODS_MAX];
	struct mb2_header h;
	uint64_t lowest, highest, entry, rsdp;
	const char *why;
	uint32_t bad_tag;
	int r;

	r = mb2_header_parse((const void *)kernel->base, kernel->size,
			     MB2_PROVIDED, &h, &why, &bad_tag);
	if (r) {
		if (bad_tag)
			pr_err("hvisor: guest '%s': image '%s': %s (tag %u)\n",
			       vm->name, kernel->name, why, bad_tag);
		else
			pr_err("hvisor: guest '%s': image '%s': %s\n",
			       vm->name, kernel->name, why);
		return r;
	}
	r = load_kernel(vm, kernel, &h, &lowest, &highest, &entry);
	if (r)
		return r;
	pr_info("hvisor: guest '%s': %s loaded at %#lx-%#lx%s, entry %#lx%s\n",
		vm->name, kernel->name, lowest, highest,
		h.has_addr ? " by address tag" : "", entry,
		h.has_entry ? " (entry tag)" : "");
	r = load_modules(vm, mods, n_mods, lowest, highest, map, n_map,
			 mbi_mods);
	if (r)
		return r;
	r = guest_build_acpi(vm, &rsdp);
	if (r)
		return r;
	r = mbi_build((void *)(vm->ram_hpa + GUEST_BOOTINFO_GPA),
		      GUEST_BOOTINFO_MAX, &(struct mbi_args){
			      .cmdline = vm->cfg->cmdline,
			      .loader_name = MB2_LOADER_NAME,
			      .mods = mbi_mods, .n_mods = n_mods,
			      .map = map, .n_map = n_map,
			      .rsdp = (void *)(vm->ram_hpa + rsdp),
		      });
	if (r < 0) {
		pr_err("hvisor: guest '%s': its Multiboot2 information does not fit in %u bytes\n",
		       vm->name, GUEST_BOOTINFO_MAX);
		return r;
	}
	guest_boot_pm32(boot, entry);
	boot->rax = MB2_BOOT_MAGIC;
	return 0;
}
