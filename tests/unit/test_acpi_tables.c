// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the guest ACPI tables (dev/acpi_tables.c). Offsets and
 * values are spelled out from the ACPI 6.0 specification here, not taken
 * from the builder, so that a wrong offset there fails here.
 *
 * test_acpi_tables --dump DIR writes each table of a few configurations
 * to DIR/CONFIG/SIG.dat instead, for tests/integration/test-acpi-iasl.sh.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "dev/acpi_tables.h"

#define BUF_SIZE	(64 * 1024)
#define GPA		0xe0000ull

static uint8_t buf[BUF_SIZE];

static struct acpi_guest_desc desc(uint32_t n)
{
	struct acpi_guest_desc d = {
		.n_vcpus = n,
		.ioapic_addr = 0xfec00000,
		.ioapic_id = 8,
		.lapic_addr = 0xfee00000,
		.pm1a_evt_port = 0x600,
		.pm1a_cnt_port = 0x604,
		.pm_tmr_port = 0x608,
		.sci_irq = 9,
		.reset_port = 0xcf9,
		.reset_value = 0x06,
		/* Used only with an mcfg_base. */
		.pci_win_base = 0xc0000000,
		.pci_win_size = 0x10000000,
	};
	return d;
}

static uint32_t rd16(const uint8_t *p)
{
	return p[0] | p[1] << 8;
}

static uint32_t rd32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p)
{
	return rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static uint8_t sum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n--)
		s += *p++;
	return s;
}

/* Builds @d at @gpa into buf; returns the size, asserting success. */
static int build_at(const struct acpi_guest_desc *d, uint64_t gpa,
		    uint64_t *rsdp)
{
	int n;

	memset(buf, 0xa5, sizeof(buf));
	n = acpi_build(d, buf, gpa, sizeof(buf), rsdp);
	assert_true(n > 0);
	return n;
}

/* The table at guest address @gpa, asserting that it lies in the blob. */
static const uint8_t *at(uint64_t gpa, int used, uint64_t base)
{
	assert_true(gpa >= base);
	assert_true(gpa - base + 8 <= (uint64_t)used);
	assert_true(gpa - base + rd32(buf + (gpa - base) + 4) <= (uint64_t)used);
	return buf + (gpa - base);
}

static const uint8_t *xsdt_of(uint64_t rsdp, int used, uint64_t base)
{
	const uint8_t *r = buf + (rsdp - base);

	return at(rd64(r + 24), used, base);
}

/* The XSDT entry with signature @sig, or NULL; asserts it is unique. */
static const uint8_t *xsdt_entry(const uint8_t *x, int used, uint64_t base,
				 const char *sig)
{
	const uint8_t *found = NULL;
	uint32_t n = (rd32(x + 4) - 36) / 8;

	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *t = at(rd64(x + 36 + 8 * i), used, base);

		if (!memcmp(t, sig, 4)) {
			assert_null(found);
			found = t;
		}
	}
	return found;
}

/* ---- checksums and the root pointers ------------------------------------ */

static void test_checksums(void **state)
{
	struct acpi_guest_desc d = desc(4);
	uint64_t rsdp;
	const uint8_t *r, *x, *f;
	int used;

	d.mcfg_base = 0xb0000000;
	d.mcfg_bus_end = 0;
	used = build_at(&d, GPA, &rsdp);
	r = buf + (rsdp - GPA);
	assert_int_equal(sum(r, 20), 0);		/* ACPI 1.0 checksum */
	assert_int_equal(sum(r, 36), 0);		/* extended checksum */
	x = xsdt_of(rsdp, used, GPA);
	assert_int_equal(sum(x, rd32(x + 4)), 0);
	assert_int_equal(sum(at(rd32(r + 16), used, GPA),
			     rd32(at(rd32(r + 16), used, GPA) + 4)), 0);
	for (uint32_t i = 0; i < (rd32(x + 4) - 36) / 8; i++) {
		const uint8_t *t = at(rd64(x + 36 + 8 * i), used, GPA);

		assert_int_equal(sum(t, rd32(t + 4)), 0);
	}
	f = xsdt_entry(x, used, GPA, "FACP");
	assert_non_null(f);
	f = at(rd64(f + 140), used, GPA);
	assert_memory_equal(f, "DSDT", 4);
	assert_int_equal(sum(f, rd32(f + 4)), 0);
}

static void test_rsdp(void **state)
{
	struct acpi_guest_desc d = desc(2);
	uint64_t rsdp = 0;
	const uint8_t *r;
	int used;

	used = build_at(&d, GPA, &rsdp);
	assert_int_equal(rsdp, GPA);
	r = buf;
	assert_memory_equal(r, "RSD PTR ", 8);
	assert_memory_equal(r + 9, "HVISOR", 6);
	assert_int_equal(r[15], 2);			/* revision */
	assert_int_equal(rd32(r + 20), 36);		/* length */
	assert_memory_equal(at(rd64(r + 24), used, GPA), "XSDT", 4);
	assert_memory_equal(at(rd32(r + 16), used, GPA), "RSDT", 4);
	assert_int_equal(r[33] | r[34] | r[35], 0);	/* reserved */
	/* A corrupted byte must break exactly the checksums covering it. */
	buf[30] ^= 1;
	assert_int_equal(sum(r, 20), 0);
	assert_int_not_equal(sum(r, 36), 0);
	assert_null(acpi_find(buf, used, GPA, "RSD "));
}

