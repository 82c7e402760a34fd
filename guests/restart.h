/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest restart (on_crash = restart): a guest that crashed, reset or
 * powered off is rebuilt from its images while the others run on.
 *
 * vm_stop() (src/core/vm.c) marks it VM_RESTARTING and arms its
 * restart_timer on the pCPU that stopped it; guest_restart_step() then
 * runs there, a step per expiry, until the guest is rebuilt:
 *
 *   drain   every vCPU off the run queues (sched_remove()) and off every
 *           pCPU; its timers cancelled;
 *   grace   twice, every other pCPU once round its run loop (kicked
 *           there): nothing that touched the guest before it stopped is
 *           still going (a timer callback, a frame on its way in, an
 *           exit's handler), and its timers, which no longer re-arm once
 *           it is stopped, are cancelled again in between;
 *   build   each vCPU's hardware state released (VMCLEAR where it was
 *           active), the devices and vCPUs rebuilt from zero, the images
 *           loaded again (guest_build(): one step, as long as copying
 *           them takes), vCPU 0 started.
 *
 * Kept: its RAM and EPT, its virtio-blk disk (what it wrote survives),
 * its switch port, its console's last lines. RAM is not cleared, as a
 * reset does not clear a real machine's: the loaders write every byte
 * they hand over (segments with their .bss, boot structures, page
 * tables). Clearing 64 MiB took the pCPU for 170 ms of Bochs time and
 * starved the guests beside it; a restart now costs that pCPU the copy
 * of the images (4.3 ms for mb2check).
 */
#ifndef HV_GUESTS_RESTART_H
#define HV_GUESTS_RESTART_H

#include "sched/timer.h"
#include "src/core/vm.h"

/* A struct vm's restart_timer callback. */
void guest_restart_step(struct sw_timer *t, uint64_t now);
/*
 * Build @vm's devices and vCPUs from zero and load its images into its
 * RAM. 0 or -errno.
 */
int guest_build(struct vm *vm);

#endif
