// SPDX-License-Identifier: GPL-2.0
/*
 * ACPI tables for a guest (ACPI 6.x layouts). Every field is written
 * byte by byte, little-endian, so neither the host's alignment of @buf
 * nor its byte order matters.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "dev/acpi_tables.h"
#include "dev/aml.h"
#include "dev/vrtc.h"	/* RTC_CENTURY: the CMOS century byte it keeps */

#define HDR_LEN		36	/* the common System Description Table header */
#define RSDP_LEN	36	/* ACPI 2.0+ RSDP; the v1 part is the first 20 */
#define FADT_LEN	276	/* revision 6: up to the hypervisor vendor id */
#define FACS_LEN	64
#define MCFG_LEN	(HDR_LEN + 8 + 16)

#define FADT_REV	6
#define FADT_MINOR	0	/* ACPI 6.0 layout */
#define MADT_REV	5
#define DSDT_REV	2	/* 64-bit AML integers */
#define FACS_VERSION	2

/* MADT: 36-byte header, local APIC address, flags, then entries. */
#define MADT_FIXED	(HDR_LEN + 8)
#define MADT_PCAT_COMPAT	(1u << 0)	/* dual 8259s present */
#define MADT_LAPIC	0
#define MADT_IOAPIC	1
#define MADT_ISO	2	/* interrupt source override */
#define MADT_LAPIC_NMI	4
#define MADT_X2APIC	9
#define MADT_X2APIC_NMI	10
#define LAPIC_LEN	8
#define IOAPIC_LEN	12
#define ISO_LEN		10
#define LAPIC_NMI_LEN	6
#define X2APIC_LEN	16
#define X2APIC_NMI_LEN	12
#define LAPIC_ENABLED	(1u << 0)

/* MPS INTI flags: polarity bits 1:0, trigger mode bits 3:2. */
#define INTI_CONFORMS	0x0
#define INTI_HIGH	0x1
#define INTI_EDGE	(0x1 << 2)
#define INTI_LEVEL	(0x3 << 2)

/* Field offsets in the FADT (ACPI 6.0, section 5.2.9). */
#define FADT_FIRMWARE_CTRL	36
#define FADT_DSDT		40
#define FADT_PM_PROFILE		45
#define FADT_SCI_INT		46
#define FADT_SMI_CMD		48
#define FADT_PM1A_EVT_BLK	56
#define FADT_PM1A_CNT_BLK	64
#define FADT_PM_TMR_BLK		76
#define FADT_PM1_EVT_LEN	88
#define FADT_PM1_CNT_LEN	89
#define FADT_PM_TMR_LEN		91
#define FADT_P_LVL2_LAT		96
#define FADT_P_LVL3_LAT		98
#define FADT_CENTURY		108
#define FADT_IAPC_BOOT_ARCH	109
#define FADT_FLAGS		112
#define FADT_RESET_REG		116
#define FADT_RESET_VALUE	128
#define FADT_MINOR_VERSION	131
#define FADT_X_FIRMWARE_CTRL	132
#define FADT_X_DSDT		140
#define FADT_X_PM1A_EVT_BLK	148
#define FADT_X_PM1A_CNT_BLK	172
#define FADT_X_PM_TMR_BLK	208

/* FADT flags. */
#define FF_WBINVD		(1u << 0)	/* required since ACPI 2.0 */
#define FF_PROC_C1		(1u << 2)	/* HLT works on every vCPU */
#define FF_PWR_BUTTON		(1u << 4)	/* no fixed power button... */
#define FF_SLP_BUTTON		(1u << 5)	/* ...nor sleep button */
#define FF_FIX_RTC		(1u << 6)	/* no RTC wake status in PM1 */
#define FF_TMR_VAL_EXT		(1u << 8)	/* the PM timer has 32 bits */
#define FF_RESET_REG_SUP	(1u << 10)
#define FF_APIC_PHYSICAL	(1u << 19)

