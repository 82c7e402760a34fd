/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A differential oracle for src/core/decode.c: decode the same bytes
 * with Zydis (Debian's libzydis-dev) and compare what we decode: length,
 * mnemonic, memory operand (size, direction, base, index, scale,
 * displacement, segment), register operand and immediate. Where we say
 * -EINVAL Zydis must fail too; -ENOTSUP (valid, not emulated) is only
 * counted.
 */
#ifndef HV_TESTS_ZYDIS_CMP_H
#define HV_TESTS_ZYDIS_CMP_H

#include <stddef.h>
#include <stdint.h>

#include "src/core/decode.h"

struct zy_stats {
	unsigned int ok, einval, enotsup;
};

/*
 * Compare the decodes of @b[0..@n) in @mode; count the outcome in @st.
 * 0 when they agree, else -1 with the first difference in @why.
 */
int zy_compare(const uint8_t *b, unsigned int n, enum insn_mode mode,
	       struct zy_stats *st, char *why, size_t size);

#endif
