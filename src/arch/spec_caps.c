// SPDX-License-Identifier: GPL-2.0
/* Which mitigations a CPU needs, from what it says of itself (spec.h). */
#include "src/arch/spec.h"

/* CPUID.(7,0):EDX */
#define C7_MD_CLEAR		(1u << 10)
#define C7_IBRS_IBPB		(1u << 26)
#define C7_L1D_FLUSH		(1u << 28)

/* IA32_ARCH_CAPABILITIES (CPUID.(7,0):EDX bit 29 says it exists) */
#define AC_RDCL_NO		(1ull << 0)
#define AC_SKIP_L1DFL_VMENTRY	(1ull << 3)
#define AC_MDS_NO		(1ull << 5)

struct spec_caps spec_decide(unsigned int edx, bool have_arch_caps,
			     unsigned long long ac)
{
	struct spec_caps c = { 0 };

	if (!have_arch_caps)
		ac = 0;		/* no MSR: the CPU claims no immunity */
	c.ibpb = edx & C7_IBRS_IBPB;
	c.l1d_flush = (edx & C7_L1D_FLUSH) && !(ac & AC_RDCL_NO) &&
		      !(ac & AC_SKIP_L1DFL_VMENTRY);
	c.verw = (edx & C7_MD_CLEAR) && !(ac & AC_MDS_NO);
	return c;
}

