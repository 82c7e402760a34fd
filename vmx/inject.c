// SPDX-License-Identifier: GPL-2.0
/* Event injection through the VM-entry interruption-information field. */
#include "src/arch/x86.h"
#include "src/core/vcpu.h"
#include "src/core/vendor.h"
#include "vmx/vmcs.h"

void vendor_inject_exception(struct vcpu *v, uint8_t vector, bool has_error,
			     uint32_t error)
{
	uint32_t info = INTR_INFO_VALID | INTR_TYPE_HW_EXCEPTION | vector;

	/*
	 * Real mode pushes no error code, and an entry that asks to deliver
	 * one to a guest with CR0.PE = 0 fails (SDM 26.2.1.3): the #GP of
	 * an RDPMC or XSETBV in real mode must not stop the guest.
	 */
	if (has_error && !(vmcs_read(GUEST_CR0) & X86_CR0_PE))
		has_error = false;
	if (has_error) {
		info |= INTR_INFO_HAS_ERROR;
		vmcs_write(ENTRY_EXCEPTION_ERROR, error);
	}
	vmcs_write(ENTRY_INTR_INFO, info);
}
