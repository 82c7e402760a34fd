// SPDX-License-Identifier: GPL-2.0
/* Hypercalls (VMCALL with EAX = number); see src/hypercall.h. */
#include "src/vm.h"

uint64_t hypercall(struct vcpu *v, uint64_t nr, uint64_t *rbx)
{
	switch (nr & 0xffffffff) {
	case HC_VERSION:
		*rbx = HC_VERSION_ABI;
		return HC_VERSION_MAGIC;
	default:
		return (uint32_t)HC_ENOSYS;
	}
}
