/* SPDX-License-Identifier: GPL-2.0 */
#ifndef HV_VMX_PROBE_H
#define HV_VMX_PROBE_H

#include <stdbool.h>

/*
 * Does this CPU deliver a virtual interrupt when a host interrupt arrives
 * while the guest has IF = 0 (the Bochs 2.7 quirk)? Runs a tiny guest once
 * on the calling (boot) CPU, with virtual-interrupt delivery selected.
 * True also when it cannot tell: the guard is the safe side.
 */
bool vmx_probe_vid_quirk(void);
/* Other pCPUs, while they wait to run guests: send the probe's IPI. */
void vmx_probe_serve_kick(void);

#endif
