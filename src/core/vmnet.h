/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guests' network: each `net:NAME` virtio device is a port on the
 * switch NAME (dev/netsw.c), one switch per name. A guest's transmit
 * notify only marks its device on the notifying pCPU; after the exit,
 * with no lock held, that pCPU takes the frames one at a time: copied
 * out under the sender's pci_lock, routed under the switch lock, copied
 * into each receiver's next buffer under that receiver's pci_lock. No
 * two guests' locks are ever held together, and a guest that sends
 * without end is served a bounded batch per exit.
 */
#ifndef HV_VMNET_H
#define HV_VMNET_H

#include <stdint.h>

struct vm;

/* Put @vm's virtio-net device on its switch. 0 or -errno (reported). */
int vmnet_create(struct vm *vm);
/* Frames waiting on this pCPU's marked devices: move them. */
void vmnet_poll(void);
/* The exit summary's line for @vm's device, and one per switch. */
void vmnet_summary(const struct vm *vm);
void vmnet_summary_switches(void);

#endif
