/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A vCPU's life as one atomic state, so that two starters (two SIPIs from
 * different pCPUs, or HC_VCPU_START racing a SIPI) cannot both win:
 *
 *   CREATED --start--> STARTING --placed--> STARTED --HLT, IF=0--> PARKED
 *                         |                     ^                     |
 *                         |                     +-----PV kick---------+
 *                         +--no room on a run queue--> CREATED
 *
 * Every change is a compare-and-swap from the state the caller believes
 * in; only the legal edges above are accepted. An illegal request is a
 * hypervisor bug: vcpu_life_move() reports it through the hook the caller
 * passes (a panic in the hypervisor, a test failure in cmocka).
 */
#ifndef HV_VCPU_LIFE_H
#define HV_VCPU_LIFE_H

#include <stdbool.h>

enum vcpu_life {
	VCPU_LIFE_CREATED,	/* never ran: waits for SIPI or HC_VCPU_START */
	VCPU_LIFE_STARTING,	/* a starter won; it writes the boot state */
	VCPU_LIFE_STARTED,	/* handed to the scheduler */
	VCPU_LIFE_PARKED,	/* HLT with interrupts off: only a PV kick ends it */
};

static inline bool vcpu_life_legal(enum vcpu_life from, enum vcpu_life to)
{
	switch (from) {
	case VCPU_LIFE_CREATED:
		return to == VCPU_LIFE_STARTING;
	case VCPU_LIFE_STARTING:
		return to == VCPU_LIFE_STARTED || to == VCPU_LIFE_CREATED;
	case VCPU_LIFE_STARTED:
		return to == VCPU_LIFE_PARKED;
	case VCPU_LIFE_PARKED:
		return to == VCPU_LIFE_STARTED;	/* KVM_HC_KICK_CPU */
	default:
		return false;
	}
}

/*
 * Move *@life from @from to @to. False when it was not in @from (someone
 * else moved first). @bug is called for an edge the diagram does not have.
 */
static inline bool vcpu_life_move(int *life, enum vcpu_life from,
				  enum vcpu_life to,
				  void (*bug)(enum vcpu_life, enum vcpu_life))
{
	int expect = from;

	if (!vcpu_life_legal(from, to)) {
		bug(from, to);
		return false;
	}
	return __atomic_compare_exchange_n(life, &expect, to, false,
					   __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

static inline enum vcpu_life vcpu_life_get(const int *life)
{
	return (enum vcpu_life)__atomic_load_n(life, __ATOMIC_ACQUIRE);
}

/* Started and not gone back: STARTED or PARKED. */
static inline bool vcpu_life_started(const int *life)
{
	return vcpu_life_get(life) >= VCPU_LIFE_STARTED;
}

#endif
