/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Interrupt messages between a guest's virtual devices and its vLAPICs,
 * in the shape the APIC bus gives them (Intel SDM Vol. 3A, 11.6 ICR and
 * 11.11 MSI). The vIOAPIC, MSI and the vLAPICs' ICR all produce one.
 */
#ifndef HV_DEV_IRQ_H
#define HV_DEV_IRQ_H

#include <stdbool.h>
#include <stdint.h>

enum apic_delivery {
	APIC_DM_FIXED	= 0,
	APIC_DM_LOWEST	= 1,
	APIC_DM_SMI	= 2,
	APIC_DM_NMI	= 4,
	APIC_DM_INIT	= 5,
	APIC_DM_SIPI	= 6,
	APIC_DM_EXTINT	= 7,
};

enum apic_shorthand {
	APIC_SH_NONE	= 0,
	APIC_SH_SELF	= 1,
	APIC_SH_ALL	= 2,
	APIC_SH_OTHERS	= 3,	/* all excluding self */
};

struct apic_msg {
	uint8_t vector;
	uint8_t mode;		/* enum apic_delivery */
	uint8_t shorthand;	/* enum apic_shorthand */
	bool logical;		/* destination mode */
	bool level;		/* trigger mode: level */
	bool assert;		/* level: assert (INIT de-assert is false) */
	uint32_t dest;		/* APIC ID, or logical mask; 0xff/~0 broadcast */
	/*
	 * dest is 32 bits wide (an IPI from an x2APIC-mode vLAPIC): broadcast
	 * is 0xffffffff. False (the default, and what the vIOAPIC and MSI
	 * produce without interrupt remapping): 8 bits, broadcast is 0xff.
	 */
	bool x2apic;
};

#endif
