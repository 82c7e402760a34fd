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
#include "src/arch/percpu.h"

struct vm;

/* Per pCPU: the VMs (a bit per id) whose transmit queue was notified. */
extern uint32_t vmnet_pending[MAX_CPUS];

/* Put @vm's virtio-net device on its switch. 0 or -errno (reported). */
int vmnet_create(struct vm *vm);
/* Move the frames of the devices marked on pCPU @cpu. */
void vmnet_flush(uint32_t cpu);

/* After every exit: a load and a branch unless a device was marked. */
static inline void vmnet_poll(uint32_t cpu)
{
	if (vmnet_pending[cpu])
		vmnet_flush(cpu);
}
/* The exit summary's line for @vm's device, and one per switch. */
void vmnet_summary(const struct vm *vm);
void vmnet_summary_switches(void);

#endif
