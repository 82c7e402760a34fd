// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: a guest's ACPI tables (dev/acpi_tables.c) from random
 * configurations. The input's bytes become a description (vCPU count,
 * x2APIC, PCI with its ECAM and window, INTx, virtio-mmio slots, SCI,
 * reset register, OEM ID, where the blob lies; with its first byte odd,
 * raw addresses too, valid or not) and where the blob goes. A refused
 * description is fine; a built blob must be exactly acpi_tables_size()
 * long, the guest must find RSDP, XSDT, FADT, MADT, DSDT and FACS in
 * it with good checksums (acpi_find()), the MCFG exactly when PCI was
 * asked for, and the MADT must list every vCPU.
 *
 * HV_ACPI_DUMP=DIR writes each input's tables to DIR/N/SIG.dat:
 * test-acpi-iasl.sh runs the corpus that way and checks every table
 * with iasl.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dev/acpi_tables.h"

#define BUF_SIZE	(ACPI_TABLES_MAX(4096) + 4096)

static uint32_t get(const uint8_t *d, size_t size, size_t at, int n)
{
	uint32_t v = 0;

	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | (at + i < size ? d[at + i] : 0);
	return v;
}

static void describe(const uint8_t *d, size_t size,
		     struct acpi_guest_desc *g, uint64_t *gpa)
{
	uint32_t flags = get(d, size, 2, 1), raw = get(d, size, 0, 1) & 1;

	memset(g, 0, sizeof(*g));
	g->n_vcpus = 1 + get(d, size, 1, 2) % (raw ? 5000 : 300);
	g->x2apic = flags & 1;
	g->force_apic_physical = flags & 2;
	g->ioapic_addr = raw ? (uint64_t)get(d, size, 20, 4) << 4 : 0xfec00000;
	g->ioapic_id = get(d, size, 3, 1);
	g->lapic_addr = raw ? (uint64_t)get(d, size, 24, 4) << 4 : 0xfee00000;
	g->pm1a_evt_port = 0x600;
	g->pm1a_cnt_port = 0x604;
	g->pm_tmr_port = flags & 4 ? 0x608 : 0;
	g->sci_irq = raw ? get(d, size, 4, 1) : 9;
	g->reset_port = flags & 8 ? 0xcf9 : 0;
	g->reset_value = get(d, size, 5, 1);
	if (flags & 16) {
		g->mcfg_base = raw ? (uint64_t)get(d, size, 28, 4) << 8 : 0xb0000000;
		g->mcfg_bus_end = get(d, size, 6, 1);
		g->pci_win_base = raw ? get(d, size, 32, 4) : 0xc0000000;
		g->pci_win_size = raw ? get(d, size, 36, 4) : 0x20000000;
		g->pci_intx_gsi = flags & 32 ? 16 + get(d, size, 7, 1) % (raw ? 16 : 5) : 0;
	}
	g->virtio_mmio_n = get(d, size, 8, 1) % (raw ? 40 : 9);
	g->virtio_mmio_base = raw ? get(d, size, 40, 4) : 0xfeb00000;
	g->virtio_mmio_gsi = raw ? get(d, size, 9, 1) : 20;
	for (int i = 0; i < 6; i++) {
		uint32_t c = get(d, size, 10 + i, 1);

		/* Text, a NUL early, and now and then a byte no header may hold. */
		g->oem_id[i] = (char)(c < 0x20 ? 0 : raw ? c : 0x20 + c % 0x5f);
	}
	g->oem_id[6] = 0;
	*gpa = (uint64_t)get(d, size, 16, 4) << 6;
	if (flags & 64)
		*gpa += 1ull << 32;
}

static void dump(const uint8_t *buf, int used, uint64_t gpa)
{
	static const char *const sigs[] = {
		"RSD ", "XSDT", "RSDT", "FACP", "APIC", "MCFG", "DSDT", "FACS",
	};
	static unsigned int n;
	const char *dir = getenv("HV_ACPI_DUMP");
	char path[512];

	if (!dir)
		return;
	snprintf(path, sizeof(path), "%s/%04u", dir, n++);
	mkdir(path, 0777);
	for (int i = 0; i < 8; i++) {
		const uint8_t *t = acpi_find(buf, used, gpa, sigs[i]);
		uint32_t len;
		FILE *f;

		if (!t)
			continue;
		len = i ? (uint32_t)(t[4] | t[5] << 8 | t[6] << 16 | (uint32_t)t[7] << 24) : 36;
		snprintf(path, sizeof(path), "%s/%04u/%.4s.dat", dir, n - 1,
			 i ? sigs[i] : "RSDP");
		f = fopen(path, "wb");
		if (f) {
			fwrite(t, 1, len, f);
			fclose(f);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t *buf;
	struct acpi_guest_desc g;
	const uint8_t *madt;
	uint64_t gpa, rsdp;
	int used, want;
	uint32_t cpus = 0;

	if (!buf)
		buf = malloc(BUF_SIZE);
	if (!buf)
		return 0;
	describe(data, size, &g, &gpa);
	want = acpi_tables_size(&g, gpa);
	used = acpi_build(&g, buf, gpa, BUF_SIZE, &rsdp);
	if (used < 0) {
		if (want >= 0 && want <= (int)BUF_SIZE)
			abort();	/* sized, then refused */
		return 0;
	}
	if (used != want || used > (int)BUF_SIZE || rsdp < gpa ||
	    rsdp >= gpa + (uint64_t)used)
		abort();
	if (!acpi_find(buf, used, gpa, "RSD ") ||
	    !acpi_find(buf, used, gpa, "XSDT") ||
	    !acpi_find(buf, used, gpa, "FACP") ||
	    !acpi_find(buf, used, gpa, "DSDT") ||
	    !acpi_find(buf, used, gpa, "FACS") ||
	    !acpi_find(buf, used, gpa, "MCFG") != !g.mcfg_base)
		abort();
	madt = acpi_find(buf, used, gpa, "APIC");
	if (!madt)
		abort();
	/* Processor Local APIC (0) and x2APIC (9) entries after the header. */
	for (uint32_t off = 44, len = madt[4] | madt[5] << 8 | madt[6] << 16;
	     off + 2 <= len; off += madt[off + 1]) {
		if (madt[off + 1] < 2)
			abort();
		cpus += madt[off] == 0 || madt[off] == 9;
	}
	if (cpus != g.n_vcpus)
		abort();
	dump(buf, used, gpa);
	return 0;
}
