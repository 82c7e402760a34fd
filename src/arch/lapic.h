/* SPDX-License-Identifier: GPL-2.0 */
#ifndef HV_ARCH_LAPIC_H
#define HV_ARCH_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

#define APIC_ID		0x020
#define APIC_VERSION	0x030
#define APIC_TPR	0x080
#define APIC_EOI	0x0b0
#define APIC_SVR	0x0f0
#define APIC_ESR	0x280
#define APIC_ICR	0x300
#define APIC_ICR_HI	0x310
#define APIC_LVT_TIMER	0x320
#define APIC_LVT_LINT0	0x350
#define APIC_LVT_LINT1	0x360
#define APIC_LVT_ERROR	0x370
#define APIC_TMICT	0x380
#define APIC_TMCCT	0x390
#define APIC_TDCR	0x3e0

#define ICR_INIT	0x00000500
#define ICR_STARTUP	0x00000600
#define ICR_LEVEL_ASSERT 0x00004000
#define ICR_BUSY	0x00001000

/* xAPIC (MMIO) or x2APIC (MSRs): picked once on the BSP. */
struct lapic_ops {
	const char *name;
	uint32_t (*read)(uint32_t reg);
	void (*write)(uint32_t reg, uint32_t v);
	void (*send_icr)(uint32_t dest, uint32_t low);
	uint32_t (*id)(void);
};

void lapic_init(void);
uint32_t lapic_id(void);
void lapic_eoi(void);
void lapic_send_ipi(uint32_t apic_id, uint32_t icr_low);
const char *lapic_mode(void);
bool lapic_x2apic(void);

/*
 * The host's timer for an idle pCPU: fire VEC_TIMER at TSC @deadline.
 * Uses TSC-deadline mode where the CPU has it, else a one-shot count
 * calibrated against the TSC. 0 disarms.
 */
void lapic_timer_init(void);
void lapic_timer_arm(uint64_t deadline);
const char *lapic_timer_mode(void);

#endif
