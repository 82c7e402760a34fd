// SPDX-License-Identifier: GPL-2.0
/* Just enough ACPI to count CPUs and to switch off: RSDT/XSDT, MADT, FADT. */
#include <stdbool.h>
#include <string.h>
#include "src/arch/acpi.h"
#include "src/arch/x86.h"

struct rsdp {
	char sig[8];
	uint8_t checksum;
	char oem_id[6];
	uint8_t revision;
	uint32_t rsdt;
	uint32_t length;
	uint64_t xsdt;
	uint8_t xchecksum;
	uint8_t reserved[3];
} __attribute__((packed));

static const struct rsdp *rsdp;

static bool checksum_ok(const void *p, uint32_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	for (uint32_t i = 0; i < len; i++)
		sum += b[i];
	return sum == 0;
}

void acpi_init(uint64_t pa)
{
	const struct rsdp *r = (const void *)pa;

	rsdp = NULL;
	if (pa && !memcmp(r->sig, "RSD PTR ", 8) && checksum_ok(r, 20))
		rsdp = r;
}

static const struct acpi_header *table_at(uint64_t pa, const char *sig)
{
	const struct acpi_header *h = (const void *)pa;

	if (!pa || memcmp(h->sig, sig, 4) || h->length < sizeof(*h) ||
	    !checksum_ok(h, h->length))
		return NULL;
	return h;
}

const struct acpi_header *acpi_find_table(const char *sig)
{
	const struct acpi_header *root;
	bool x;
	uint32_t n;

	if (!rsdp)
		return NULL;
	x = rsdp->revision >= 2 && rsdp->xsdt;
	root = x ? table_at(rsdp->xsdt, "XSDT") : table_at(rsdp->rsdt, "RSDT");
	if (!root)
		return NULL;
	n = (root->length - sizeof(*root)) / (x ? 8 : 4);
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *ents = (const uint8_t *)(root + 1);
		uint64_t pa;

		if (x)
			memcpy(&pa, ents + 8 * i, 8);
		else {
			uint32_t p32;

			memcpy(&p32, ents + 4 * i, 4);
			pa = p32;
		}
		if (table_at(pa, sig))
			return (const void *)pa;
	}
	return NULL;
}

int acpi_madt_cpus(uint32_t *apic_ids, int max)
{
	const struct acpi_header *madt = acpi_find_table("APIC");
	const uint8_t *p, *end;
	int n = 0;

	if (!madt)
		return 0;
	p = (const uint8_t *)madt + sizeof(*madt) + 8;
	end = (const uint8_t *)madt + madt->length;
	for (; p + 2 <= end && p[1] >= 2 && p + p[1] <= end; p += p[1]) {
		uint32_t id, flags;

		if (p[0] == 0 && p[1] >= 8) {		/* local APIC */
			id = p[3];
			memcpy(&flags, p + 4, 4);
		} else if (p[0] == 9 && p[1] >= 16) {	/* local x2APIC */
			memcpy(&id, p + 4, 4);
			memcpy(&flags, p + 8, 4);
		} else {
			continue;
		}
		if ((flags & 1) && n < max)
			apic_ids[n++] = id;
	}
	return n;
}

/* Find SLP_TYPa of \_S5 in the DSDT: Name(_S5_, Package() { a, b, ... }). */
static int s5_sleep_type(const struct acpi_header *dsdt)
{
	const uint8_t *p = (const uint8_t *)(dsdt + 1);
	const uint8_t *end = (const uint8_t *)dsdt + dsdt->length;

	for (; p + 8 < end; p++) {
		if (memcmp(p, "_S5_", 4) || p[4] != 0x12)
			continue;
		p += 5;
		p += ((*p >> 6) & 3) + 1;	/* PkgLength */
		p++;				/* NumElements */
		if (*p == 0x0a)			/* BytePrefix */
			return p[1];
		if (*p == 0x00 || *p == 0x01)	/* ZeroOp / OneOp */
			return *p;
		return -1;
	}
	return -1;
}

void acpi_poweroff(void)
{
	const uint8_t *fadt = (const void *)acpi_find_table("FACP");
	uint32_t dsdt, pm1a, pm1b;
	int typ;

	if (!fadt)
		return;
	memcpy(&dsdt, fadt + 40, 4);
	memcpy(&pm1a, fadt + 64, 4);
	memcpy(&pm1b, fadt + 68, 4);
	if (!table_at(dsdt, "DSDT"))
		return;
	typ = s5_sleep_type(table_at(dsdt, "DSDT"));
	if (typ < 0 || !pm1a)
		return;
	outw(pm1a, (typ << 10) | (1 << 13));	/* SLP_TYP | SLP_EN */
	if (pm1b)
		outw(pm1b, (typ << 10) | (1 << 13));
}