static void test_xsdt_lists_every_table(void **state)
{
	struct acpi_guest_desc d = desc(4);
	const uint8_t *x, *rt, *r;
	uint64_t rsdp;
	int used;

	for (int mcfg = 0; mcfg < 2; mcfg++) {
		d.mcfg_base = mcfg ? 0xe0000000 : 0;
		d.mcfg_bus_end = 255;
		used = build_at(&d, GPA, &rsdp);
		r = buf + (rsdp - GPA);
		x = xsdt_of(rsdp, used, GPA);
		assert_int_equal(rd32(x + 4), 36 + 8 * (2 + mcfg));
		assert_non_null(xsdt_entry(x, used, GPA, "FACP"));
		assert_non_null(xsdt_entry(x, used, GPA, "APIC"));
		if (mcfg)
			assert_non_null(xsdt_entry(x, used, GPA, "MCFG"));
		/* The RSDT lists the same tables with 32-bit pointers. */
		rt = at(rd32(r + 16), used, GPA);
		assert_int_equal(rd32(rt + 4), 36 + 4 * (2 + mcfg));
		for (int i = 0; i < 2 + mcfg; i++)
			assert_int_equal(rd32(rt + 36 + 4 * i),
					 rd64(x + 36 + 8 * i));
	}
}

/* ---- MADT ---------------------------------------------------------------- */

struct madt_scan {
	int n_lapic, n_x2apic, n_ioapic, n_iso, n_nmi, n_x2nmi, n_other;
	uint32_t ids[512], uids[512];
	int n_ids;
	const uint8_t *ioapic, *iso[4], *nmi, *x2nmi;
};

/* Walks the MADT's entries; fails on any malformed length. */
static void scan_madt(const uint8_t *m, struct madt_scan *s)
{
	const uint8_t *p = m + 44, *end = m + rd32(m + 4);

	memset(s, 0, sizeof(*s));
	while (p < end) {
		assert_true(p + 2 <= end);
		assert_true(p[1] >= 2 && p + p[1] <= end);
		switch (p[0]) {
		case 0:
			assert_int_equal(p[1], 8);
			assert_int_equal(rd32(p + 4), 1);	/* enabled */
			s->uids[s->n_ids] = p[2];
			s->ids[s->n_ids++] = p[3];
			s->n_lapic++;
			break;
		case 1:
			assert_int_equal(p[1], 12);
			s->ioapic = p;
			s->n_ioapic++;
			break;
		case 2:
			assert_int_equal(p[1], 10);
			assert_true(s->n_iso < 4);
			s->iso[s->n_iso++] = p;
			break;
		case 4:
			assert_int_equal(p[1], 6);
			s->nmi = p;
			s->n_nmi++;
			break;
		case 9:
			assert_int_equal(p[1], 16);
			assert_int_equal(rd32(p + 8), 1);	/* enabled */
			s->uids[s->n_ids] = rd32(p + 12);
			s->ids[s->n_ids++] = rd32(p + 4);
			s->n_x2apic++;
			break;
		case 10:
			assert_int_equal(p[1], 12);
			s->x2nmi = p;
			s->n_x2nmi++;
			break;
		default:
			s->n_other++;
		}
		p += p[1];
	}
	assert_ptr_equal(p, end);
}

static const uint8_t *madt_of(const struct acpi_guest_desc *d, uint64_t gpa)
{
	uint64_t rsdp;
	int used = build_at(d, gpa, &rsdp);
	const uint8_t *m = xsdt_entry(xsdt_of(rsdp, used, gpa), used, gpa,
				      "APIC");

	assert_non_null(m);
	return m;
}

static void check_common_madt(const uint8_t *m, const struct madt_scan *s,
			      const struct acpi_guest_desc *d)
{
	assert_int_equal(m[8], 5);			/* revision */
	assert_int_equal(rd32(m + 36), 0xfee00000);	/* LAPIC address */
	assert_int_equal(rd32(m + 40) & 1, 1);		/* PCAT_COMPAT */

	assert_int_equal(s->n_ioapic, 1);
	assert_int_equal(s->ioapic[2], d->ioapic_id);
	assert_int_equal(rd32(s->ioapic + 4), 0xfec00000);
	assert_int_equal(rd32(s->ioapic + 8), 0);	/* GSI base */

	assert_int_equal(s->n_iso, 2);
	/* IRQ0 -> GSI2, ISA bus, conforming (= edge, high on ISA). */
	assert_int_equal(s->iso[0][2], 0);
	assert_int_equal(s->iso[0][3], 0);
	assert_int_equal(rd32(s->iso[0] + 4), 2);
	assert_int_equal(rd16(s->iso[0] + 8), 0);
	/* SCI: IRQ9 -> GSI9, level (bits 3:2 = 11), active high (01). */
	assert_int_equal(s->iso[1][2], 0);
	assert_int_equal(s->iso[1][3], 9);
	assert_int_equal(rd32(s->iso[1] + 4), 9);
	assert_int_equal(rd16(s->iso[1] + 8), 0x000d);

	assert_int_equal(s->n_nmi, 1);
	assert_int_equal(s->nmi[2], 0xff);		/* all processors */
	assert_int_equal(s->nmi[5], 1);			/* LINT1 */
	assert_int_equal(s->n_other, 0);
}