/* IA-PC boot architecture flags. */
#define BA_LEGACY_DEVICES	(1u << 0)
#define BA_8042			(1u << 1)
#define BA_VGA_NOT_PRESENT	(1u << 2)

/* Generic Address Structure: space, bit width, bit offset, access size. */
#define GAS_LEN		12
#define GAS_SYSTEM_IO	1
#define GAS_BYTE	1
#define GAS_WORD	2
#define GAS_DWORD	3

#define PM_TMR_LEN	4

#define BELOW_4G(a)	((a) <= 0xffffffffull)

/*
 * The whole DSDT body: Name (_S5_, Package () { S5, S5, 0, 0 }). Only a
 * name with a constant package, so the guest's AML interpreter has
 * nothing to run; ACPICA, Linux and src/arch/acpi.c's scanner all read
 * SLP_TYPa from the first element. Encoding (ACPI 6.0, chapter 20):
 */
static const uint8_t dsdt_aml[] = {
	0x08,				/* NameOp */
	'_', 'S', '5', '_',		/* NameSeg, in the root scope */
	0x12,				/* PackageOp */
	0x08,				/* PkgLength, one-byte form (bits 7:6
					 * = 0): 8 bytes, itself included */
	0x04,				/* NumElements */
	0x0a, ACPI_SLP_TYP_S5,		/* BytePrefix: SLP_TYPa (PM1a_CNT) */
	0x0a, ACPI_SLP_TYP_S5,		/* BytePrefix: SLP_TYPb (no PM1b) */
	0x00,				/* ZeroOp: reserved */
	0x00,				/* ZeroOp: reserved */
};

#define DSDT_BODY_MAX	2560
#define PCI_PRT_SLOTS	32

/* Where each table goes; offsets are from the start of buf. */
struct layout {
	size_t rsdp, xsdt, rsdt, fadt, madt, mcfg, dsdt, facs, end;
	uint32_t xsdt_len, rsdt_len, madt_len, dsdt_len;
	uint32_t n_lapic;		/* IDs below 255: Processor Local APIC */
	unsigned int n_tables;		/* what the XSDT lists */
	bool has_rsdt, has_mcfg, has_x2apic;
};

static void put8(uint8_t *p, uint8_t v)
{
	p[0] = v;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v;
	p[1] = v >> 8;
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = v >> (8 * i);
}

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = v >> (8 * i);
}

static uint32_t get32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
	return get32(p) | (uint64_t)get32(p + 4) << 32;
}

static uint8_t sum8(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n--)
		s += *p++;
	return s;
}

/* The offset at or after @off whose guest address is @a-aligned. */
static size_t align_gpa(uint64_t buf_gpa, size_t off, uint64_t a)
{
	uint64_t gpa = buf_gpa + off;

	return off + ((a - (gpa & (a - 1))) & (a - 1));
}

