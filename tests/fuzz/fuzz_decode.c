// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: the MMIO instruction decoder and emulator (src/core/decode.c)
 * on any bytes, in each of the three code sizes. Where libzydis-dev is
 * installed (HV_HAVE_ZYDIS) every decode is compared with Zydis' on the
 * fields we decode (tests/oracle/zydis_cmp.h): a difference aborts with
 * the bytes, the mode and the field. Always: a decoded length within the
 * bytes given and 15, and an emulation that calls each device callback
 * at most once with the operand's size.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/core/decode.h"
#ifdef HV_HAVE_ZYDIS
#include "tests/oracle/zydis_cmp.h"
#endif

struct dev {
	unsigned int reads, writes, size;
	uint64_t val;
};

static int mmio_read(void *ctx, unsigned int size, uint64_t *val)
{
	struct dev *d = ctx;

	if (d->reads++ || size != d->size)
		abort();
	*val = d->val & (size == 8 ? ~0ULL : (1ULL << (8 * size)) - 1);
	return 0;
}

static int mmio_write(void *ctx, unsigned int size, uint64_t val)
{
	struct dev *d = ctx;

	if (d->writes++ || size != d->size)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned int n = size > INSN_MAX_LEN ? INSN_MAX_LEN : (unsigned int)size;

	for (int mode = INSN_MODE_16; mode <= INSN_MODE_64; mode++) {
		uint64_t regs[16], rflags = 0x2;
		struct dev d = { .val = 0x0123456789abcdefULL };
		struct insn i;
		int r;

		r = insn_decode(&i, data, n, (enum insn_mode)mode);
#ifdef HV_HAVE_ZYDIS
		{
			struct zy_stats st = { 0 };
			char why[160];

			if (zy_compare(data, n, (enum insn_mode)mode, &st, why,
				       sizeof(why))) {
				fprintf(stderr, "fuzz_decode: %s\n", why);
				abort();
			}
		}
#endif
		if (r == -EINVAL || r == -ENOTSUP)
			continue;
		if (r || !i.len || i.len > n || !i.op_size || i.op_size > 8)
			abort();
		for (int k = 0; k < 16; k++)
			regs[k] = 0x1111111111111111ULL * (uint64_t)(k + 1);
		(void)insn_ea(&i, regs, 0xfff0);
		d.size = i.op_size;
		r = insn_emulate(&i, regs, &rflags, mmio_read, mmio_write, &d);
		if (r && r != -ENOTSUP)
			abort();
	}
	return 0;
}
