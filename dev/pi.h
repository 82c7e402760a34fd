/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The per-vCPU posted-interrupt descriptor (Intel SDM Vol. 3C, 30.6), the
 * one mailbox every interrupt source posts to. It has the hardware layout
 * so that, where the CPU has posted interrupts, the VMCS points at this
 * same memory: PIR bits 0-255, ON bit 256, SN bit 257, NV bits 279:272,
 * NDST bits 319:288; 64 bytes, 64-byte aligned.
 *
 * Any pCPU may post; only the vCPU's owner takes. The CPU itself also
 * updates the descriptor with locked read-modify-writes, so every change
 * here is an atomic one, never a plain store over the control word.
 */
#ifndef HV_DEV_PI_H
#define HV_DEV_PI_H

#include <stdbool.h>
#include <stdint.h>

#define PI_ON		(1ull << 0)	/* outstanding notification */
#define PI_SN		(1ull << 1)	/* suppress notification */
#define PI_NV_SHIFT	16
#define PI_NV_MASK	(0xffull << PI_NV_SHIFT)
#define PI_NDST_SHIFT	32
#define PI_NDST_MASK	(0xffffffffull << PI_NDST_SHIFT)

struct pi_desc {
	uint64_t pir[4];	/* one bit per vector */
	uint64_t control;	/* ON, SN, NV, NDST */
	uint64_t rsvd[3];
} __attribute__((aligned(64)));

_Static_assert(sizeof(struct pi_desc) == 64, "SDM 30.6: 64-byte descriptor");

/* Clear everything; NV and NDST as given (NDST in the CPU's APIC mode:
 * x2APIC = 32-bit ID, xAPIC = ID << 8). */
void pi_init(struct pi_desc *d, uint8_t nv, uint32_t ndst);

/*
 * Set @vec in the PIR, then ON. Returns true when ON went 0->1: the caller
 * then notifies the target; otherwise a notification is already on its way.
 */
bool pi_post(struct pi_desc *d, uint8_t vec);

/*
 * Clear ON, then move the PIR into @pir (each word exchanged with 0).
 * Returns whether any bit was pending. ON is cleared first so that a post
 * racing with us either lands in this take or sets ON again and notifies.
 */
bool pi_take(struct pi_desc *d, uint64_t pir[4]);

bool pi_test_on(const struct pi_desc *d);
void pi_set_sn(struct pi_desc *d, bool sn);
void pi_set_nv(struct pi_desc *d, uint8_t nv);
void pi_set_ndst(struct pi_desc *d, uint32_t ndst);

#endif