static int check_desc(const struct acpi_guest_desc *d)
{
	if (!d->n_vcpus || d->n_vcpus > ACPI_MAX_VCPUS)
		return -EINVAL;
	/* xAPIC IDs stop at 254: 255 is the broadcast ID. */
	if (!d->x2apic && d->n_vcpus > 255)
		return -EINVAL;
	/* The MADT has 32-bit fields for both. */
	if (!BELOW_4G(d->lapic_addr) || !BELOW_4G(d->ioapic_addr) ||
	    !d->lapic_addr || !d->ioapic_addr || d->ioapic_id > 255)
		return -EINVAL;
	/* Not hardware-reduced: PM1a event and control blocks are required. */
	if (!d->pm1a_evt_port || !d->pm1a_cnt_port)
		return -EINVAL;
	/* The SCI gets an ISA override; IRQ2 is the cascade (GSI 2 = PIT). */
	if (!d->sci_irq || d->sci_irq > 15 || d->sci_irq == 2)
		return -EINVAL;
	/* ECAM gives every bus 1 MiB. */
	if (d->mcfg_base & 0xfffff)
		return -EINVAL;
	if (d->pci_intx_gsi && (d->pci_intx_gsi < 16 || d->pci_intx_gsi > 20))
		return -EINVAL;
	if (d->virtio_mmio_n &&
	    (d->virtio_mmio_n > 16 || d->virtio_mmio_base & 0x1ff ||
	     !BELOW_4G((uint64_t)d->virtio_mmio_base + 0x200 * d->virtio_mmio_n - 1) ||
	     d->virtio_mmio_gsi + d->virtio_mmio_n > 24))
		return -EINVAL;
	/* The OEM ID is text in every header: printable ASCII only. */
	for (size_t i = 0; i < sizeof(d->oem_id) && d->oem_id[i]; i++)
		if ((unsigned char)d->oem_id[i] < 0x20 ||
		    (unsigned char)d->oem_id[i] > 0x7e)
			return -EINVAL;
	/* The host bridge's _CRS has 32-bit fields for both. */
	if (d->mcfg_base &&
	    (!BELOW_4G(d->mcfg_base + ((d->mcfg_bus_end + 1ull) << 20) - 1) ||
	     !d->pci_win_size ||
	     !BELOW_4G((uint64_t)d->pci_win_base + d->pci_win_size - 1)))
		return -EINVAL;
	return 0;
}

/*
 * _PRT: for each device number and pin (0 = INTA), Package (4) { address
 * 0xDDDDFFFF (any function), pin, 0 (a GSI, no link device), GSI }. The
 * usual swizzle spreads the devices' INTA over the four GSIs.
 */
static void prt(struct aml *a, uint8_t gsi_base)
{
	aml_name(a, "_PRT");
	aml_package(a, (PCI_PRT_SLOTS - 1) * 4);
	for (uint32_t dev = 1; dev < PCI_PRT_SLOTS; dev++) {
		for (uint32_t pin = 0; pin < 4; pin++) {
			aml_package(a, 4);
			aml_int(a, dev << 16 | 0xffff);
			aml_int(a, pin);
			aml_int(a, 0);
			aml_int(a, gsi_base + (dev + pin) % 4);
			aml_close(a);
		}
	}
	aml_close(a);
}

/* virtio-mmio devices as Linux's virtio_mmio driver finds them in ACPI. */
static int virtio_mmio_devices(struct aml *a, const struct acpi_guest_desc *d)
{
	for (unsigned int i = 0; i < d->virtio_mmio_n; i++) {
		char name[5] = { 'V', 'R', (char)('0' + i / 10), (char)('0' + i % 10), 0 };
		struct aml_res r;
		int n;

		aml_device(a, name);
		aml_name(a, "_HID");
		aml_string(a, "LNRO0005");
		aml_name(a, "_UID");
		aml_int(a, i);
		aml_res_init(&r);
		aml_res_mem_fixed(&r, d->virtio_mmio_base + 0x200 * i, 0x200);
		aml_res_irq(&r, d->virtio_mmio_gsi + i, true);
		n = aml_res_end(&r);
		if (n < 0)
			return n;
		aml_name(a, "_CRS");
		aml_buffer(a, r.b, (size_t)n);
		aml_close(a);
	}
	return 0;
}

/*
 * The DSDT's AML: \_S5_, and with ECAM the host bridge and the ECAM range
 * as a motherboard resource. Returns its length, or -ENOSPC.
 */
