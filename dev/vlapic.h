/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The virtual local APIC, one per vCPU (Intel SDM Vol. 3A, chapter 11).
 *
 * The register file is a 4 KiB virtual-APIC page laid out as the CPU
 * expects it (SDM Vol. 3C, 30.1): the register at byte offset X is
 * regs[X / 4], and in x2APIC mode MSR 0x800 + N is at offset N << 4 (ICR:
 * low half at 0x300, high half at 0x310). The same page can therefore be
 * handed to the VMCS for TPR shadowing, APIC-register virtualization and
 * virtual-interrupt delivery.
 *
 * Interrupts reach a vLAPIC only through its posted-interrupt descriptor
 * (vl->pi): vlapic_accept() posts there from any pCPU. Everything else
 * (register accesses, PIR sync, ack, EOI, timer expiry, reset) runs on
 * the vCPU's owner: the pCPU the vCPU currently belongs to, at an exit
 * boundary. The caller serializes those; they take no locks.
 *
 * All times are in guest TSC cycles: env->now() returns the guest TSC and
 * env->timer_arm() gets a guest-TSC deadline.
 */
#ifndef HV_DEV_VLAPIC_H
#define HV_DEV_VLAPIC_H

#include <stdbool.h>
#include <stdint.h>
#include "dev/irq.h"
#include "dev/pi.h"

/* Register offsets in the page (xAPIC MMIO offsets). */
#define VAPIC_ID	0x020
#define VAPIC_VERSION	0x030
#define VAPIC_TPR	0x080
#define VAPIC_APR	0x090
#define VAPIC_PPR	0x0a0
#define VAPIC_EOI	0x0b0
#define VAPIC_RRD	0x0c0
#define VAPIC_LDR	0x0d0
#define VAPIC_DFR	0x0e0
#define VAPIC_SVR	0x0f0
#define VAPIC_ISR	0x100	/* 8 registers, 0x10 apart */
#define VAPIC_TMR	0x180
#define VAPIC_IRR	0x200
#define VAPIC_ESR	0x280
#define VAPIC_ICR_LO	0x300
#define VAPIC_ICR_HI	0x310
#define VAPIC_LVT_TIMER	0x320
#define VAPIC_LVT_THERM	0x330
#define VAPIC_LVT_PERF	0x340
#define VAPIC_LVT_LINT0	0x350
#define VAPIC_LVT_LINT1	0x360
#define VAPIC_LVT_ERROR	0x370
#define VAPIC_TMICT	0x380
#define VAPIC_TMCCT	0x390
#define VAPIC_TDCR	0x3e0
#define VAPIC_SELF_IPI	0x3f0	/* x2APIC only */

/* Version: integrated APIC (0x14), 6 LVT entries (max LVT index 5, no
 * CMCI), no EOI-broadcast suppression. */
#define VLAPIC_VERSION	0x00050014u

#define APIC_SVR_ENABLE		(1u << 8)
#define APIC_LVT_MASKED		(1u << 16)
#define APIC_LVT_TIMER_MODE	(3u << 17)
#define APIC_LVT_TIMER_ONESHOT	(0u << 17)
#define APIC_LVT_TIMER_PERIODIC	(1u << 17)
#define APIC_LVT_TIMER_TSCDL	(2u << 17)
#define APIC_LVT_DM_SHIFT	8	/* delivery mode, LINT0/1 */

/* ESR bits (SDM 11.5.3). */
#define APIC_ESR_SEND_ILLEGAL	(1u << 5)
#define APIC_ESR_RECV_ILLEGAL	(1u << 6)
#define APIC_ESR_ILLEGAL_REG	(1u << 7)

/* IA32_APIC_BASE (SDM 11.4.4). */
#define APIC_BASE_BSP		(1ull << 8)
#define APIC_BASE_EXTD		(1ull << 10)	/* x2APIC */
#define APIC_BASE_EN		(1ull << 11)
#define APIC_BASE_DEFAULT	0xfee00000ull

#define VLAPIC_MSR_APIC_BASE	0x1b
#define VLAPIC_MSR_TSC_DEADLINE	0x6e0
#define VLAPIC_MSR_X2APIC_FIRST	0x800
#define VLAPIC_MSR_X2APIC_LAST	0x8ff

/* A periodic timer never fires more often than this: a guest could
 * otherwise keep its pCPU busy in the timer path. */
