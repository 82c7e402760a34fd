/* SPDX-License-Identifier: GPL-2.0 */
#ifndef HV_VMX_INTR_H
#define HV_VMX_INTR_H

#include <stdbool.h>
#include <stdint.h>
#include "src/core/config.h"

struct vcpu;
struct vmx_caps;

/*
 * How the PIR reaches the guest. Chosen once at boot from the VMX
 * capabilities (or forced by apic_delivery in hvisor.ini).
 */
struct intr_method {
	const char *name;
	bool (*available)(const struct vmx_caps *c);
	/* VMCS controls, when the vCPU's VMCS is first configured. */
	void (*setup)(struct vcpu *v);
	/* Before every entry, on the vCPU's owner. */
	void (*deliver)(struct vcpu *v);
	/* Guest-physical 0xFEE00000 must map an APIC-access page. */
	bool apic_access_page;
	/*
	 * The vector that makes a running vCPU see new PIR bits: the
	 * posted-interrupt notification (no VM exit), or a plain kick.
	 */
	uint8_t notify_vector;
};

/* The host's APIC ID of this pCPU, in the form NDST wants. */
uint32_t vcpu_host_ndst(void);

extern const struct intr_method *intr_method;
/* vid: never leave a virtual interrupt recognized while the guest has
 * IF = 0 (the Bochs quirk, see intr.c). On unless hvisor.ini says off. */
extern bool vid_guard;

/* Pick the method: 0, or -ENOTSUP (with a message) when @want is absent. */
int intr_select(enum cfg_delivery want);
/* The chosen method is vid with the guard on. */
bool intr_vid_guarded(void);
/* The chosen method is the one the guard applies to (vid). */
bool intr_uses_guard(void);
void vcpu_deliver_interrupts(struct vcpu *v);

/* Exits that only virtual-interrupt delivery produces. */
void vmx_handle_apic_access(struct vcpu *v);
void vmx_handle_apic_write(struct vcpu *v);
void vmx_handle_eoi_induced(struct vcpu *v);

#endif