static int dsdt_body(const struct acpi_guest_desc *d, uint8_t *out, size_t cap)
{
	struct aml a;
	struct aml_res r;
	int n;

	aml_init(&a, out, cap);
	aml_raw(&a, dsdt_aml, sizeof(dsdt_aml));
	if (!d->mcfg_base && !d->virtio_mmio_n)
		return aml_end(&a);
	aml_scope(&a, "_SB_");
	if (virtio_mmio_devices(&a, d))
		return -ENOSPC;
	if (!d->mcfg_base) {
		aml_close(&a);
		return aml_end(&a);
	}
	aml_device(&a, "PCI0");
	aml_name(&a, "_HID");
	aml_eisaid(&a, "PNP0A08");		/* PCI Express root bridge */
	aml_name(&a, "_CID");
	aml_eisaid(&a, "PNP0A03");		/* and a PCI one */
	aml_name(&a, "_UID");
	aml_int(&a, 0);
	aml_name(&a, "_SEG");
	aml_int(&a, 0);
	aml_name(&a, "_BBN");
	aml_int(&a, 0);
	aml_res_init(&r);
	aml_res_bus(&r, 0, d->mcfg_bus_end);
	aml_res_io(&r, 0xcf8, 0xcf8, 1, 8);	/* its config ports */
	aml_res_mem_window(&r, d->pci_win_base, d->pci_win_size);
	n = aml_res_end(&r);
	if (n < 0)
		return n;
	aml_name(&a, "_CRS");
	aml_buffer(&a, r.b, (size_t)n);
	if (d->pci_intx_gsi)
		prt(&a, d->pci_intx_gsi);
	aml_close(&a);
	aml_device(&a, "MRES");
	aml_name(&a, "_HID");
	aml_eisaid(&a, "PNP0C02");		/* motherboard resources */
	aml_name(&a, "_UID");
	aml_int(&a, 1);
	aml_res_init(&r);
	aml_res_mem_fixed(&r, (uint32_t)d->mcfg_base,
			  (uint32_t)(d->mcfg_bus_end + 1) << 20);
	n = aml_res_end(&r);
	if (n < 0)
		return n;
	aml_name(&a, "_CRS");
	aml_buffer(&a, r.b, (size_t)n);
	aml_close(&a);
	aml_close(&a);
	return aml_end(&a);
}

static size_t plan(const struct acpi_guest_desc *d, uint64_t buf_gpa,
		   bool with_rsdt, struct layout *l)
{
	uint8_t scratch[DSDT_BODY_MAX];
	uint32_t n_x2;
	size_t off;

	memset(l, 0, sizeof(*l));
	l->dsdt_len = HDR_LEN + (uint32_t)dsdt_body(d, scratch, sizeof(scratch));
	l->has_mcfg = d->mcfg_base != 0;
	l->has_rsdt = with_rsdt;
	l->n_lapic = d->n_vcpus < 255 ? d->n_vcpus : 255;
	n_x2 = d->n_vcpus - l->n_lapic;
	l->has_x2apic = n_x2 != 0;
	l->n_tables = 2 + l->has_mcfg;			/* FACP, APIC, MCFG */
	l->xsdt_len = HDR_LEN + 8 * l->n_tables;
	l->rsdt_len = HDR_LEN + 4 * l->n_tables;
	l->madt_len = MADT_FIXED + LAPIC_LEN * l->n_lapic +
		      X2APIC_LEN * n_x2 + IOAPIC_LEN + 2 * ISO_LEN +
		      LAPIC_NMI_LEN + (l->has_x2apic ? X2APIC_NMI_LEN : 0);

	/* The RSDP is 16-byte aligned, as a BIOS-area scan wants it. */
	off = l->rsdp = align_gpa(buf_gpa, 0, 16);
	off = l->xsdt = align_gpa(buf_gpa, off + RSDP_LEN, 8);
	off += l->xsdt_len;
	if (with_rsdt) {
		off = l->rsdt = align_gpa(buf_gpa, off, 8);
		off += l->rsdt_len;
	}
	off = l->fadt = align_gpa(buf_gpa, off, 8);
	off = l->madt = align_gpa(buf_gpa, off + FADT_LEN, 8);
	off += l->madt_len;
	if (l->has_mcfg) {
		off = l->mcfg = align_gpa(buf_gpa, off, 8);
		off += MCFG_LEN;
	}
	off = l->dsdt = align_gpa(buf_gpa, off, 8);
	off = l->facs = align_gpa(buf_gpa, off + l->dsdt_len, 64);
	l->end = off + FACS_LEN;
	return l->end;
}

