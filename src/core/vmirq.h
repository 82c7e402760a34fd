/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A VM's interrupt platform: a vLAPIC per vCPU, the vIOAPIC, the 8259
 * pair, the 8254 PIT and the CMOS RTC, and the glue that lets them reach
 * vCPUs on any pCPU. Every interrupt ends in the target vCPU's posted-
 * interrupt descriptor; the vCPU's owner moves it into the guest before
 * the next VM entry (vmx/intr.c).
 */
#ifndef HV_VMIRQ_H
#define HV_VMIRQ_H

#include <stdbool.h>
#include <stdint.h>

struct vm;
struct vcpu;
struct vlapic_config;
struct vlapic_env;
struct apic_msg;

/* Build the devices of @vm and the vLAPIC of each vCPU. */
int vmirq_create(struct vm *vm);
/* Give @v a fresh vLAPIC (v->lapic) that calls @env. 0 or -errno. */
int vmirq_lapic_new(struct vcpu *v, const struct vlapic_config *c,
		    const struct vlapic_env *env);
/* Owner side, before entry: due timer work, INIT/SIPI. */
void vmirq_vcpu_pre_entry(struct vcpu *v);
/* Set an ISA interrupt line (8259 and vIOAPIC; IRQ0 is GSI 2). */
void vmirq_isa_irq(struct vm *vm, unsigned int irq, bool level);
/* Set a vIOAPIC pin that no 8259 line shares (PCI INTx, virtio-mmio). */
void vmirq_gsi(struct vm *vm, unsigned int gsi, bool level);
/* An MSI (or MSI-X) message from one of @vm's devices. From any pCPU. */
void vmirq_msi(struct vm *vm, const struct apic_msg *m);
/* The vCPU has something new (from any pCPU): wake it or make it exit. */
void vcpu_notify(struct vcpu *v);
/*
 * KVM_HC_SEND_IPI from @v: the ICR's vector and mode to every vCPU whose
 * APIC ID the bitmap names (src/core/pv.h). How many, or -EINVAL.
 */
int vmirq_pv_send_ipi(struct vcpu *v, uint64_t lo, uint64_t hi, uint64_t min,
		      uint64_t icr, unsigned int width);

#endif
