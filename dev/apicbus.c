// SPDX-License-Identifier: GPL-2.0
/* The APIC bus of one VM (see apicbus.h; SDM Vol. 3A 11.6.2). */
#include "dev/apicbus.h"

bool apic_bus_match(const struct vlapic *vl, const struct apic_msg *m)
{
	uint32_t dest = m->x2apic ? m->dest : m->dest & 0xff;
	uint32_t ldr, d8, l8;

	if (!vlapic_hw_enabled(vl))
		return false;
	if (dest == (m->x2apic ? 0xffffffffu : 0xffu))
		return true;		/* broadcast, physical or logical */
	if (!m->logical)
		return vlapic_id(vl) == dest;

	ldr = vlapic_reg_peek(vl, VAPIC_LDR);
	if (vlapic_x2apic(vl)) {
		/* Cluster in 31:16, a bit per member in 15:0 (SDM 11.12.10.2).
		 * An 8-bit message names cluster 0. */
		return (dest >> 16) == (ldr >> 16) && (dest & ldr & 0xffff);
	}
	d8 = dest & 0xff;
	l8 = ldr >> 24;
	switch (vlapic_reg_peek(vl, VAPIC_DFR) >> 28) {
	case 0xf:		/* flat: a bit per APIC */
		return d8 & l8;
	case 0x0:		/* cluster: 7:4 cluster, 3:0 members */
		return (d8 >> 4) == (l8 >> 4) && (d8 & l8 & 0xf);
	default:
		return false;
	}
}

static bool targeted(const struct vlapic *vl, unsigned int i,
		     unsigned int self, const struct apic_msg *m)
{
	if (!vlapic_hw_enabled(vl))
		return false;
	switch (m->shorthand) {
	case APIC_SH_SELF:
		return i == self;
	case APIC_SH_ALL:
		return true;
	case APIC_SH_OTHERS:
		return i != self;
	default:
		return apic_bus_match(vl, m);
	}
}

unsigned int apic_bus_deliver(struct vlapic *const *lapics, unsigned int n,
			      unsigned int self, const struct apic_msg *m)
{
	unsigned int i, hits = 0, best = n;
	uint32_t best_class = 0;

	for (i = 0; i < n; i++) {
		struct vlapic *vl = lapics[i];

		if (!vl || !targeted(vl, i, self, m))
			continue;
		if (m->mode == APIC_DM_LOWEST) {
			uint32_t class = vlapic_ppr(vl) >> 4;

			/* A software-disabled APIC would drop it. */
			if (!vlapic_sw_enabled(vl))
				continue;
			if (best == n || class < best_class) {
				best = i;
				best_class = class;
			}
			continue;
		}
		hits += vlapic_accept(vl, m);
	}
	if (best < n)
		hits += vlapic_accept(lapics[best], m);
	return hits;
}