/*
 * Lays the tables out. An RSDT (32-bit pointers) is added for ACPI 1.0
 * readers only when the whole blob lies below 4 GiB.
 */
static int layout(const struct acpi_guest_desc *d, uint64_t buf_gpa,
		  struct layout *l)
{
	uint8_t scratch[DSDT_BODY_MAX];
	int err = check_desc(d);

	if (err)
		return err;
	if (dsdt_body(d, scratch, sizeof(scratch)) < 0)
		return -EINVAL;
	if (buf_gpa > UINT64_MAX - ACPI_TABLES_MAX(d->n_vcpus))
		return -EINVAL;
	if (!BELOW_4G(buf_gpa + plan(d, buf_gpa, true, l) - 1))
		plan(d, buf_gpa, false, l);
	return 0;
}

static void oem_id(const struct acpi_guest_desc *d, uint8_t out[6])
{
	const char *id = d->oem_id[0] ? d->oem_id : "HVISOR";
	size_t i;

	/* Space-padded, as firmware does; no NUL inside the table. */
	for (i = 0; i < 6 && id[i]; i++)
		out[i] = id[i];
	for (; i < 6; i++)
		out[i] = ' ';
}

/* The common header; the checksum is filled in by seal(). */
static void header(uint8_t *t, const char *sig, uint32_t len, uint8_t rev,
		   const struct acpi_guest_desc *d)
{
	memcpy(t, sig, 4);
	put32(t + 4, len);
	put8(t + 8, rev);
	put8(t + 9, 0);
	oem_id(d, t + 10);
	memcpy(t + 16, "HVISORVM", 8);		/* OEM table ID */
	put32(t + 24, 1);			/* OEM revision */
	memcpy(t + 28, "HVSR", 4);		/* creator ID */
	put32(t + 32, 1);			/* creator revision */
}

static void seal(uint8_t *t, uint32_t len)
{
	t[9] = 0;
	t[9] = -sum8(t, len);
}

static void gas_io(uint8_t *p, uint8_t bits, uint8_t access, uint16_t port)
{
	put8(p, GAS_SYSTEM_IO);
	put8(p + 1, bits);
	put8(p + 2, 0);				/* bit offset */
	put8(p + 3, access);
	put64(p + 4, port);
}

static void build_rsdp(uint8_t *p, const struct layout *l, uint64_t buf_gpa,
		       const struct acpi_guest_desc *d)
{
	memcpy(p, "RSD PTR ", 8);
	oem_id(d, p + 9);
	put8(p + 15, 2);			/* revision 2: ACPI 2.0+ */
	put32(p + 16, l->has_rsdt ? buf_gpa + l->rsdt : 0);
	put32(p + 20, RSDP_LEN);
	put64(p + 24, buf_gpa + l->xsdt);
	/* The v1 checksum covers bytes 0..19, the extended one all 36. */
	p[8] = -sum8(p, 20);
	p[32] = -sum8(p, RSDP_LEN);
}

static void build_sdts(uint8_t *buf, const struct layout *l, uint64_t buf_gpa,
		       const struct acpi_guest_desc *d)
{
	size_t tables[3] = { l->fadt, l->madt, l->mcfg };
	uint8_t *x = buf + l->xsdt, *r = buf + l->rsdt;

	header(x, "XSDT", l->xsdt_len, 1, d);
	for (unsigned int i = 0; i < l->n_tables; i++)
		put64(x + HDR_LEN + 8 * i, buf_gpa + tables[i]);
	seal(x, l->xsdt_len);
	if (!l->has_rsdt)
		return;
	header(r, "RSDT", l->rsdt_len, 1, d);
	for (unsigned int i = 0; i < l->n_tables; i++)
		put32(r + HDR_LEN + 4 * i, buf_gpa + tables[i]);
	seal(r, l->rsdt_len);
}

