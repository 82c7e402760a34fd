/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A VM's PCI bus 0 (dev/pci.h): the host bridge at 00:00.0, reached
 * through ports 0xCF8-0xCFF and ECAM, and the window below 4 GiB that
 * hvisor assigns BARs from. The guest's ACPI tables (MCFG, the DSDT's
 * host bridge) and memory map (ECAM reserved) describe the same
 * addresses (guests/layout.c).
 *
 *   0xC000_0000  BAR window, 256 MiB; guest RAM must end below it
 *   0xE000_0000  ECAM of bus 0, 1 MiB
 *   0xFEC0_0000  vIOAPIC, 0xFEE0_0000 xAPIC (src/core/vmirq.c)
 */
#ifndef HV_VMPCI_H
#define HV_VMPCI_H

#include <stdint.h>

#define VMPCI_WIN_GPA		0xc0000000ull
#define VMPCI_WIN_SIZE		0x10000000ull
#define VMPCI_ECAM_GPA		0xe0000000ull
#define VMPCI_BUS_END		0	/* bus 0 only */
/* INTx: the DSDT's _PRT routes device D's INTA to GSI 16 + D % 4. */
#define VMPCI_INTX_GSI		16

struct vm;

/* Build @vm's bus and host bridge and register their accesses (under
 * vm->pci_lock); devices are plugged later (src/core/vmvirtio.c). */
int vmpci_create(struct vm *vm);

#endif
