// SPDX-License-Identifier: GPL-2.0
/* The guest-physical layout's pieces every loader uses (layout.h). */
#include <string.h>
#include "dev/acpi_tables.h"
#include "dev/pm.h"
#include "guests/layout.h"
#include "src/arch/printk.h"
#include "src/core/vm.h"
#include "src/core/vmpci.h"
#include "src/core/vmvirtio.h"

/*
 * The guest's ACPI tables, from its configuration, in the BIOS area where
 * a scan would also find the RSDP. Returns the RSDP's guest address.
 */
int guest_build_acpi(struct vm *vm, uint64_t *rsdp)
{
	struct acpi_guest_desc d = {
		.n_vcpus = vm->n_vcpus,
		.ioapic_addr = VIOAPIC_BASE,
		.ioapic_id = 0,
		.lapic_addr = APIC_BASE_DEFAULT,
		.pm1a_evt_port = PM1A_EVT_PORT,
		.pm1a_cnt_port = PM1A_CNT_PORT,
		.sci_irq = PM_SCI_IRQ,
		.reset_port = RESET_CF9_PORT,
		.reset_value = RESET_CF9_VALUE,
		.mcfg_base = VMPCI_ECAM_GPA,
		.mcfg_bus_end = VMPCI_BUS_END,
		.pci_win_base = VMPCI_WIN_GPA,
		.pci_win_size = VMPCI_WIN_SIZE,
		.pci_intx_gsi = VMPCI_INTX_GSI,
	};
	int r;

	if (vm->cfg->virtio_mmio) {
		d.virtio_mmio_n = (uint8_t)vmvirtio_count(vm->cfg);
		d.virtio_mmio_base = (uint32_t)VMVIRTIO_MMIO_GPA;
		d.virtio_mmio_gsi = VMVIRTIO_MMIO_GSI;
	}
	r = acpi_build(&d, (void *)(vm->ram_hpa + GUEST_ACPI_GPA),
		       GUEST_ACPI_GPA, GUEST_ACPI_MAX, rsdp);

	if (r < 0)
		pr_err("hvisor: guest '%s': its ACPI tables could not be built (%d)\n",
		       vm->name, r);
	return r < 0 ? r : 0;
}

unsigned int guest_memory_map(const struct vm *vm,
			      struct mbi_region map[GUEST_MAP_ENTRIES])
{
	const struct mbi_region m[GUEST_MAP_ENTRIES] = {
		{ 0, 0x9fc00, 1 },
		{ 0x9fc00, GUEST_ACPI_GPA - 0x9fc00, 2 },
		{ GUEST_ACPI_GPA, GUEST_ACPI_MAX, 3 },	/* ACPI reclaimable */
		{ GUEST_ACPI_GPA + GUEST_ACPI_MAX,
		  0x100000 - GUEST_ACPI_GPA - GUEST_ACPI_MAX, 2 },
		{ 0x100000, vm->ram_size - 0x100000, 1 },
		/* Reserved, as firmware marks ECAM: Linux checks it. */
		{ VMPCI_ECAM_GPA, (VMPCI_BUS_END + 1ull) << 20, 2 },
	};

	memcpy(map, m, sizeof(m));
	return GUEST_MAP_ENTRIES;
}

void guest_boot_pm32(struct vcpu_boot *boot, uint64_t entry)
{
	/* 32-bit protected mode, paging off, flat segments, IF = 0. */
	boot->mode = VCPU_MODE_PM32;
	boot->rip = entry;
	boot->rbx = GUEST_BOOTINFO_GPA;
}