static void test_madt_cpus(void **state)
{
	static const uint32_t counts[] = { 1, 2, 4, 8 };

	for (unsigned int c = 0; c < 4; c++) {
		struct acpi_guest_desc d = desc(counts[c]);
		struct madt_scan s;
		const uint8_t *m = madt_of(&d, GPA);

		scan_madt(m, &s);
		assert_int_equal(s.n_lapic, counts[c]);
		assert_int_equal(s.n_x2apic, 0);
		assert_int_equal(s.n_x2nmi, 0);
		for (uint32_t i = 0; i < counts[c]; i++) {
			assert_int_equal(s.ids[i], i);
			assert_int_equal(s.uids[i], i);
		}
		check_common_madt(m, &s, &d);
		assert_int_equal(rd32(m + 4),
				 44 + 8 * counts[c] + 12 + 2 * 10 + 6);
	}
}

static void test_madt_x2apic(void **state)
{
	struct acpi_guest_desc d = desc(8);
	struct madt_scan s;
	const uint8_t *m;

	/* Eight vCPUs fit xAPIC IDs: x2APIC mode changes nothing. */
	d.x2apic = true;
	m = madt_of(&d, GPA);
	scan_madt(m, &s);
	assert_int_equal(s.n_lapic, 8);
	assert_int_equal(s.n_x2apic, 0);

	/* IDs from 255 on take x2APIC entries, with an x2APIC NMI. */
	d.n_vcpus = 300;
	m = madt_of(&d, GPA);
	scan_madt(m, &s);
	assert_int_equal(s.n_lapic, 255);
	assert_int_equal(s.n_x2apic, 45);
	assert_int_equal(s.n_ids, 300);
	for (uint32_t i = 0; i < 300; i++) {
		assert_int_equal(s.ids[i], i);
		assert_int_equal(s.uids[i], i);
	}
	assert_int_equal(s.n_x2nmi, 1);
	assert_int_equal(rd32(s.x2nmi + 4), 0xffffffff);
	assert_int_equal(s.x2nmi[8], 1);		/* LINT1 */
	check_common_madt(m, &s, &d);

	/* Without x2APIC, a 256th vCPU would need the broadcast ID 255. */
	d.x2apic = false;
	d.n_vcpus = 256;
	assert_int_equal(acpi_build(&d, buf, GPA, sizeof(buf), NULL), -EINVAL);
	d.n_vcpus = 255;
	m = madt_of(&d, GPA);
	scan_madt(m, &s);
	assert_int_equal(s.n_lapic, 255);
	assert_int_equal(s.ids[254], 254);
	assert_int_equal(s.n_x2apic, 0);
}

/* ---- FADT ---------------------------------------------------------------- */

static const uint8_t *fadt_of(const struct acpi_guest_desc *d, uint64_t gpa,
			      int *used)
{
	uint64_t rsdp;
	const uint8_t *f;

	*used = build_at(d, gpa, &rsdp);
	f = xsdt_entry(xsdt_of(rsdp, *used, gpa), *used, gpa, "FACP");
	assert_non_null(f);
	return f;
}

static void check_gas_io(const uint8_t *g, uint8_t bits, uint64_t port)
{
	assert_int_equal(g[0], 1);			/* system I/O */
	assert_int_equal(g[1], bits);
	assert_int_equal(g[2], 0);			/* bit offset */
	assert_int_equal(rd64(g + 4), port);
}

static void test_fadt_offsets(void **state)
{
	struct acpi_guest_desc d = desc(2);
	const uint8_t *f;
	uint32_t flags;
	int used;

	f = fadt_of(&d, GPA, &used);
	assert_int_equal(rd32(f + 4), 276);		/* length, rev 6 */
	assert_int_equal(f[8], 6);			/* revision */
	assert_memory_equal(at(rd32(f + 36), used, GPA), "FACS", 4);
	assert_memory_equal(at(rd32(f + 40), used, GPA), "DSDT", 4);
	assert_int_equal(rd16(f + 46), 9);		/* SCI_INT */
	assert_int_equal(rd32(f + 48), 0);		/* SMI_CMD: none */
	assert_int_equal(rd32(f + 56), 0x600);		/* PM1a_EVT_BLK */
	assert_int_equal(rd32(f + 60), 0);		/* PM1b_EVT_BLK */
	assert_int_equal(rd32(f + 64), 0x604);		/* PM1a_CNT_BLK */
	assert_int_equal(rd32(f + 68), 0);		/* PM1b_CNT_BLK */
	assert_int_equal(rd32(f + 76), 0x608);		/* PM_TMR_BLK */
	assert_int_equal(rd32(f + 80), 0);		/* GPE0_BLK */
	assert_int_equal(f[88], 4);			/* PM1_EVT_LEN */
	assert_int_equal(f[89], 2);			/* PM1_CNT_LEN */
	assert_int_equal(f[91], 4);			/* PM_TMR_LEN */
	assert_int_equal(f[108], 0x32);			/* CENTURY */
	/* IAPC_BOOT_ARCH: legacy devices, no 8042, no VGA. */
	assert_int_equal(rd16(f + 109) & 0x7, 0x5);
	flags = rd32(f + 112);
	assert_true(flags & (1u << 10));		/* RESET_REG_SUP */
	assert_true(flags & (1u << 8));			/* TMR_VAL_EXT */
	assert_false(flags & (1u << 20));		/* HW_REDUCED_ACPI */
	assert_false(flags & (1u << 19));		/* APIC physical */
	check_gas_io(f + 116, 8, 0xcf9);		/* RESET_REG */
	assert_int_equal(f[119], 1);			/* byte access */
	assert_int_equal(f[128], 0x06);			/* RESET_VALUE */
	assert_int_equal(rd64(f + 132), rd32(f + 36));	/* X_FIRMWARE_CTRL */
	assert_int_equal(rd64(f + 140), rd32(f + 40));	/* X_DSDT */
	check_gas_io(f + 148, 32, 0x600);		/* X_PM1a_EVT_BLK */
	check_gas_io(f + 172, 16, 0x604);		/* X_PM1a_CNT_BLK */
	check_gas_io(f + 208, 32, 0x608);		/* X_PM_TMR_BLK */
	/* Unused X_ blocks stay zero: PM1b, PM2, GPE0/1, sleep regs. */
	for (int off = 160; off < 172; off++)
		assert_int_equal(f[off], 0);
	for (int off = 184; off < 208; off++)
		assert_int_equal(f[off], 0);
	for (int off = 220; off < 276; off++)
		assert_int_equal(f[off], 0);
}

