/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The virtio-pci modern transport (virtio 1.x, 4.1), without the legacy
 * interface: a PCI function with vendor 0x1AF4, device 0x1040 + the
 * virtio device ID, whose vendor-specific capabilities point into one
 * 64-bit memory BAR holding the common configuration, the ISR byte, the
 * device configuration and the notification area, with the MSI-X table
 * and PBA beside them; and a PCI_CFG capability, the window into that
 * BAR through config space.
 *
 * The device itself (status, features, queues, NEEDS_RESET) is a struct
 * virtio_dev (virtio.h) its backend owns; this maps the registers onto
 * it and delivers its interrupts by MSI-X, or INTx with the ISR byte.
 *
 * No locking here: the owner serializes it (src/core/vmpci.c).
 */
#ifndef HV_DEV_VIRTIO_PCI_H
#define HV_DEV_VIRTIO_PCI_H

#include <stdbool.h>
#include <stdint.h>
#include "dev/msix.h"
#include "dev/pci.h"
#include "dev/virtio.h"

#define VIRTIO_PCI_VENDOR	0x1af4
#define VIRTIO_PCI_DEVICE(id)	(0x1040 + (id))
#define VIRTIO_PCI_BAR		4
#define VIRTIO_PCI_BAR_SIZE	0x8000
/* Where each structure sits in the BAR. */
#define VPCI_COMMON		0x0000
#define VPCI_COMMON_LEN		0x40	/* through queue_reset */
#define VPCI_ISR		0x1000
#define VPCI_DEVICE		0x2000
#define VPCI_DEVICE_MAX		0x1000
#define VPCI_NOTIFY		0x3000
#define VPCI_NOTIFY_MULT	4
#define VPCI_MSIX_TABLE		0x4000
#define VPCI_MSIX_PBA		0x4800

#define VIRTIO_NO_VECTOR	0xffff

struct virtio_pci {
	struct pci_dev pci;
	struct msix msix;
	struct virtio_dev *vd;
	uint16_t vq_vector[VIRTIO_MAX_QUEUES];
	uint16_t cfg_vector;
	uint32_t dev_sel, drv_sel;	/* feature dword selectors */
	uint16_t q_sel;
	uint8_t isr;
	/*
	 * INTx (pin INTA), for a driver without MSI-X: the pin's level, on
	 * the GSI the owner routed it to.
	 */
	void (*intx)(void *ctx, unsigned int gsi, bool level);
	unsigned int gsi;
	void *ctx;
};

/* How a device signals: MSI-X messages, the INTx pin (NULL: no pin). */
struct virtio_irq {
	void (*send)(void *ctx, const struct apic_msg *m);
	void (*intx)(void *ctx, unsigned int gsi, bool level);
	unsigned int gsi;		/* where INTA is routed */
	void *ctx;
};

/*
 * The PCI function for the device @vd (initialized by its backend),
 * signalling through @irq. Plug vp->pci on a bus next. 0 or -errno.
 */
int virtio_pci_init(struct virtio_pci *vp, struct virtio_dev *vd,
		    const struct virtio_irq *irq);

/* Accesses to the BAR, @off from its base. Unmapped parts read 0. */
int virtio_pci_bar_read(struct virtio_pci *vp, uint64_t off,
			unsigned int size, uint64_t *val);
int virtio_pci_bar_write(struct virtio_pci *vp, uint64_t off,
			 unsigned int size, uint64_t val);

#endif