#define VLAPIC_MIN_PERIOD_US	100

/* What the hypervisor provides. @ctx is the vLAPIC's own ctx in every
 * call (for notify/init/sipi that is the target's, for send_ipi the
 * sender's). */
struct vlapic_env {
	/* Guest TSC now. */
	uint64_t (*now)(void *ctx);
	/* (Re)arm the software timer for @deadline (guest TSC); 0 cancels.
	 * On expiry call vlapic_timer_expired() on the vCPU's owner. */
	void (*timer_arm)(void *ctx, uint64_t deadline);
	/*
	 * The vCPU has new work; wake it if blocked, make it exit if running
	 * elsewhere. @posted: the work is PIR bits only, so with hardware
	 * posted interrupts sending the notification vector to NDST is
	 * enough (no exit). !@posted (NMI): a VM exit is needed.
	 * Called from any pCPU.
	 */
	void (*notify)(void *ctx, bool posted);
	/* Route an IPI from this vLAPIC's ICR (apic_bus_deliver() with this
	 * vCPU as self). Never called for the self shorthand, which the
	 * vLAPIC delivers to itself, nor for INIT de-assert. */
	void (*send_ipi)(void *ctx, const struct apic_msg *m);
	/* EOI of a level-triggered vector: the vIOAPIC clears remote IRR. */
	void (*eoi_level)(void *ctx, uint8_t vector);
	/* INIT / SIPI received (from any pCPU): the vCPU's owner later calls
	 * vlapic_reset() and enters wait-for-SIPI; SIPI starts it at
	 * vector << 12 if it is waiting for one. */
	void (*init)(void *ctx);
	void (*sipi)(void *ctx, uint8_t vector);
};

struct vlapic_config {
	uint32_t id;		/* initial APIC ID = vCPU index, < 255 */
	bool bsp;
	uint32_t crystal_hz;	/* timer input clock, CPUID 0x15 ECX */
	uint32_t tsc_khz;	/* guest TSC rate */
	uint8_t phys_bits;	/* guest MAXPHYADDR; 0 means 52 */
};

struct vlapic {
	struct pi_desc pi;		/* first: 64-byte aligned */
	uint32_t *regs;			/* the virtual-APIC page */
	const struct vlapic_env *env;
	void *ctx;
	uint64_t apic_base;		/* IA32_APIC_BASE */
	uint64_t base_rsvd;		/* its reserved bits */
	uint64_t tsc_hz;
	uint32_t crystal_hz;
	uint32_t id;			/* initial APIC ID */

	/* Timer. deadline: next expiry (guest TSC) while armed. */
	uint64_t tmr_deadline;
	uint64_t tmr_period;		/* TSC per period, one-shot/periodic */
	uint64_t tsc_deadline;		/* IA32_TSC_DEADLINE */
	uint32_t tmr_div;		/* divisor the count was loaded with */
	bool tmr_armed;

	/* Written from other pCPUs, atomically. */
	uint32_t esr_pending;		/* errors since the last ESR write */
	uint32_t nmi_pending;
};

/* @page: 4 KiB, 4 KiB aligned, owned by the caller. Power-on state:
 * xAPIC mode, enabled, software-disabled (SVR 0xff), LVTs masked.
 * -EINVAL for a bad page or config. */
int vlapic_init(struct vlapic *vl, uint32_t *page,
		const struct vlapic_config *cfg,
		const struct vlapic_env *env, void *ctx);
/* INIT: every register to its power-on value except ID and APIC_BASE
 * (x2APIC mode stays); pending PIR bits, NMI and the timer are dropped. */
void vlapic_reset(struct vlapic *vl);

/* Guest accesses. 0, or -EINVAL meaning #GP. */
int vlapic_set_base(struct vlapic *vl, uint64_t val);
static inline uint64_t vlapic_get_base(const struct vlapic *vl)
{
	return __atomic_load_n(&vl->apic_base, __ATOMIC_RELAXED);
}
/* MSR 0x1b, 0x6e0 and 0x800-0x8ff: 0, -EINVAL (#GP), or -ENOENT when
 * @msr is not the vLAPIC's. */
