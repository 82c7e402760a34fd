/* SPDX-License-Identifier: GPL-2.0 */
/*
 * MSI-X for a PCI device model (PCI Local Bus 3.0, 6.8.2): the
 * capability in config space, the vector table and the pending bit
 * array in one of the device's memory BARs, masking per vector and per
 * function, and the message each vector sends (SDM Vol. 3A, 11.11),
 * decoded into an APIC bus message.
 *
 * No locking here: the device's owner serializes it (src/core/vmpci.c).
 */
#ifndef HV_DEV_MSIX_H
#define HV_DEV_MSIX_H

#include <stdbool.h>
#include <stdint.h>
#include "dev/irq.h"
#include "dev/pci.h"

#define MSIX_MAX_VECTORS	32
#define MSIX_ENTRY_SIZE		16
#define MSIX_CAP_LEN		12
#define PCI_CAP_ID_MSIX		0x11
#define MSIX_CTRL_ENABLE	(1u << 15)
#define MSIX_CTRL_MASKALL	(1u << 14)
#define MSIX_VEC_MASKED		1u

struct msix_entry {
	uint32_t addr_lo, addr_hi, data, ctrl;
};

struct msix {
	struct pci_dev *dev;
	uint8_t cap;			/* the capability's offset */
	uint16_t n;			/* vectors */
	struct msix_entry tab[MSIX_MAX_VECTORS];
	uint32_t pending;		/* the PBA */
	void (*send)(void *ctx, const struct apic_msg *m);
	void *ctx;
	uint64_t dropped;		/* messages with no APIC address */
};

/*
 * Adds the capability to @d (hooked: call msix_cap_written() from the
 * device's cap_write) for @n vectors whose table lies at @table_off and
 * PBA at @pba_off (8-byte aligned) in BAR @bar. Every vector starts
 * masked, MSI-X disabled. 0, -EINVAL or -ENOSPC.
 */
int msix_init(struct msix *x, struct pci_dev *d, unsigned int n, int bar,
	      uint32_t table_off, uint32_t pba_off,
	      void (*send)(void *ctx, const struct apic_msg *m), void *ctx);
/* Enabled in the control word (the device then uses no INTx). */
bool msix_enabled(const struct msix *x);
/*
 * The device signals vector @vec: sent now, or left pending while it
 * or the function is masked. false when MSI-X is disabled or @vec is
 * out of range (the caller may use INTx instead).
 */
bool msix_notify(struct msix *x, unsigned int vec);
/* The control word was written: an unmask sends what is pending. */
void msix_cap_written(struct msix *x);
/* Accesses to the table (@off from table_off) and the PBA (from pba_off):
 * 4- or 8-byte, aligned; others -EINVAL (reads all ones, writes dropped). */
int msix_table_read(struct msix *x, uint64_t off, unsigned int size,
		    uint64_t *val);
int msix_table_write(struct msix *x, uint64_t off, unsigned int size,
		     uint64_t val);
int msix_pba_read(struct msix *x, uint64_t off, unsigned int size,
		  uint64_t *val);

/* An MSI address/data pair as an APIC bus message; false if @addr is not
 * in the 0xFEEx_xxxx window. */
bool msi_decode(uint64_t addr, uint32_t data, struct apic_msg *m);

#endif
