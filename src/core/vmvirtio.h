/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A VM's virtio devices (the `virtio` key), served in the hypervisor on
 * the transport `virtio_transport` names: virtio-pci functions on its
 * PCI bus (src/core/vmpci.h; MSI-X, or INTA on GSI 16 + slot % 4), or
 * virtio-mmio slots:
 *
 *   0xFEB0_0000 + 0x200 * i   slot i, on GSI 16 + i (edge, active high)
 *
 * contiguous from slot 0 in the order console, blk, net; the slots after the
 * last device read as empty (no magic), where Asterinas stops scanning.
 * The guest's ACPI tables describe them (guests/layout.c). All under
 * vm->pci_lock.
 */
#ifndef HV_VMVIRTIO_H
#define HV_VMVIRTIO_H

#include <stdint.h>

#define VMVIRTIO_MMIO_GPA	0xfeb00000ull
#define VMVIRTIO_MMIO_SLOTS	8
#define VMVIRTIO_MMIO_GSI	16
#define VMVIRTIO_SLOT_CONSOLE	1	/* virtio-pci device numbers */
#define VMVIRTIO_SLOT_BLK	2
#define VMVIRTIO_SLOT_NET	3

struct vm;
struct guest_config;

/* How many virtio devices @g has. */
unsigned int vmvirtio_count(const struct guest_config *g);
/* Build @vm's virtio devices on their transport (after vmpci_create()). */
int vmvirtio_create(struct vm *vm);
/* Every vCPU is off: the virtio console's last partial line. */
void vmvirtio_flush(struct vm *vm);
/* The exit summary's lines for @vm's devices. */
void vmvirtio_summary(const struct vm *vm);

#endif
