// SPDX-License-Identifier: GPL-2.0
/*
 * Which speculative-execution mitigations hvisor turns on for a CPU
 * (src/arch/spec_caps.c), from CPUID.(7,0):EDX and IA32_ARCH_CAPABILITIES
 * as CPUs report them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "src/arch/spec.h"

#define MD_CLEAR	(1u << 10)
#define IBPB		(1u << 26)
#define L1D_FLUSH	(1u << 28)
#define ARCH_CAPS	(1u << 29)
#define RDCL_NO		(1ull << 0)
#define SKIP_L1DFL	(1ull << 3)
#define MDS_NO		(1ull << 5)

static void test_decide(void **state)
{
	struct spec_caps c;

	/* An emulator or an old CPU with none of the means: nothing. */
	c = spec_decide(0, false, 0);
	assert_false(c.ibpb || c.l1d_flush || c.verw);
	/* Skylake-era: L1TF and MDS, microcode with all three. */
	c = spec_decide(MD_CLEAR | IBPB | L1D_FLUSH, false, 0);
	assert_true(c.ibpb && c.l1d_flush && c.verw);
	/* Cascade Lake: RDCL_NO and MDS_NO: IBPB alone. */
	c = spec_decide(MD_CLEAR | IBPB | L1D_FLUSH | ARCH_CAPS, true,
			RDCL_NO | MDS_NO);
	assert_true(c.ibpb && !c.l1d_flush && !c.verw);
	/* Running nested: the host flushes for us (SKIP_L1DFL_VMENTRY). */
	c = spec_decide(MD_CLEAR | IBPB | L1D_FLUSH | ARCH_CAPS, true, SKIP_L1DFL);
	assert_true(c.ibpb && !c.l1d_flush && c.verw);
	/* ARCH_CAPABILITIES bits count only where the MSR exists. */
	c = spec_decide(MD_CLEAR | L1D_FLUSH, false, RDCL_NO | MDS_NO);
	assert_true(c.l1d_flush && c.verw && !c.ibpb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decide),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