static void test_fadt_options(void **state)
{
	struct acpi_guest_desc d = desc(1);
	const uint8_t *f;
	int used;

	d.reset_port = 0;
	d.pm_tmr_port = 0;
	d.force_apic_physical = true;
	f = fadt_of(&d, GPA, &used);
	assert_false(rd32(f + 112) & (1u << 10));	/* no RESET_REG_SUP */
	assert_false(rd32(f + 112) & (1u << 8));
	assert_true(rd32(f + 112) & (1u << 19));
	for (int off = 116; off < 129; off++)
		assert_int_equal(f[off], 0);
	assert_int_equal(rd32(f + 76), 0);
	assert_int_equal(f[91], 0);
	for (int off = 208; off < 220; off++)
		assert_int_equal(f[off], 0);
}

/* ---- DSDT and FACS --------------------------------------------------------- */

/* The same walk as src/arch/acpi.c's s5_sleep_type(), written afresh. */
static int s5_scan(const uint8_t *dsdt)
{
	const uint8_t *p = dsdt + 36, *end = dsdt + rd32(dsdt + 4);

	for (; p + 8 < end; p++) {
		if (memcmp(p, "_S5_", 4) || p[4] != 0x12)
			continue;
		p += 5;
		p += ((*p >> 6) & 3) + 1;
		p++;
		if (*p == 0x0a)
			return p[1];
		if (*p == 0x00 || *p == 0x01)
			return *p;
		return -1;
	}
	return -1;
}

static void test_dsdt_s5(void **state)
{
	struct acpi_guest_desc d = desc(2);
	const uint8_t *f, *t, *p, *end;
	uint32_t pkglen;
	int used;

	f = fadt_of(&d, GPA, &used);
	t = at(rd64(f + 140), used, GPA);
	assert_memory_equal(t, "DSDT", 4);
	assert_int_equal(t[8], 2);			/* 64-bit integers */
	assert_int_equal(s5_scan(t), ACPI_SLP_TYP_S5);
	assert_int_equal(ACPI_SLP_TYP_S5, 5);

	/* A strict decode: the one object fills the table exactly. */
	p = t + 36;
	end = t + rd32(t + 4);
	assert_int_equal(p[0], 0x08);			/* NameOp */
	assert_memory_equal(p + 1, "_S5_", 4);
	assert_int_equal(p[5], 0x12);			/* PackageOp */
	assert_int_equal(p[6] >> 6, 0);			/* one-byte PkgLength */
	pkglen = p[6] & 0x3f;
	assert_ptr_equal(p + 6 + pkglen, end);
	p += 7;
	assert_int_equal(*p++, 4);			/* NumElements */
	for (int i = 0; i < 4; i++) {
		if (*p == 0x0a) {
			assert_int_equal(p[1], i < 2 ? 5 : 0);
			p += 2;
		} else {
			assert_int_equal(*p, 0x00);	/* ZeroOp */
			assert_true(i >= 2);
			p++;
		}
	}
	assert_ptr_equal(p, end);

	/* What a guest writes to PM1a_CNT, decoded the device's way. */
	uint16_t v = (s5_scan(t) << 10) | ACPI_PM1_CNT_SLP_EN;
	assert_int_equal(ACPI_PM1_CNT_SLP_TYP(v), 5);
	assert_true(v & (1 << 13));
}

/* PkgLength at @p: its value, and *@n its bytes. */
static uint32_t pkglen(const uint8_t *p, unsigned int *n)
{
	uint32_t v;

	*n = (p[0] >> 6) + 1;
	if (*n == 1)
		return p[0] & 0x3f;
	v = p[0] & 0xf;
	for (unsigned int i = 1; i < *n; i++)
		v |= (uint32_t)p[i] << (4 + 8 * (i - 1));
	return v;
}

/* Name (@seg, ...) in [p, end): the byte after NameOp NameSeg, or NULL. */
static const uint8_t *named(const uint8_t *p, const uint8_t *end,
			    const char *seg)
{
	for (; p + 5 < end; p++)
		if (p[0] == 0x08 && !memcmp(p + 1, seg, 4))
			return p + 5;
	return NULL;
}

/*
 * With ECAM, the DSDT holds \_SB.PCI0 (PNP0A08, bus 0..end, the window)
 * and \_SB.MRES (PNP0C02, the ECAM range), each package exactly as long
 * as its contents. iasl checks the whole (test-acpi-iasl.sh).
 */
