/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Console input: bytes typed on COM1 go to the root guest's COM1, and
 * Ctrl-A starts a hypervisor key (Ctrl-A s: scheduler statistics, Ctrl-A
 * Ctrl-A: a literal Ctrl-A for the guest). Without a root guest every
 * key is a hypervisor key.
 */
#ifndef HV_CONIN_H
#define HV_CONIN_H

#include <stdint.h>

/* Start polling COM1 from CPU 0's timer list, first at @now. */
void conin_start(uint64_t now);

#endif