int vlapic_rdmsr(struct vlapic *vl, uint32_t msr, uint64_t *val);
int vlapic_wrmsr(struct vlapic *vl, uint32_t msr, uint64_t val);
/* xAPIC MMIO at vlapic_get_base() & ~0xfff; @offset < 0x1000, @size
 * 1, 2, 4 or 8. 0, or -ENODEV when the page is not decoded (x2APIC mode
 * or disabled): treat as no device there. Odd accesses read 0 / are
 * dropped, as the SDM leaves them undefined. */
int vlapic_mmio_read(struct vlapic *vl, uint32_t offset, unsigned int size,
		     uint64_t *val);
int vlapic_mmio_write(struct vlapic *vl, uint32_t offset, unsigned int size,
		      uint64_t val);

/* Delivery into this vLAPIC; any pCPU. Destination matching is the
 * bus's job (apicbus.h): the message is for this vLAPIC. Returns false
 * when it was dropped: APIC disabled (fixed/lowest also when software-
 * disabled), illegal vector (ESR set), INIT de-assert, SMI, ExtINT. */
bool vlapic_accept(struct vlapic *vl, const struct apic_msg *m);

/* The software-timer callback. */
void vlapic_timer_expired(struct vlapic *vl);
/*
 * The same for an expiry the scheduler was told of when it came (the
 * owner posting it at entry): the vector is posted without a notify,
 * which would count it twice (a second early run, from the entry).
 */
void vlapic_timer_expired_told(struct vlapic *vl);

/* Owner side, before VM entry. */
/* PIR -> IRR. */
void vlapic_take_pir(struct vlapic *vl);
/* The same; returns the highest IRR vector (for RVI), or -1. */
int vlapic_sync_pir(struct vlapic *vl);
/* Highest IRR vector whose priority class beats PPR, or -1. */
int vlapic_pending_vector(struct vlapic *vl);
/* @vec was injected: IRR -> ISR. Event-injection path only. */
void vlapic_ack(struct vlapic *vl, uint8_t vec);
/* A pending NMI, cleared as it is taken. */
bool vlapic_take_nmi(struct vlapic *vl);
bool vlapic_nmi_pending(const struct vlapic *vl);
int vlapic_highest_irr(const struct vlapic *vl);
int vlapic_highest_isr(const struct vlapic *vl);
/* TPR threshold for the TPR shadow: the class of the highest IRR vector
 * when TPR alone holds it back, else 0. */
uint32_t vlapic_tpr_threshold(struct vlapic *vl);
/* Vectors whose EOI must exit (the level-triggered ones: TMR). */
void vlapic_eoi_exit_bitmap(const struct vlapic *vl, uint64_t bm[4]);
/* LINT0 takes the 8259's INTR (ExtINT), or the APIC is off. */
bool vlapic_accepts_pic_intr(const struct vlapic *vl);

/* Hardware-assisted exits. */
/* APIC-write exit: the CPU stored the value at @offset in the page. */
void vlapic_apic_write(struct vlapic *vl, uint32_t offset);
/* EOI-induced exit: the CPU already cleared @vector in ISR. */
void vlapic_eoi_exit(struct vlapic *vl, uint8_t vector);

/* For the bus; safe from any pCPU (relaxed reads of another vCPU). */
static inline uint32_t vlapic_reg_peek(const struct vlapic *vl, uint32_t off)
{
	return __atomic_load_n(&vl->regs[off >> 2], __ATOMIC_RELAXED);
}
static inline bool vlapic_hw_enabled(const struct vlapic *vl)
{
	return vlapic_get_base(vl) & APIC_BASE_EN;
}
static inline bool vlapic_x2apic(const struct vlapic *vl)
{
	return vlapic_get_base(vl) & APIC_BASE_EXTD;
}
static inline bool vlapic_sw_enabled(const struct vlapic *vl)
{
	return vlapic_reg_peek(vl, VAPIC_SVR) & APIC_SVR_ENABLE;
}
/* The ID as the bus compares it: 32 bits in x2APIC, 8 in xAPIC. */
static inline uint32_t vlapic_id(const struct vlapic *vl)
{
	uint32_t id = vlapic_reg_peek(vl, VAPIC_ID);

	return vlapic_x2apic(vl) ? id : id >> 24;
}
uint32_t vlapic_ppr(const struct vlapic *vl);
/* PPR when @isrv is the highest vector in service (-1: none). */
uint32_t vlapic_ppr_of(const struct vlapic *vl, int isrv);

#endif