static void test_dsdt_pci(void **state)
{
	struct acpi_guest_desc d = desc(2);
	const uint8_t *f, *t, *p, *end, *dev, *dev_end, *v, *crs;
	unsigned int n;
	uint32_t len;
	int used;

	d.mcfg_base = 0xe0000000;
	d.mcfg_bus_end = 0;
	d.pci_win_base = 0xc0000000;
	d.pci_win_size = 0x20000000;
	f = fadt_of(&d, GPA, &used);
	t = at(rd64(f + 140), used, GPA);
	assert_int_equal(s5_scan(t), ACPI_SLP_TYP_S5);
	end = t + rd32(t + 4);
	/* Scope (\_SB_) fills the rest of the table. */
	p = t + 36 + 14;				/* after \_S5_ */
	assert_int_equal(p[0], 0x10);
	len = pkglen(p + 1, &n);
	assert_ptr_equal(p + 1 + len, end);
	assert_memory_equal(p + 1 + n, "_SB_", 4);
	p += 5 + n;
	/* Device (PCI0) */
	assert_int_equal(p[0], 0x5b);
	assert_int_equal(p[1], 0x82);
	len = pkglen(p + 2, &n);
	dev = p + 2 + n;
	dev_end = p + 2 + len;
	assert_memory_equal(dev, "PCI0", 4);
	v = named(dev, dev_end, "_HID");
	assert_int_equal(v[0], 0x0c);
	assert_int_equal(rd32(v + 1), 0x080ad041);	/* EisaId ("PNP0A08") */
	v = named(dev, dev_end, "_CID");
	assert_int_equal(rd32(v + 1), 0x030ad041);	/* EisaId ("PNP0A03") */
	assert_int_equal(*named(dev, dev_end, "_SEG"), 0x00);
	assert_int_equal(*named(dev, dev_end, "_BBN"), 0x00);
	crs = named(dev, dev_end, "_CRS");
	assert_int_equal(crs[0], 0x11);			/* BufferOp */
	len = pkglen(crs + 1, &n);
	assert_ptr_equal(crs + 1 + len, dev_end);	/* the device's last */
	assert_int_equal(crs[1 + n], 0x0a);
	v = crs + 3 + n;				/* the descriptors */
	assert_int_equal(crs[2 + n], 16 + 8 + 26 + 2);
	assert_int_equal(v[0], 0x88);			/* WordBusNumber */
	assert_int_equal(v[3], 2);
	assert_int_equal(rd16(v + 8), 0);		/* min */
	assert_int_equal(rd16(v + 10), 0);		/* max */
	assert_int_equal(rd16(v + 14), 1);		/* length */
	v += 16;
	assert_int_equal(v[0], 0x47);			/* IO */
	assert_int_equal(rd16(v + 2), 0xcf8);
	assert_int_equal(v[7], 8);
	v += 8;
	assert_int_equal(v[0], 0x87);			/* DWordMemory */
	assert_int_equal(v[3], 0);
	assert_int_equal(rd32(v + 10), 0xc0000000);
	assert_int_equal(rd32(v + 14), 0xdfffffff);
	assert_int_equal(rd32(v + 22), 0x20000000);
	v += 26;
	assert_int_equal(v[0], 0x79);			/* EndTag */
	/* Device (MRES) right after. */
	p = dev_end;
	assert_int_equal(p[0], 0x5b);
	assert_int_equal(p[1], 0x82);
	len = pkglen(p + 2, &n);
	assert_ptr_equal(p + 2 + len, end);
	dev = p + 2 + n;
	assert_memory_equal(dev, "MRES", 4);
	assert_int_equal(rd32(named(dev, end, "_HID") + 1), 0x020cd041);
	crs = named(dev, end, "_CRS");
	v = crs + 4;					/* BufferOp len 0x0a n */
	assert_int_equal(v[0], 0x86);			/* Memory32Fixed */
	assert_int_equal(rd32(v + 4), 0xe0000000);
	assert_int_equal(rd32(v + 8), 1 << 20);

	/*
	 * With INTx GSIs, a _PRT follows the _CRS: 31 devices x 4 pins,
	 * each Package (4) { 0xDDDDFFFF, pin, Zero, GSI }.
	 */
	d.pci_intx_gsi = 16;
	f = fadt_of(&d, GPA, &used);
	t = at(rd64(f + 140), used, GPA);
	end = t + rd32(t + 4);
	v = named(t + 36, end, "_PRT");
	assert_non_null(v);
	assert_int_equal(v[0], 0x12);			/* PackageOp */
	len = pkglen(v + 1, &n);
	p = v + 1 + n;
	assert_int_equal(*p++, 124);			/* NumElements */
	for (uint32_t dev = 1; dev < 32; dev++) {
		for (uint32_t pin = 0; pin < 4; pin++) {
			assert_int_equal(p[0], 0x12);
			assert_int_equal(p[2], 4);
			assert_int_equal(p[3], 0x0c);	/* DWordConst */
			assert_int_equal(rd32(p + 4), dev << 16 | 0xffff);
			p += 8;
			if (pin) {
				assert_int_equal(p[0], pin == 1 ? 0x01 : 0x0a);
				p += pin == 1 ? 1 : 2;
			} else {
				assert_int_equal(*p++, 0x00);
			}
			assert_int_equal(*p++, 0x00);	/* a GSI */
			assert_int_equal(p[0], 0x0a);
			assert_int_equal(p[1], 16 + (dev + pin) % 4);
			p += 2;
		}
	}
	assert_ptr_equal(p, v + 1 + len);
	d.pci_intx_gsi = 21;				/* no room for four */
	assert_int_equal(acpi_build(&d, buf, GPA, sizeof(buf), NULL), -EINVAL);
	d.pci_intx_gsi = 0;

	/* A window past 4 GiB, or none, is refused. */
	d.pci_win_size = 0;
	assert_int_equal(acpi_build(&d, buf, GPA, sizeof(buf), NULL), -EINVAL);
	d.pci_win_base = 0xf0000000;
	d.pci_win_size = 0x20000000;
	assert_int_equal(acpi_build(&d, buf, GPA, sizeof(buf), NULL), -EINVAL);
}

