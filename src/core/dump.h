/* SPDX-License-Identifier: GPL-2.0 */
#ifndef HV_CORE_DUMP_H
#define HV_CORE_DUMP_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;

/*
 * What a vCPU looked like at its last exits, for finding a hang after
 * the fact: a ring of EXIT_RING records written on every exit (a few
 * VMREADs), printed with the vLAPIC state and, when the owner prints it
 * with the VMCS loaded, the words at the guest's RSP. scripts/symbolize.sh
 * turns the RIPs and stack words into symbols with a System.map.
 */
#define EXIT_RING	16

struct exit_rec {
	uint64_t tsc, rip;
	uint32_t reason;
	/* The vendor's (vendor_trace_exit): */
	uint64_t rsp, rflags;
	uint32_t intr_state;	/* guest interruptibility */
	uint32_t idt_info;	/* IDT-vectoring information */
	uint16_t intr_status;	/* RVI | SVI << 8 */
};

/* Owner, right after an exit (the VMCS is current). */
void vcpu_trace_exit(struct vcpu *v);
/*
 * Print @v's dump. @live: we are its owner with its VMCS loaded, so the
 * guest stack can be read too. @why heads the dump.
 */
void vcpu_dump(struct vcpu *v, bool live, const char *why);
/*
 * From any pCPU: a vCPU that is on a run queue prints its dump at its
 * next exit (its owner kicks it); any other prints now, from its ring.
 */
void vcpu_request_dump(struct vcpu *v, const char *why);
/* Owner, after an exit: print a requested dump. */
void vcpu_serve_dump(struct vcpu *v);
/*
 * Owner, before an entry: a vector that has waited in IRR for more than
 * PENDING_WATCH_MS of TSC time means the guest cannot take interrupts
 * any more (spinning with IF = 0, say). Dump once per vCPU. The entry
 * arms the preemption timer so that even a vCPU that never exits is
 * looked at in time.
 */
#define PENDING_WATCH_MS	1000
void vcpu_watch_pending(struct vcpu *v, uint64_t now);

#endif
