/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ACPI tables for one guest, built from its configuration: RSDP (v2),
 * XSDT (and an RSDT when everything lies below 4 GiB), FADT (rev 6,
 * not hardware-reduced), MADT, MCFG (optional), a DSDT (\_S5_, and the
 * PCI host bridge with the MCFG) and FACS.
 *
 * The hypervisor copies the blob into guest RAM it marks as ACPI
 * reclaimable (e820/Multiboot2 type 3) and hands the RSDP address to the
 * loader (Multiboot2 tag 15, boot_params.acpi_rsdp_addr).
 */
#ifndef HV_DEV_ACPI_TABLES_H
#define HV_DEV_ACPI_TABLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* SLP_TYP of S5 in the DSDT's \_S5_: PM1a_CNT.SLP_EN with this powers off. */
#define ACPI_SLP_TYP_S5		5
#define ACPI_PM1_CNT_SLP_EN	(1u << 13)
#define ACPI_PM1_CNT_SLP_TYP(v)	(((v) >> 10) & 7)

/* Bounds the MADT; far above what the scheduler runs. */
#define ACPI_MAX_VCPUS		4096

/*
 * A generous upper bound of acpi_build()'s output for n vCPUs, for
 * sizing the guest region (acpi_tables_size() gives the exact figure).
 */
#define ACPI_TABLES_MAX(n)	(4096 + 16 * (size_t)(n))

struct acpi_guest_desc {
	uint32_t n_vcpus;		/* APIC IDs 0..n_vcpus-1, all enabled */
	uint64_t ioapic_addr;		/* below 4 GiB; GSI base is always 0 */
	uint32_t ioapic_id;		/* 0..255, as the vIOAPIC's ID reads */
	uint64_t lapic_addr;		/* below 4 GiB, normally 0xfee00000 */
	uint16_t pm1a_evt_port;		/* 4 ports: PM1_STS, PM1_EN (16 bits) */
	uint16_t pm1a_cnt_port;		/* 2 ports: PM1_CNT */
	uint16_t pm_tmr_port;		/* 4 ports, 32-bit timer; 0: none */
	uint8_t sci_irq;		/* ISA IRQ 1..15 except 2, level high */
	uint16_t reset_port;		/* 0: no reset register */
	uint8_t reset_value;
	bool x2apic;			/* allow x2APIC entries (IDs >= 255) */
	/* FADT FORCE_APIC_PHYSICAL_DESTINATION_MODE: no logical mode. */
	bool force_apic_physical;
	/*
	 * ECAM of segment 0; 0: no MCFG and no PCI. Else the DSDT has a
	 * host bridge (\_SB.PCI0, PNP0A08) for buses 0..mcfg_bus_end whose
	 * BARs lie in the memory window [pci_win_base, + pci_win_size), and
	 * the ECAM range as a motherboard resource (\_SB.MRES, PNP0C02),
	 * which Linux wants before it uses the MCFG. All below 4 GiB.
	 */
	uint64_t mcfg_base;
	uint8_t mcfg_bus_end;		/* last bus decoded from mcfg_base */
	uint32_t pci_win_base;
	uint32_t pci_win_size;
	/*
	 * INTx: with pci_intx_gsi (16..23, room for four), PCI0 gets a _PRT
	 * that routes pin P of device D to GSI pci_intx_gsi + (D + P) % 4
	 * (level, active low, as PCI wants); 0: no _PRT.
	 */
	uint8_t pci_intx_gsi;
	/*
	 * virtio-mmio: @virtio_mmio_n devices (LNRO0005, \_SB.VR00...) in
	 * 512-byte slots from @virtio_mmio_base, slot i on GSI
	 * @virtio_mmio_gsi + i, edge, active high. 0: none.
	 */
	uint8_t virtio_mmio_n;
	uint32_t virtio_mmio_base;
	uint8_t virtio_mmio_gsi;
	char oem_id[7];			/* up to 6 characters; "" = "HVISOR" */
};

/*
 * Writes the tables for @d into @buf, which the guest will see at
 * guest-physical @buf_gpa; @cap is the room in @buf. Every table starts
 * 8-byte aligned in guest-physical terms, the RSDP 16-byte and the FACS
 * 64-byte aligned (so with @buf_gpa 64-byte aligned, offsets in @buf are
 * aligned too). *@rsdp_gpa (if not NULL) gets the RSDP's address.
 *
 * Returns the bytes used from @buf, -EINVAL for an impossible @d, or
 * -ENOSPC when @cap is too small (then @buf is left untouched).
 */
int acpi_build(const struct acpi_guest_desc *d, void *buf, uint64_t buf_gpa,
	       size_t cap, uint64_t *rsdp_gpa);

/* The bytes acpi_build() would use at @buf_gpa, or -EINVAL. */
int acpi_tables_size(const struct acpi_guest_desc *d, uint64_t buf_gpa);

/*
 * Finds a table in a blob that acpi_build() wrote (@len bytes at @buf,
 * seen by the guest at @buf_gpa) as the guest would: the RSDP, then the
 * XSDT, then its entries, and the FADT's DSDT and FACS. @sig is "RSD "
 * for the RSDP itself, else a table signature ("XSDT", "RSDT", "FACP",
 * "APIC", "MCFG", "DSDT", "FACS"). Returns NULL if it is absent, lies
 * outside the blob, or fails its checksum.
 */
const void *acpi_find(const void *buf, size_t len, uint64_t buf_gpa,
		      const char sig[4]);

#endif
