/* SPDX-License-Identifier: GPL-2.0 */
#ifndef HV_ACPI_H
#define HV_ACPI_H

#include <stdint.h>

struct acpi_header {
	char sig[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	uint32_t creator_id;
	uint32_t creator_revision;
} __attribute__((packed));

/* Remember the RSDP; tables are found lazily. */
void acpi_init(uint64_t rsdp);
const struct acpi_header *acpi_find_table(const char *sig);
/* Fill @apic_ids with the enabled CPUs of the MADT; returns their count. */
int acpi_madt_cpus(uint32_t *apic_ids, int max);
/* Enter S5 through the FADT's PM1 control blocks. Returns on failure. */
void acpi_poweroff(void);

#endif
