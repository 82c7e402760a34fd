/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Control-register exits. Only the bits VMX forces on (CR0.NE, CR4.VMXE)
 * are owned by the host, so a guest exits only when a write to CR0 or CR4
 * differs from the read shadow in those bits: Linux's first CR0 write
 * (which sets NE) and any attempt to set CR4.VMXE. The write is then
 * emulated whole, with the architectural checks and the IA-32e mode
 * switch that a CR0.PG write implies.
 */
#ifndef HV_VMX_CR_H
#define HV_VMX_CR_H

struct vcpu;

void vmx_handle_cr_access(struct vcpu *v);

#endif
