/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A virtio device as the virtio 1.x spec (chapters 2 and 3) defines it,
 * apart from how it is reached: its status and the feature negotiation,
 * its virtqueues, NEEDS_RESET, and the interrupts it asks for. A
 * transport (virtio_pci.c; virtio-mmio is to come) maps its registers
 * onto this and delivers the interrupts; a backend (virtio_console.c,
 * virtio_blk.c) gives the device's queues, features and configuration
 * through struct virtio_dev_ops and embeds the struct virtio_dev.
 *
 * No locking here: the transport's owner serializes it.
 */
#ifndef HV_DEV_VIRTIO_H
#define HV_DEV_VIRTIO_H

#include <stdbool.h>
#include <stdint.h>
#include "dev/virtq.h"

#define VIRTIO_MAX_QUEUES	8
#define VIRTIO_F_VERSION_1	(1ull << 32)

/* device_status bits (2.1). */
#define VIRTIO_S_ACKNOWLEDGE	1
#define VIRTIO_S_DRIVER		2
#define VIRTIO_S_DRIVER_OK	4
#define VIRTIO_S_FEATURES_OK	8
#define VIRTIO_S_NEEDS_RESET	0x40
#define VIRTIO_S_FAILED		0x80

struct virtio_dev;

struct virtio_dev_ops {
	const char *name;
	uint16_t id;			/* virtio device ID (5) */
	uint32_t pci_class;		/* for virtio-pci */
	unsigned int n_queues;
	uint16_t queue_max;		/* each queue's largest size */
	uint64_t features;		/* offered besides VERSION_1 */
	unsigned int cfg_len;		/* device configuration bytes */
	/* Device configuration, @off + @size <= cfg_len. */
	uint32_t (*cfg_read)(struct virtio_dev *vd, uint32_t off,
			     unsigned int size);
	void (*cfg_write)(struct virtio_dev *vd, uint32_t off,
			  unsigned int size, uint32_t val);
	/* The driver made buffers available on queue @q (DRIVER_OK). */
	void (*notify)(struct virtio_dev *vd, unsigned int q);
	/* A device reset: forget the backend's state. */
	void (*reset)(struct virtio_dev *vd);
};

struct virtio_dev {
	const struct virtio_dev_ops *ops;
	void *backend;
	struct virtq vq[VIRTIO_MAX_QUEUES];
	uint64_t drv_features;
	uint8_t status, generation;
	uint64_t failures;		/* times the driver broke the rules */
	uint64_t breaks;		/* times that set NEEDS_RESET */
	/* The owner hears of each NEEDS_RESET (a log line), if it asks. */
	void (*broken)(void *owner, struct virtio_dev *vd);
	void *owner;
	/* The transport's: interrupt for queue @q, or (@q < 0) the config. */
	void (*signal)(void *transport, int q);
	void *transport;
};

/* A device for @ops over the guest RAM @mem, reset. 0 or -EINVAL. */
int virtio_dev_init(struct virtio_dev *vd, const struct virtio_dev_ops *ops,
		    void *backend, const struct virtq_mem *mem);
/* Status 0: queues off, features and status cleared, backend told. */
void virtio_dev_reset(struct virtio_dev *vd);
/* The features offered: the backend's, VERSION_1 and INDIRECT_DESC. */
uint64_t virtio_dev_offered(const struct virtio_dev *vd);
/* Sets 32 bits of @r: the low half (@half 0) or the high (1), as the
 * transports' registers write 64-bit values. */
void virtio_set_half(uint64_t *r, unsigned int half, uint32_t v);
/* The driver's features, 32 bits at @half; ignored after FEATURES_OK. */
void virtio_dev_set_features(struct virtio_dev *vd, unsigned int half,
			     uint32_t v);
/*
 * The driver writes the status (not 0: the transport resets for that).
 * FEATURES_OK sticks only for a subset of the offer with VERSION_1;
 * NEEDS_RESET stays until the reset.
 */
void virtio_dev_set_status(struct virtio_dev *vd, uint8_t v);
/* DRIVER_OK and no reset needed. */
bool virtio_dev_live(const struct virtio_dev *vd);
/* The driver enables queue @q with its size and rings set. */
void virtio_dev_enable_queue(struct virtio_dev *vd, unsigned int q);
/* The driver notified queue @q: the backend hears of it when live. */
void virtio_dev_notify(struct virtio_dev *vd, unsigned int q);

/* The backend put buffers into queue @q's used ring: interrupt if the
 * driver wants one. */
void virtio_used(struct virtio_dev *vd, unsigned int q);
/*
 * The driver broke a rule: NEEDS_RESET, a configuration interrupt and
 * broken() for the owner, once until the device is reset.
 */
void virtio_fail(struct virtio_dev *vd);

#endif
