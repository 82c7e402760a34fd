/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The APIC bus of one VM: routes an interrupt message (an IPI from a
 * vLAPIC's ICR, or a vIOAPIC/MSI message) to the vLAPICs it is for and
 * hands it to each with vlapic_accept(). Safe from any pCPU: it only
 * reads the targets' ID/LDR/DFR/PPR and posts into their descriptors.
 */
#ifndef HV_DEV_APICBUS_H
#define HV_DEV_APICBUS_H

#include <stdbool.h>
#include "dev/irq.h"
#include "dev/vlapic.h"

#define APIC_BUS_NO_SELF	(~0u)	/* sender is a device, not a vLAPIC */

/*
 * Deliver @m to the vLAPICs among @lapics[0..n) (NULL entries skipped)
 * that it targets. @self: the sender's index, or APIC_BUS_NO_SELF.
 * Shorthands self/all/all-but-self ignore the destination; otherwise
 * physical (ID, or broadcast 0xff / 0xffffffff per m->x2apic) or logical
 * (xAPIC flat or cluster per DFR, x2APIC cluster per LDR). Lowest
 * priority picks one target: the lowest PPR class among the
 * software-enabled ones, ties to the lowest index. Hardware-disabled
 * vLAPICs take nothing. Returns how many vLAPICs accepted the message
 * (vlapic_accept() true): 0 means nobody took it, e.g. so that a vIOAPIC
 * does not keep remote IRR set for a level interrupt no one will EOI.
 */
unsigned int apic_bus_deliver(struct vlapic *const *lapics, unsigned int n,
			      unsigned int self, const struct apic_msg *m);

/* Whether @m's destination field (shorthand not considered) names @vl. */
bool apic_bus_match(const struct vlapic *vl, const struct apic_msg *m);

#endif