/* virtio-mmio slots as LNRO0005 devices, with or without PCI. */
static void test_dsdt_virtio_mmio(void **state)
{
	struct acpi_guest_desc d = desc(2);
	const uint8_t *f, *t, *end, *v;
	int used;

	d.virtio_mmio_n = 2;
	d.virtio_mmio_base = 0xfeb00000;
	d.virtio_mmio_gsi = 16;
	for (int pci = 0; pci < 2; pci++) {
		d.mcfg_base = pci ? 0xe0000000 : 0;
		f = fadt_of(&d, GPA, &used);
		t = at(rd64(f + 140), used, GPA);
		assert_int_equal(s5_scan(t), ACPI_SLP_TYP_S5);
		end = t + rd32(t + 4);
		for (int i = 0; i < 2; i++) {
			const uint8_t *dev = t + 36;
			char seg[5] = { 'V', 'R', '0', (char)('0' + i), 0 };

			while (dev < end - 4 && memcmp(dev, seg, 4))
				dev++;
			assert_true(dev < end - 4);
			v = named(dev, end, "_HID");
			assert_int_equal(v[0], 0x0d);		/* StringPrefix */
			assert_string_equal((const char *)v + 1, "LNRO0005");
			v = named(dev, end, "_CRS") + 4;	/* the descriptors */
			assert_int_equal(v[0], 0x86);		/* Memory32Fixed */
			assert_int_equal(rd32(v + 4), 0xfeb00000 + 0x200 * i);
			assert_int_equal(rd32(v + 8), 0x200);
			v += 12;
			assert_int_equal(v[0], 0x89);		/* Interrupt */
			assert_int_equal(v[3], 0x03);		/* consumer, edge, high */
			assert_int_equal(v[4], 1);
			assert_int_equal(rd32(v + 5), 16 + i);
		}
		assert_int_equal(named(t + 36, end, "_PRT") != NULL, 0);
	}
	/* Slots past GSI 23, or unaligned, are refused. */
	d.virtio_mmio_gsi = 23;
	assert_int_equal(acpi_build(&d, buf, GPA, sizeof(buf), NULL), -EINVAL);
	d.virtio_mmio_gsi = 16;
	d.virtio_mmio_base = 0xfeb00100;
	assert_int_equal(acpi_build(&d, buf, GPA, sizeof(buf), NULL), -EINVAL);
}

static void test_facs(void **state)
{
	struct acpi_guest_desc d = desc(2);
	const uint8_t *f, *s;
	int used;

	f = fadt_of(&d, GPA, &used);
	s = at(rd64(f + 132), used, GPA);
	assert_int_equal(rd64(f + 132) % 64, 0);
	assert_memory_equal(s, "FACS", 4);
	assert_int_equal(rd32(s + 4), 64);
	assert_int_equal(rd32(s + 12), 0);		/* waking vector */
	assert_int_equal(rd32(s + 16), 0);		/* global lock */
	assert_int_equal(s[32], 2);			/* version */
}

/* ---- MCFG ---------------------------------------------------------------- */

static void test_mcfg(void **state)
{
	struct acpi_guest_desc d = desc(2);
	const uint8_t *x, *m;
	uint64_t rsdp;
	int used;

	d.mcfg_base = 0xb0000000;
	d.mcfg_bus_end = 7;
	used = build_at(&d, GPA, &rsdp);
	x = xsdt_of(rsdp, used, GPA);
	m = xsdt_entry(x, used, GPA, "MCFG");
	assert_non_null(m);
	assert_int_equal(rd32(m + 4), 60);
	assert_int_equal(rd64(m + 36), 0);		/* reserved */
	assert_int_equal(rd64(m + 44), 0xb0000000);	/* base */
	assert_int_equal(rd16(m + 52), 0);		/* segment */
	assert_int_equal(m[54], 0);			/* start bus */
	assert_int_equal(m[55], 7);			/* end bus */

	d.mcfg_base = 0;
	used = build_at(&d, GPA, &rsdp);
	assert_null(xsdt_entry(xsdt_of(rsdp, used, GPA), used, GPA, "MCFG"));
	assert_null(acpi_find(buf, used, GPA, "MCFG"));

	d.mcfg_base = 0xb0000800;			/* not 1 MiB aligned */
	assert_int_equal(acpi_build(&d, buf, GPA, sizeof(buf), NULL), -EINVAL);
}

/* ---- sizes, alignment, placement ------------------------------------------- */

static void test_enospc(void **state)
{
	struct acpi_guest_desc d = desc(8);
	uint64_t rsdp = 0x1234;
	int need;

	d.mcfg_base = 0xb0000000;
	need = acpi_tables_size(&d, GPA);
	assert_true(need > 0);
	for (int cap = 0; cap < need; cap++) {
		memset(buf, 0xa5, need + 16);
		assert_int_equal(acpi_build(&d, buf, GPA, cap, &rsdp), -ENOSPC);
		assert_int_equal(rsdp, 0x1234);
		for (int i = 0; i < need + 16; i++)
			assert_int_equal(buf[i], 0xa5);	/* untouched */
	}
	memset(buf, 0xa5, sizeof(buf));
	assert_int_equal(acpi_build(&d, buf, GPA, need, &rsdp), need);
	for (int i = need; i < need + 64; i++)
		assert_int_equal(buf[i], 0xa5);		/* nothing past the end */
}

