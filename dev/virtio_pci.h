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
 * A backend (virtio_console.c, ...) gives its queues, features and
 * configuration through struct virtio_dev_ops and hears of the driver's
 * notifications; it says what it put into a used ring with
 * virtio_pci_used(), and virtio_pci_fail() when the driver broke a rule:
 * the device then reports NEEDS_RESET and does nothing until reset.
 *
 * No locking here: the owner serializes it (src/core/vmpci.c).
 */
#ifndef HV_DEV_VIRTIO_PCI_H
#define HV_DEV_VIRTIO_PCI_H

#include <stdbool.h>
#include <stdint.h>
#include "dev/msix.h"
#include "dev/pci.h"
#include "dev/virtq.h"

#define VIRTIO_PCI_VENDOR	0x1af4
#define VIRTIO_PCI_DEVICE(id)	(0x1040 + (id))
#define VIRTIO_PCI_BAR		4
#define VIRTIO_PCI_BAR_SIZE	0x8000
/* Where each structure sits in the BAR. */
#define VPCI_COMMON		0x0000
#define VPCI_COMMON_LEN		0x38
#define VPCI_ISR		0x1000
#define VPCI_DEVICE		0x2000
#define VPCI_DEVICE_MAX		0x1000
#define VPCI_NOTIFY		0x3000
#define VPCI_NOTIFY_MULT	4
#define VPCI_MSIX_TABLE		0x4000
#define VPCI_MSIX_PBA		0x4800

#define VIRTIO_MAX_QUEUES	8
#define VIRTIO_NO_VECTOR	0xffff
#define VIRTIO_F_VERSION_1	(1ull << 32)

/* device_status bits (2.1). */
#define VIRTIO_S_ACKNOWLEDGE	1
#define VIRTIO_S_DRIVER		2
#define VIRTIO_S_DRIVER_OK	4
#define VIRTIO_S_FEATURES_OK	8
#define VIRTIO_S_NEEDS_RESET	0x40
#define VIRTIO_S_FAILED		0x80

struct virtio_pci;

struct virtio_dev_ops {
	const char *name;
	uint16_t id;			/* virtio device ID (5) */
	uint32_t pci_class;
	unsigned int n_queues;
	uint16_t queue_max;		/* each queue's largest size */
	uint64_t features;		/* offered besides VERSION_1 */
	unsigned int cfg_len;		/* device configuration bytes */
	/* Device configuration, @off + @size <= cfg_len. */
	uint32_t (*cfg_read)(struct virtio_pci *vp, uint32_t off,
			     unsigned int size);
	void (*cfg_write)(struct virtio_pci *vp, uint32_t off,
			  unsigned int size, uint32_t val);
	/* The driver made buffers available on queue @q (DRIVER_OK). */
	void (*notify)(struct virtio_pci *vp, unsigned int q);
	/* A device reset: forget the backend's state. */
	void (*reset)(struct virtio_pci *vp);
};

struct virtio_pci {
	struct pci_dev pci;
	struct msix msix;
	const struct virtio_dev_ops *ops;
	void *backend;
	struct virtq vq[VIRTIO_MAX_QUEUES];
	uint16_t vq_vector[VIRTIO_MAX_QUEUES];
	uint16_t cfg_vector;
	uint32_t dev_sel, drv_sel;	/* feature dword selectors */
	uint64_t drv_features;
	uint8_t status, generation, isr;
	uint16_t q_sel;
	/*
	 * INTx (pin INTA), for a driver without MSI-X: the pin's level, on
	 * the GSI the owner routed it to (set @gsi before plugging).
	 */
	void (*intx)(void *ctx, unsigned int gsi, bool level);
	unsigned int gsi;
	void *ctx;
	uint64_t failures;		/* times the driver broke a queue */
};

/* How a device signals: MSI-X messages, the INTx pin (NULL: no pin). */
struct virtio_irq {
	void (*send)(void *ctx, const struct apic_msg *m);
	void (*intx)(void *ctx, unsigned int gsi, bool level);
	unsigned int gsi;		/* where INTA is routed */
	void *ctx;
};

/*
 * A device for @ops over the guest RAM @mem, signalling through @irq.
 * Plug vp->pci on a bus next. 0 or -EINVAL.
 */
int virtio_pci_init(struct virtio_pci *vp, const struct virtio_dev_ops *ops,
		    void *backend, const struct virtq_mem *mem,
		    const struct virtio_irq *irq);

/* Accesses to the BAR, @off from its base. Unmapped parts read 0. */
int virtio_pci_bar_read(struct virtio_pci *vp, uint64_t off,
			unsigned int size, uint64_t *val);
int virtio_pci_bar_write(struct virtio_pci *vp, uint64_t off,
			 unsigned int size, uint64_t val);

/* The backend put buffers into queue @q's used ring: interrupt if the
 * driver wants one. */
void virtio_pci_used(struct virtio_pci *vp, unsigned int q);
/* The driver broke a rule: NEEDS_RESET, and a configuration interrupt. */
void virtio_pci_fail(struct virtio_pci *vp);
/* Whether the driver set DRIVER_OK and the device needs no reset. */
bool virtio_pci_live(const struct virtio_pci *vp);

#endif
