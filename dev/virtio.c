// SPDX-License-Identifier: GPL-2.0
/* A virtio device apart from its transport (see virtio.h). */
#include <errno.h>
#include <string.h>
#include "dev/virtio.h"

int virtio_dev_init(struct virtio_dev *vd, const struct virtio_dev_ops *ops,
		    void *backend, const struct virtq_mem *mem)
{
	if (!ops->n_queues || ops->n_queues > VIRTIO_MAX_QUEUES ||
	    !ops->queue_max || ops->queue_max > VIRTQ_MAX_SIZE ||
	    (ops->queue_max & (ops->queue_max - 1)))
		return -EINVAL;
	memset(vd, 0, sizeof(*vd));
	vd->ops = ops;
	vd->backend = backend;
	for (unsigned int i = 0; i < ops->n_queues; i++)
		virtq_init(&vd->vq[i], mem, ops->queue_max);
	virtio_dev_reset(vd);
	return 0;
}

void virtio_dev_reset(struct virtio_dev *vd)
{
	for (unsigned int i = 0; i < vd->ops->n_queues; i++)
		virtq_reset(&vd->vq[i], vd->ops->queue_max);
	vd->drv_features = 0;
	vd->status = 0;
	if (vd->ops->reset)
		vd->ops->reset(vd);
}

uint64_t virtio_dev_offered(const struct virtio_dev *vd)
{
	/* Indirect tables are the queues' business (dev/virtq.c). */
	return vd->ops->features | VIRTIO_F_VERSION_1 | VIRTIO_F_INDIRECT_DESC;
}

void virtio_set_half(uint64_t *r, unsigned int half, uint32_t v)
{
	unsigned int s = 32 * half;

	*r = (*r & ~(0xffffffffull << s)) | ((uint64_t)v << s);
}

void virtio_dev_set_features(struct virtio_dev *vd, unsigned int half,
			     uint32_t v)
{
	if (half > 1 || (vd->status & VIRTIO_S_FEATURES_OK))
		return;
	virtio_set_half(&vd->drv_features, half, v);
}

void virtio_dev_set_status(struct virtio_dev *vd, uint8_t v)
{
	uint64_t f = vd->drv_features;

	if ((v & VIRTIO_S_FEATURES_OK) && !(vd->status & VIRTIO_S_FEATURES_OK) &&
	    ((f & ~virtio_dev_offered(vd)) || !(f & VIRTIO_F_VERSION_1)))
		v &= (uint8_t)~VIRTIO_S_FEATURES_OK;
	if ((v & VIRTIO_S_FEATURES_OK) && !(vd->status & VIRTIO_S_FEATURES_OK))
		for (unsigned int i = 0; i < vd->ops->n_queues; i++)
			vd->vq[i].indirect = f & VIRTIO_F_INDIRECT_DESC;
	vd->status = v | (vd->status & VIRTIO_S_NEEDS_RESET);
}

bool virtio_dev_live(const struct virtio_dev *vd)
{
	return (vd->status & VIRTIO_S_DRIVER_OK) &&
	       !(vd->status & VIRTIO_S_NEEDS_RESET);
}

void virtio_dev_enable_queue(struct virtio_dev *vd, unsigned int q)
{
	if (q < vd->ops->n_queues && !vd->vq[q].ready &&
	    virtq_enable(&vd->vq[q]))
		virtio_fail(vd);
}

void virtio_dev_notify(struct virtio_dev *vd, unsigned int q)
{
	if (q < vd->ops->n_queues && virtio_dev_live(vd) && vd->vq[q].ready &&
	    vd->ops->notify)
		vd->ops->notify(vd, q);
}

void virtio_used(struct virtio_dev *vd, unsigned int q)
{
	if (q < vd->ops->n_queues && virtq_wants_interrupt(&vd->vq[q]) &&
	    vd->signal)
		vd->signal(vd->transport, (int)q);
}

void virtio_fail(struct virtio_dev *vd)
{
	vd->failures++;
	if (vd->status & VIRTIO_S_NEEDS_RESET)
		return;
	vd->status |= VIRTIO_S_NEEDS_RESET;
	vd->breaks++;
	if (vd->broken)
		vd->broken(vd->owner, vd);
	if ((vd->status & VIRTIO_S_DRIVER_OK) && vd->signal)
		vd->signal(vd->transport, -1);
}
