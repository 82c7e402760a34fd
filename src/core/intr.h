/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A vCPU's virtual APIC as the vendor's interrupt delivery sees it. The
 * vLAPIC model lives in dev/; the vendor reaches it only through these
 * calls, which also hold the choice every delivery method shares: which
 * vector the guest may take now, and which exits must bring us back when
 * it cannot (intr_plan, the VID guard's rules).
 */
#ifndef HV_CORE_INTR_H
#define HV_CORE_INTR_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;

/*
 * What the next VM entry arranges under virtual-interrupt delivery:
 * @rvi the vector to stage (0: none), @svi the highest in service (0:
 * none), @window interrupt-window exiting, @tpr_watch a vector waits for
 * TPR to drop, @eoi the EOI-exit bitmap.
 */
struct intr_plan {
	bool x2;		/* the vLAPIC is in x2APIC mode */
	int rvi;
	int svi;
	bool window;
	bool tpr_watch;
	uint64_t eoi[4];
};

/*
 * @guard: stage a vector only when it is delivered at once, and exit
 * whenever another could become deliverable (docs/DESIGN.md, "The VID
 * guard"); without it, stage the highest one and let the CPU wait for IF.
 * @open says whether the guest can take an interrupt at its first
 * instruction (IF = 1, no shadow, nothing being injected); it is asked
 * only when a guarded vector could be delivered.
 */
void vcpu_intr_plan(struct vcpu *v, bool guard, bool (*open)(void),
		    struct intr_plan *p);

/* Before an entry: due timers and INITs, posted vectors into IRR. */
void vcpu_intr_sync(struct vcpu *v);
/*
 * After vcpu_intr_sync(): no vector requested, no NMI, and the highest
 * vector in service is @svi (0: none). With nothing staged in RVI and no
 * window armed, an entry may then leave the VMCS as it is: a plan would
 * stage nothing, and under VID the CPU kept SVI itself. Two register
 * scans instead of a plan: this runs before most entries.
 */
bool vcpu_intr_settled(struct vcpu *v, int svi);
/*
 * Nothing new for @v since its last entry: no posted vector, NMI, timer
 * expiry or INIT waits to be synced into the model. Any pCPU may set
 * them; the owner reads, and a poster on another pCPU also kicks it.
 */
bool vcpu_intr_quiet(struct vcpu *v);
/* The vector event injection may deliver now (above PPR), or -1. */
int vcpu_intr_pending(struct vcpu *v);
/* It was injected: IRR -> ISR. */
void vcpu_intr_ack(struct vcpu *v, uint8_t vec);
/* Can the vCPU take an interrupt now, so that HLT must not block? */
bool vcpu_interrupt_pending(struct vcpu *v);
bool vcpu_nmi_pending(struct vcpu *v);
/* Take the pending NMI for injection; false if there was none. */
bool vcpu_take_nmi(struct vcpu *v);

/* The vLAPIC is in x2APIC mode. */
bool vcpu_apic_x2(struct vcpu *v);
/* Its register page, which is the virtual-APIC page (host address). */
uint64_t vcpu_apic_page(struct vcpu *v);
/* The guest wrote APIC register @off (a trap-like APIC-write exit). */
void vcpu_apic_write(struct vcpu *v, uint32_t off);
/* The guest EOIed @vec and the EOI exited (EOI-exit bitmap). */
void vcpu_apic_eoi(struct vcpu *v, uint8_t vec);
/* The posted-interrupt descriptor (host address) and its routing. */
uint64_t vcpu_pi_desc(struct vcpu *v);
void vcpu_pi_set_nv(struct vcpu *v, uint8_t nv);
void vcpu_pi_set_ndst(struct vcpu *v, uint32_t ndst);

/*
 * For the boot-time VID probe (vmx/probe.c; in src/core/vmirq.c): give @v
 * an x2APIC-mode vLAPIC that talks to nothing, and put @vec both in
 * service and pending.
 */
int vcpu_apic_probe_create(struct vcpu *v);
void vcpu_apic_probe_stage(struct vcpu *v, uint8_t vec);

#endif