static void build_fadt(uint8_t *f, const struct layout *l, uint64_t buf_gpa,
		       const struct acpi_guest_desc *d)
{
	uint64_t facs = buf_gpa + l->facs, dsdt = buf_gpa + l->dsdt;
	uint32_t flags = FF_WBINVD | FF_PROC_C1 | FF_PWR_BUTTON |
			 FF_SLP_BUTTON | FF_FIX_RTC;

	header(f, "FACP", FADT_LEN, FADT_REV, d);
	/* Same value in the 32- and 64-bit fields, or ACPICA warns. */
	put32(f + FADT_FIRMWARE_CTRL, BELOW_4G(facs) ? facs : 0);
	put32(f + FADT_DSDT, BELOW_4G(dsdt) ? dsdt : 0);
	put8(f + FADT_PM_PROFILE, 0);		/* unspecified */
	put16(f + FADT_SCI_INT, d->sci_irq);
	/* SMI_CMD 0: always in ACPI mode, nothing for the OS to switch. */
	put32(f + FADT_SMI_CMD, 0);
	put32(f + FADT_PM1A_EVT_BLK, d->pm1a_evt_port);
	put32(f + FADT_PM1A_CNT_BLK, d->pm1a_cnt_port);
	put8(f + FADT_PM1_EVT_LEN, 4);		/* PM1_STS + PM1_EN */
	put8(f + FADT_PM1_CNT_LEN, 2);
	if (d->pm_tmr_port) {
		put32(f + FADT_PM_TMR_BLK, d->pm_tmr_port);
		put8(f + FADT_PM_TMR_LEN, PM_TMR_LEN);
		flags |= FF_TMR_VAL_EXT;
	}
	/* No GPE blocks: nothing raises general-purpose events. */
	/* Latencies above 100 and 1000 us mean no C2 and no C3. */
	put16(f + FADT_P_LVL2_LAT, 101);
	put16(f + FADT_P_LVL3_LAT, 1001);
	put8(f + FADT_CENTURY, RTC_CENTURY);
	/*
	 * ISA devices (UART, PIT, RTC) exist, but no 8042 and no VGA: with
	 * the 8042 bit clear Linux skips probing ports 0x60/0x64, and with
	 * VGA-not-present it leaves the VGA ports alone.
	 */
	put16(f + FADT_IAPC_BOOT_ARCH, BA_LEGACY_DEVICES | BA_VGA_NOT_PRESENT);
	if (d->reset_port) {
		gas_io(f + FADT_RESET_REG, 8, GAS_BYTE, d->reset_port);
		put8(f + FADT_RESET_VALUE, d->reset_value);
		flags |= FF_RESET_REG_SUP;
	}
	if (d->force_apic_physical)
		flags |= FF_APIC_PHYSICAL;
	put32(f + FADT_FLAGS, flags);
	put8(f + FADT_MINOR_VERSION, FADT_MINOR);
	put64(f + FADT_X_FIRMWARE_CTRL, facs);
	put64(f + FADT_X_DSDT, dsdt);
	/* Bit widths must match the *_LEN fields above, or ACPICA warns. */
	gas_io(f + FADT_X_PM1A_EVT_BLK, 32, GAS_WORD, d->pm1a_evt_port);
	gas_io(f + FADT_X_PM1A_CNT_BLK, 16, GAS_WORD, d->pm1a_cnt_port);
	if (d->pm_tmr_port)
		gas_io(f + FADT_X_PM_TMR_BLK, 32, GAS_DWORD, d->pm_tmr_port);
	seal(f, FADT_LEN);
}

static uint8_t *iso(uint8_t *p, uint8_t irq, uint32_t gsi, uint16_t flags)
{
	put8(p, MADT_ISO);
	put8(p + 1, ISO_LEN);
	put8(p + 2, 0);				/* bus: ISA */
	put8(p + 3, irq);
	put32(p + 4, gsi);
	put16(p + 8, flags);
	return p + ISO_LEN;
}

