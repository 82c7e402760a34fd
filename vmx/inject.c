// SPDX-License-Identifier: GPL-2.0
/* Event injection through the VM-entry interruption-information field. */
#include "src/core/vcpu.h"
#include "src/core/vendor.h"
#include "vmx/vmcs.h"

void vendor_inject_exception(struct vcpu *v, uint8_t vector, bool has_error,
			     uint32_t error)
{
	uint32_t info = INTR_INFO_VALID | INTR_TYPE_HW_EXCEPTION | vector;

	if (has_error) {
		info |= INTR_INFO_HAS_ERROR;
		vmcs_write(ENTRY_EXCEPTION_ERROR, error);
	}
	vmcs_write(ENTRY_INTR_INFO, info);
}
