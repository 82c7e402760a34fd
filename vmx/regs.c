// SPDX-License-Identifier: GPL-2.0
/* The guest state the core reads and writes (src/core/vendor.h), in the VMCS. */
#include "src/arch/x86.h"
#include "src/core/vendor.h"
#include "vmx/vmcs.h"

/* The registers that are one VMCS field each. */
static const enum vmcs_field fields[VCPU_NR_REGS] = {
	[VCPU_RIP] = GUEST_RIP,
	[VCPU_RSP] = GUEST_RSP,
	[VCPU_RFLAGS] = GUEST_RFLAGS,
	[VCPU_CR0] = GUEST_CR0,
	[VCPU_CR3] = GUEST_CR3,
	[VCPU_CR4] = GUEST_CR4,
	[VCPU_EFER] = GUEST_IA32_EFER,
	[VCPU_ES_BASE] = GUEST_ES_BASE,
	[VCPU_CS_BASE] = GUEST_CS_BASE,
	[VCPU_SS_BASE] = GUEST_SS_BASE,
	[VCPU_DS_BASE] = GUEST_DS_BASE,
	[VCPU_FS_BASE] = GUEST_FS_BASE,
	[VCPU_GS_BASE] = GUEST_GS_BASE,
	[VCPU_PDPTE0] = GUEST_PDPTE0,
	[VCPU_PDPTE0 + 1] = GUEST_PDPTE0 + 2,	/* 64-bit fields step by 2 */
	[VCPU_PDPTE0 + 2] = GUEST_PDPTE0 + 4,
	[VCPU_PDPTE3] = GUEST_PDPTE0 + 6,
	[VCPU_TSC_OFFSET] = TSC_OFFSET,
};

uint64_t vcpu_get_reg(struct vcpu *v, enum vcpu_reg r)
{
	switch (r) {
	case VCPU_CS_LONG:
		return !!(vmcs_read(GUEST_CS_AR) & AR_L);
	case VCPU_CS_DB:
		return !!(vmcs_read(GUEST_CS_AR) & AR_DB);
	case VCPU_CPL:
		/* SDM 24.4.1: SS.DPL is the CPL. */
		return AR_DPL(vmcs_read(GUEST_SS_AR));
	default:
		return vmcs_read(fields[r]);
	}
}

void vcpu_set_reg(struct vcpu *v, enum vcpu_reg r, uint64_t val)
{
	uint32_t entry;

	switch (r) {
	case VCPU_EFER:
		/* VM entry checks IA-32e mode against EFER.LMA: keep them in step. */
		entry = vmcs_read(ENTRY_CONTROLS);
		vmcs_write(ENTRY_CONTROLS, val & EFER_LMA ? entry | ENTRY_IA32E :
				entry & ~ENTRY_IA32E);
		vmcs_write(GUEST_IA32_EFER, val);
		break;
	case VCPU_CS_LONG:
	case VCPU_CS_DB:
	case VCPU_CPL:
		break;		/* derived from segment state: read-only */
	default:
		vmcs_write(fields[r], val);
		break;
	}
}
