/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Console input: bytes typed on COM1 go to one guest's COM1 (the root
 * guest's at boot), and Ctrl-A starts a hypervisor key (src/conkeys.h:
 * Ctrl-A n / Ctrl-A 0..9 move input to another guest, Ctrl-A s prints
 * scheduler statistics, Ctrl-A v every vCPU's state, Ctrl-A Ctrl-A a
 * literal Ctrl-A). Without a guest taking input every key is a
 * hypervisor key.
 */
#ifndef HV_CONIN_H
#define HV_CONIN_H

#include <stdint.h>

/* Start polling COM1 from CPU 0's timer list, first at @now. */
void conin_start(uint64_t now);

#endif