/* Every table, found the guest's way, with its guest address. */
static int collect(uint64_t rsdp, int used, uint64_t base,
		   const uint8_t **t, uint64_t *gpa)
{
	const uint8_t *x = xsdt_of(rsdp, used, base), *f;
	int n = 0;

	t[n] = x;
	gpa[n++] = rd64(buf + (rsdp - base) + 24);
	for (uint32_t i = 0; i < (rd32(x + 4) - 36) / 8; i++)
		gpa[n++] = rd64(x + 36 + 8 * i);
	f = at(gpa[1], used, base);			/* the FADT comes first */
	assert_memory_equal(f, "FACP", 4);
	gpa[n++] = rd64(f + 140);
	gpa[n++] = rd64(f + 132);
	if (rd32(buf + (rsdp - base) + 16))
		gpa[n++] = rd32(buf + (rsdp - base) + 16);
	for (int i = 1; i < n; i++)
		t[i] = at(gpa[i], used, base);
	return n;
}

static void test_alignment(void **state)
{
	static const uint64_t bases[] = {
		0xe0000, 0x1000, 0x7ff0008, 0x9fc04, 0xfffff000, 0x100000000,
	};
	struct acpi_guest_desc d = desc(3);

	d.mcfg_base = 0xb0000000;
	for (unsigned int b = 0; b < 6; b++) {
		const uint8_t *t[8];
		uint64_t gpa[8], rsdp;
		int used = build_at(&d, bases[b], &rsdp);
		int n = collect(rsdp, used, bases[b], t, gpa);

		assert_int_equal(rsdp % 16, 0);
		assert_true(rsdp >= bases[b] && rsdp < bases[b] + 16);
		assert_int_equal(used, acpi_tables_size(&d, bases[b]));
		assert_true(n >= 6);
		for (int i = 0; i < n; i++) {
			assert_int_equal(gpa[i] % 8, 0);
			if (!memcmp(t[i], "FACS", 4))
				assert_int_equal(gpa[i] % 64, 0);
			/* No two tables overlap. */
			for (int j = 0; j < n; j++)
				if (i != j)
					assert_true(gpa[i] + rd32(t[i] + 4) <= gpa[j] ||
						    gpa[j] + rd32(t[j] + 4) <= gpa[i]);
		}
	}
}

static void test_above_4g(void **state)
{
	static const uint64_t bases[] = { 0x100000000, 0xffffff00 };
	struct acpi_guest_desc d = desc(4);

	for (int b = 0; b < 2; b++) {
		const uint8_t *f;
		int used;

		f = fadt_of(&d, bases[b], &used);
		/* No RSDT when anything would lie above 4 GiB. */
		assert_int_equal(rd32(buf + 16), 0);
		assert_memory_equal(buf, "RSD PTR ", 8);
		assert_int_equal(sum(buf, 20), 0);
		assert_int_equal(sum(buf, 36), 0);
		assert_null(acpi_find(buf, used, bases[b], "RSDT"));
		/* 32-bit pointers are 0 where the target is above 4 GiB. */
		if (rd64(f + 140) > 0xffffffffull)
			assert_int_equal(rd32(f + 40), 0);
		if (rd64(f + 132) > 0xffffffffull)
			assert_int_equal(rd32(f + 36), 0);
		assert_non_null(acpi_find(buf, used, bases[b], "DSDT"));
		assert_non_null(acpi_find(buf, used, bases[b], "FACS"));
	}
}

static void test_bound(void **state)
{
	struct acpi_guest_desc d = desc(1);

	d.x2apic = true;
	d.mcfg_base = 0xb0000000;
	d.pci_intx_gsi = 16;
	for (uint32_t n = 1; n <= 600; n += 7) {
		d.n_vcpus = n;
		int size = acpi_tables_size(&d, 0x1004);

		assert_true(size > 0);
		assert_true((size_t)size <= ACPI_TABLES_MAX(n));
	}
	d.n_vcpus = ACPI_MAX_VCPUS;
	assert_true((size_t)acpi_tables_size(&d, 0x1004) <=
		    ACPI_TABLES_MAX(ACPI_MAX_VCPUS));
	d.n_vcpus = ACPI_MAX_VCPUS + 1;
	assert_int_equal(acpi_tables_size(&d, 0x1004), -EINVAL);
}

static void test_invalid(void **state)
{
	struct acpi_guest_desc d;

#define BAD(field, value) do {						\
		d = desc(2);						\
		d.field = value;					\
		assert_int_equal(acpi_build(&d, buf, GPA, sizeof(buf), NULL), \
				 -EINVAL);				\
	} while (0)
	BAD(n_vcpus, 0);
	BAD(pm1a_evt_port, 0);
	BAD(pm1a_cnt_port, 0);
	BAD(sci_irq, 0);
	BAD(sci_irq, 2);
	BAD(sci_irq, 16);
	BAD(lapic_addr, 0x100000000ull);
	BAD(ioapic_addr, 0x100000000ull);
	BAD(ioapic_addr, 0);
	BAD(ioapic_id, 256);
#undef BAD
	/* An OEM ID with a control or 8-bit byte (fuzz_acpi's; iasl refuses). */
	d = desc(2);
	memcpy(d.oem_id, "AB\x14" "CD", 6);
	assert_int_equal(acpi_build(&d, buf, GPA, sizeof(buf), NULL), -EINVAL);
	memcpy(d.oem_id, "AB\x7f", 4);
	assert_int_equal(acpi_build(&d, buf, GPA, sizeof(buf), NULL), -EINVAL);
	d = desc(2);
	assert_int_equal(acpi_build(&d, buf, UINT64_MAX - 100, sizeof(buf),
				    NULL), -EINVAL);
}