static void build_madt(uint8_t *m, const struct layout *l,
		       const struct acpi_guest_desc *d)
{
	uint8_t *p = m + MADT_FIXED;
	uint32_t i;

	header(m, "APIC", l->madt_len, MADT_REV, d);
	put32(m + HDR_LEN, d->lapic_addr);
	put32(m + HDR_LEN + 4, MADT_PCAT_COMPAT);

	/* vCPU i has APIC ID i and processor UID i; IDs from 255 on need
	 * the x2APIC form (the spec forbids it below 255). */
	for (i = 0; i < l->n_lapic; i++, p += LAPIC_LEN) {
		put8(p, MADT_LAPIC);
		put8(p + 1, LAPIC_LEN);
		put8(p + 2, i);			/* ACPI processor UID */
		put8(p + 3, i);			/* APIC ID */
		put32(p + 4, LAPIC_ENABLED);
	}
	for (; i < d->n_vcpus; i++, p += X2APIC_LEN) {
		put8(p, MADT_X2APIC);
		put8(p + 1, X2APIC_LEN);
		put16(p + 2, 0);
		put32(p + 4, i);		/* x2APIC ID */
		put32(p + 8, LAPIC_ENABLED);
		put32(p + 12, i);		/* ACPI processor UID */
	}

	put8(p, MADT_IOAPIC);
	put8(p + 1, IOAPIC_LEN);
	put8(p + 2, d->ioapic_id);
	put8(p + 3, 0);
	put32(p + 4, d->ioapic_addr);
	put32(p + 8, 0);			/* GSI base */
	p += IOAPIC_LEN;

	/* The PIT's IRQ0 is wired to pin 2; ISA default polarity/trigger. */
	p = iso(p, 0, 2, INTI_CONFORMS);
	/* The SCI is level-triggered, active high, on its own pin. */
	p = iso(p, d->sci_irq, d->sci_irq, INTI_LEVEL | INTI_HIGH);

	/* NMI comes in on LINT1 of every processor (UID 0xff: all). */
	put8(p, MADT_LAPIC_NMI);
	put8(p + 1, LAPIC_NMI_LEN);
	put8(p + 2, 0xff);
	put16(p + 3, INTI_EDGE | INTI_HIGH);
	put8(p + 5, 1);				/* LINT1 */
	p += LAPIC_NMI_LEN;
	if (l->has_x2apic) {
		put8(p, MADT_X2APIC_NMI);
		put8(p + 1, X2APIC_NMI_LEN);
		put16(p + 2, INTI_EDGE | INTI_HIGH);
		put32(p + 4, 0xffffffff);	/* all processors */
		put8(p + 8, 1);			/* LINT1 */
		memset(p + 9, 0, 3);
	}
	seal(m, l->madt_len);
}

static void build_mcfg(uint8_t *m, const struct acpi_guest_desc *d)
{
	header(m, "MCFG", MCFG_LEN, 1, d);
	memset(m + HDR_LEN, 0, 8);		/* reserved */
	put64(m + HDR_LEN + 8, d->mcfg_base);
	put16(m + HDR_LEN + 16, 0);		/* PCI segment group */
	put8(m + HDR_LEN + 18, 0);		/* start bus */
	put8(m + HDR_LEN + 19, d->mcfg_bus_end);
	put32(m + HDR_LEN + 20, 0);
	seal(m, MCFG_LEN);
}

static void build_dsdt(uint8_t *t, const struct layout *l,
		       const struct acpi_guest_desc *d)
{
	header(t, "DSDT", l->dsdt_len, DSDT_REV, d);
	dsdt_body(d, t + HDR_LEN, l->dsdt_len - HDR_LEN);
	seal(t, l->dsdt_len);
}

/* The FACS has no checksum; the guest writes its waking vector here. */
static void build_facs(uint8_t *f)
{
	memset(f, 0, FACS_LEN);
	memcpy(f, "FACS", 4);
	put32(f + 4, FACS_LEN);
	put8(f + 32, FACS_VERSION);
}