static void test_oem_id(void **state)
{
	struct acpi_guest_desc d = desc(2);
	const uint8_t *t[8];
	uint64_t gpa[8], rsdp;
	int used, n;

	strcpy(d.oem_id, "ABC");
	used = build_at(&d, GPA, &rsdp);
	assert_memory_equal(buf + 9, "ABC   ", 6);
	n = collect(rsdp, used, GPA, t, gpa);
	for (int i = 0; i < n; i++)
		if (memcmp(t[i], "FACS", 4))
			assert_memory_equal(t[i] + 10, "ABC   ", 6);
	memcpy(d.oem_id, "TOOLONG", 7);		/* no NUL: cut to 6 */
	build_at(&d, GPA, &rsdp);
	assert_memory_equal(buf + 9, "TOOLON", 6);
}

static void test_find(void **state)
{
	static const char *sigs[] = {
		"XSDT", "RSDT", "FACP", "APIC", "MCFG", "DSDT", "FACS",
	};
	struct acpi_guest_desc d = desc(4);
	const uint8_t *t, *m;
	uint64_t rsdp;
	int used;

	d.mcfg_base = 0xc0000000;
	used = build_at(&d, 0x9fc00, &rsdp);
	assert_ptr_equal(acpi_find(buf, used, 0x9fc00, "RSD "), buf);
	for (int i = 0; i < 7; i++) {
		t = acpi_find(buf, used, 0x9fc00, sigs[i]);
		assert_non_null(t);
		assert_memory_equal(t, sigs[i], 4);
		assert_true(t >= buf && t + rd32(t + 4) <= buf + used);
	}
	assert_null(acpi_find(buf, used, 0x9fc00, "SSDT"));
	/* The length must cover the table; a bad checksum hides it. */
	m = acpi_find(buf, used, 0x9fc00, "APIC");
	assert_null(acpi_find(buf, m - buf + 20, 0x9fc00, "APIC"));
	buf[m - buf + 50] ^= 0x40;
	assert_null(acpi_find(buf, used, 0x9fc00, "APIC"));
	assert_non_null(acpi_find(buf, used, 0x9fc00, "FACP"));
	assert_null(acpi_find(buf, 16, 0x9fc00, "XSDT"));
}

/* ---- --dump: the tables as files for iasl ---------------------------------- */

static int dump_one(const char *dir, const char *name,
		    const struct acpi_guest_desc *d, uint64_t gpa)
{
	static const char *sigs[] = {
		"RSD ", "XSDT", "RSDT", "FACP", "APIC", "MCFG", "DSDT", "FACS",
	};
	char path[512];
	int used = acpi_build(d, buf, gpa, sizeof(buf), NULL);

	if (used < 0)
		return 1;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	mkdir(path, 0777);
	for (int i = 0; i < 8; i++) {
		const uint8_t *t = acpi_find(buf, used, gpa, sigs[i]);
		size_t len;
		FILE *f;

		if (!t)
			continue;
		len = i ? rd32(t + 4) : 36;
		snprintf(path, sizeof(path), "%s/%s/%.4s.dat", dir, name,
			 i ? sigs[i] : "RSDP");
		f = fopen(path, "wb");
		if (!f || fwrite(t, 1, len, f) != len || fclose(f))
			return 1;
		printf("%s\n", path);
	}
	return 0;
}

static int dump(const char *dir)
{
	struct acpi_guest_desc d = desc(4);
	int err = 0;

	err |= dump_one(dir, "vcpus4-mcfg", &(struct acpi_guest_desc){
		.n_vcpus = 4, .ioapic_addr = 0xfec00000, .ioapic_id = 4,
		.lapic_addr = 0xfee00000, .pm1a_evt_port = 0x600,
		.pm1a_cnt_port = 0x604, .pm_tmr_port = 0x608, .sci_irq = 9,
		.reset_port = 0xcf9, .reset_value = 6,
		.mcfg_base = 0xb0000000, .mcfg_bus_end = 0,
		.pci_win_base = 0xc0000000, .pci_win_size = 0x20000000,
		.pci_intx_gsi = 16,
		.virtio_mmio_n = 2, .virtio_mmio_base = 0xfeb00000,
		.virtio_mmio_gsi = 20,
	}, 0xe0000);
	d.n_vcpus = 1;
	d.reset_port = 0;
	d.pm_tmr_port = 0;
	err |= dump_one(dir, "vcpus1-minimal", &d, 0x7fe0000);
	d = desc(300);
	d.x2apic = true;
	d.force_apic_physical = true;
	err |= dump_one(dir, "vcpus300-x2apic", &d, 0x100000000ull);
	return err;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_checksums),
		cmocka_unit_test(test_rsdp),
		cmocka_unit_test(test_xsdt_lists_every_table),
		cmocka_unit_test(test_madt_cpus),
		cmocka_unit_test(test_madt_x2apic),
		cmocka_unit_test(test_fadt_offsets),
		cmocka_unit_test(test_fadt_options),
		cmocka_unit_test(test_dsdt_s5),
		cmocka_unit_test(test_dsdt_pci),
		cmocka_unit_test(test_dsdt_virtio_mmio),
		cmocka_unit_test(test_facs),
		cmocka_unit_test(test_mcfg),
		cmocka_unit_test(test_enospc),
		cmocka_unit_test(test_alignment),
		cmocka_unit_test(test_above_4g),
		cmocka_unit_test(test_bound),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_oem_id),
		cmocka_unit_test(test_find),
	};

	if (argc == 3 && !strcmp(argv[1], "--dump"))
		return dump(argv[2]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