int acpi_tables_size(const struct acpi_guest_desc *d, uint64_t buf_gpa)
{
	struct layout l;
	int err = layout(d, buf_gpa, &l);

	return err ? err : (int)l.end;
}

int acpi_build(const struct acpi_guest_desc *d, void *buf, uint64_t buf_gpa,
	       size_t cap, uint64_t *rsdp_gpa)
{
	uint8_t *b = buf;
	struct layout l;
	int err = layout(d, buf_gpa, &l);

	if (err)
		return err;
	if (l.end > cap)
		return -ENOSPC;
	memset(b, 0, l.end);			/* padding and reserved fields */
	build_rsdp(b + l.rsdp, &l, buf_gpa, d);
	build_sdts(b, &l, buf_gpa, d);
	build_fadt(b + l.fadt, &l, buf_gpa, d);
	build_madt(b + l.madt, &l, d);
	if (l.has_mcfg)
		build_mcfg(b + l.mcfg, d);
	build_dsdt(b + l.dsdt, &l, d);
	build_facs(b + l.facs);
	if (rsdp_gpa)
		*rsdp_gpa = buf_gpa + l.rsdp;
	return l.end;
}

/* The table at guest address @gpa if it lies in the blob and is valid. */
static const uint8_t *table_at(const uint8_t *b, size_t len, uint64_t buf_gpa,
			       uint64_t gpa, const char *sig)
{
	const uint8_t *t;
	uint32_t tlen;

	if (gpa < buf_gpa || gpa - buf_gpa > len || len - (gpa - buf_gpa) < 8)
		return NULL;
	t = b + (gpa - buf_gpa);
	tlen = get32(t + 4);
	if (memcmp(t, sig, 4) || tlen > len - (gpa - buf_gpa))
		return NULL;
	if (!memcmp(sig, "FACS", 4))		/* no checksum */
		return tlen >= FACS_LEN ? t : NULL;
	if (tlen < HDR_LEN || sum8(t, tlen))
		return NULL;
	return t;
}

const void *acpi_find(const void *buf, size_t len, uint64_t buf_gpa,
		      const char sig[4])
{
	const uint8_t *b = buf, *rsdp = NULL, *root, *t;
	bool x;
	uint32_t n;

	/* The RSDP is the first 16-byte aligned "RSD PTR " that checks. */
	for (size_t off = align_gpa(buf_gpa, 0, 16);
	     off < len && len - off >= RSDP_LEN; off += 16) {
		if (!memcmp(b + off, "RSD PTR ", 8) && !sum8(b + off, 20) &&
		    b[off + 15] >= 2 && !sum8(b + off, RSDP_LEN)) {
			rsdp = b + off;
			break;
		}
	}
	if (!rsdp)
		return NULL;
	if (!memcmp(sig, "RSD ", 4))
		return rsdp;
	if (!memcmp(sig, "RSDT", 4))
		return table_at(b, len, buf_gpa, get32(rsdp + 16), "RSDT");
	root = table_at(b, len, buf_gpa, get64(rsdp + 24), "XSDT");
	if (!root)
		return NULL;
	if (!memcmp(sig, "XSDT", 4))
		return root;
	n = (get32(root + 4) - HDR_LEN) / 8;
	x = !memcmp(sig, "DSDT", 4) || !memcmp(sig, "FACS", 4);
	for (uint32_t i = 0; i < n; i++) {
		uint64_t gpa = get64(root + HDR_LEN + 8 * i);

		if (!x) {
			t = table_at(b, len, buf_gpa, gpa, sig);
			if (t)
				return t;
			continue;
		}
		/* The DSDT and FACS hang off the FADT's 64-bit fields. */
		t = table_at(b, len, buf_gpa, gpa, "FACP");
		if (!t || get32(t + 4) < FADT_X_DSDT + 8)
			continue;
		gpa = get64(t + (sig[0] == 'D' ? FADT_X_DSDT :
				 FADT_X_FIRMWARE_CTRL));
		return table_at(b, len, buf_gpa, gpa, sig);
	}
	return NULL;
}
