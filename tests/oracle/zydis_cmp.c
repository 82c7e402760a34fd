// SPDX-License-Identifier: GPL-2.0
/*
 * The decoder against Zydis (see zydis_cmp.h), shared by the unit test
 * (tests/unit/test_decode.c) and the fuzzer (tests/fuzz/fuzz_decode.c).
 */
#include <errno.h>
#include <stdio.h>

#include <Zydis/Zydis.h>

#include "tests/oracle/zydis_cmp.h"

#define M16	INSN_MODE_16
#define M32	INSN_MODE_32
#define M64	INSN_MODE_64

/* Say why in the caller's buffer and give up: the first difference. */
#define MISMATCH(...)						\
	do {							\
		snprintf(why, size, __VA_ARGS__);		\
		return -1;					\
	} while (0)

static ZydisMachineMode zy_mode(enum insn_mode mode)
{
	return mode == M64 ? ZYDIS_MACHINE_MODE_LONG_64 :
	       mode == M32 ? ZYDIS_MACHINE_MODE_LEGACY_32 :
			     ZYDIS_MACHINE_MODE_LEGACY_16;
}

/* Zydis register -> our number (-1 none), and AH..BH. */
static int zy_reg(enum insn_mode mode, ZydisRegister r, bool *hi8)
{
	ZydisRegister big;

	*hi8 = false;
	switch (r) {
	case ZYDIS_REGISTER_NONE:
		return -1;
	case ZYDIS_REGISTER_AH: *hi8 = true; return INSN_RAX;
	case ZYDIS_REGISTER_CH: *hi8 = true; return INSN_RCX;
	case ZYDIS_REGISTER_DH: *hi8 = true; return INSN_RDX;
	case ZYDIS_REGISTER_BH: *hi8 = true; return INSN_RBX;
	case ZYDIS_REGISTER_RIP: case ZYDIS_REGISTER_EIP:
		return 100;
	default:
		break;
	}
	big = ZydisRegisterGetLargestEnclosing(zy_mode(mode), r);
	return ZydisRegisterGetId(big);
}

static ZydisMnemonic zy_mnemonic(const struct insn *i)
{
	switch (i->kind) {
	case INSN_MOV_LOAD: case INSN_MOV_STORE: case INSN_MOV_STORE_IMM:
		return ZYDIS_MNEMONIC_MOV;
	case INSN_MOVZX:
		return ZYDIS_MNEMONIC_MOVZX;
	case INSN_MOVSX:
		return i->opcode == 0x63 ? ZYDIS_MNEMONIC_MOVSXD :
					   ZYDIS_MNEMONIC_MOVSX;
	case INSN_XCHG:
		return ZYDIS_MNEMONIC_XCHG;
	default:
		break;
	}
	switch (i->alu) {
	case INSN_ALU_ADD: return ZYDIS_MNEMONIC_ADD;
	case INSN_ALU_OR: return ZYDIS_MNEMONIC_OR;
	case INSN_ALU_AND: return ZYDIS_MNEMONIC_AND;
	case INSN_ALU_SUB: return ZYDIS_MNEMONIC_SUB;
	case INSN_ALU_XOR: return ZYDIS_MNEMONIC_XOR;
	case INSN_ALU_CMP: return ZYDIS_MNEMONIC_CMP;
	case INSN_ALU_TEST: return ZYDIS_MNEMONIC_TEST;
	default: return ZYDIS_MNEMONIC_INVALID;
	}
}

static void hexdump(char *out, size_t sz, const uint8_t *b, unsigned int n)
{
	unsigned int k;

	out[0] = 0;
	for (k = 0; k < n && 3 * k + 3 < sz; k++)
		snprintf(out + 3 * k, sz - 3 * k, "%02x ", b[k]);
}

/* Our result for b[0..n) against Zydis'; counts into st. */
int zy_compare(const uint8_t *b, unsigned int n, enum insn_mode mode,
	       struct zy_stats *st, char *why, size_t size)
{
	ZydisDecoder dec;
	ZydisDecodedInstruction zi;
	ZydisDecodedOperand zo[ZYDIS_MAX_OPERAND_COUNT];
	const ZydisDecodedOperand *mem = NULL, *reg = NULL, *imm = NULL;
	ZyanStatus zs;
	struct insn i;
	char hex[64];
	unsigned int k, m;
	bool hi8, mem_w, mem_r, ok;
	int64_t zdisp;
	int ret, r;

	hexdump(hex, sizeof(hex), b, n);
	ret = insn_decode(&i, b, n, mode);
	if (!ZYAN_SUCCESS(ZydisDecoderInit(&dec, zy_mode(mode),
		mode == M64 ? ZYDIS_STACK_WIDTH_64 :
		mode == M32 ? ZYDIS_STACK_WIDTH_32 : ZYDIS_STACK_WIDTH_16)))
		MISMATCH("mode %d: Zydis does not start", mode);
	zs = ZydisDecoderDecodeFull(&dec, b, n, &zi, zo);

	if (ret == -ENOTSUP) {
		st->enotsup++;
		return 0;
	}
	if (ret == -EINVAL) {
		st->einval++;
		if (ZYAN_SUCCESS(zs))
			MISMATCH("mode %d [%s]: -EINVAL, Zydis decodes %u "
				 "bytes", mode, hex, zi.length);
		return 0;
	}
	if (ret)
		MISMATCH("mode %d [%s]: decode returned %d", mode, hex, ret);
	st->ok++;
	if (!ZYAN_SUCCESS(zs))
		MISMATCH("mode %d [%s]: we decode %u bytes, Zydis fails %#x",
			 mode, hex, i.len, (unsigned)zs);
	if (zi.length != i.len)
		MISMATCH("mode %d [%s]: length %u, Zydis %u", mode, hex, i.len,
			 zi.length);
	if (zi.mnemonic != zy_mnemonic(&i))
		MISMATCH("mode %d [%s]: kind %d alu %d, Zydis mnemonic %d",
			 mode, hex, i.kind, i.alu, zi.mnemonic);

	for (k = 0; k < zi.operand_count_visible; k++) {
		if (zo[k].type == ZYDIS_OPERAND_TYPE_MEMORY)
			mem = &zo[k];
		else if (zo[k].type == ZYDIS_OPERAND_TYPE_REGISTER)
			reg = &zo[k];
		else if (zo[k].type == ZYDIS_OPERAND_TYPE_IMMEDIATE)
			imm = &zo[k];
	}
	if (!mem || mem->mem.type != ZYDIS_MEMOP_TYPE_MEM)
		MISMATCH("mode %d [%s]: Zydis sees no memory operand", mode,
			 hex);
	if (mem->size != 8 * i.op_size)
		MISMATCH("mode %d [%s]: op_size %u, Zydis %u bits", mode, hex,
			 i.op_size, mem->size);

	/* direction of the memory access */
	mem_r = mem->actions & ZYDIS_OPERAND_ACTION_MASK_READ;
	mem_w = mem->actions & ZYDIS_OPERAND_ACTION_MASK_WRITE;
	switch (i.kind) {
	case INSN_MOV_STORE: case INSN_MOV_STORE_IMM:
		ok = mem_w && !mem_r;
		break;
	case INSN_XCHG:
		ok = mem_w && mem_r;
		break;
	case INSN_ALU_RM_REG: case INSN_ALU_RM_IMM:
		ok = mem_r && mem_w == (i.alu != INSN_ALU_CMP &&
					i.alu != INSN_ALU_TEST);
		break;
	default:
		ok = mem_r && !mem_w;
		break;
	}
	if (!ok)
		MISMATCH("mode %d [%s]: kind %d, Zydis reads %d writes %d", mode,
			 hex, i.kind, mem_r, mem_w);

	/* address parts */
	r = zy_reg(mode, mem->mem.base, &hi8);
	/*
	 * SIB base 101 with mod 00 is "no base, disp32" whatever REX.B and
	 * the address size (SDM Vol. 2 Table 2-5, and objdump). Zydis 3.2
	 * names R13D the base when a 67 prefix and REX.B come with it, and
	 * a displacement of 0 though it took the four bytes: trust the SDM
	 * and Zydis' raw displacement there (fuzz_decode found it).
	 */
	zdisp = mem->mem.disp.value;
	if ((zi.attributes & ZYDIS_ATTRIB_HAS_SIB) && zi.raw.modrm.mod == 0 &&
	    zi.raw.sib.base == 5) {
		r = -1;
		zdisp = zi.raw.disp.value;
	}
	if (i.rip_rel) {
		if (r != 100)
			MISMATCH("mode %d [%s]: RIP-relative, Zydis base %d", mode,
				 hex, r);
	} else if (r != i.base)
		MISMATCH("mode %d [%s]: base %d, Zydis %d", mode, hex, i.base,
			 r);
	r = zy_reg(mode, mem->mem.index, &hi8);
	if (r != i.index)
		MISMATCH("mode %d [%s]: index %d, Zydis %d", mode, hex, i.index,
			 r);
	if (i.index >= 0 && mem->mem.scale != i.scale)
		MISMATCH("mode %d [%s]: scale %u, Zydis %u", mode, hex, i.scale,
			 mem->mem.scale);
	m = 8 * i.addr_size;
	if (((uint64_t)zdisp ^ (uint64_t)i.disp) &
	    (m == 64 ? ~0ULL : (1ULL << m) - 1))
		MISMATCH("mode %d [%s]: disp %#llx, Zydis %#llx", mode, hex,
			 (unsigned long long)i.disp,
			 (unsigned long long)zdisp);
	{
		static const ZydisRegister segs[] = {
			ZYDIS_REGISTER_ES, ZYDIS_REGISTER_CS,
			ZYDIS_REGISTER_SS, ZYDIS_REGISTER_DS,
			ZYDIS_REGISTER_FS, ZYDIS_REGISTER_GS,
		};
		ZydisRegister want = segs[i.seg], got = mem->mem.segment;

		/* 64-bit mode: only FS and GS have a base; the rest is flat */
		if (mode == M64) {
			if (want != ZYDIS_REGISTER_FS &&
			    want != ZYDIS_REGISTER_GS)
				want = ZYDIS_REGISTER_NONE;
			if (got != ZYDIS_REGISTER_FS &&
			    got != ZYDIS_REGISTER_GS)
				got = ZYDIS_REGISTER_NONE;
		}
		if (got != want)
			MISMATCH("mode %d [%s]: seg %d, Zydis %d", mode, hex,
				 i.seg, mem->mem.segment);
	}

	/* register operand */
	if (i.reg >= 0) {
		if (!reg)
			MISMATCH("mode %d [%s]: reg %d, Zydis none", mode, hex,
				 i.reg);
		r = zy_reg(mode, reg->reg.value, &hi8);
		if (r != i.reg || hi8 != i.reg_high8)
			MISMATCH("mode %d [%s]: reg %d/%d, Zydis %d/%d", mode,
				 hex, i.reg, i.reg_high8, r, hi8);
		if (reg->size != 8 * (i.kind == INSN_MOVZX ||
				      i.kind == INSN_MOVSX ?
				      i.dst_size : i.op_size))
			MISMATCH("mode %d [%s]: register size %u bits by Zydis",
				 mode, hex, reg->size);
	} else if (reg) {
		MISMATCH("mode %d [%s]: no reg, Zydis has one", mode, hex);
	}

	/* immediate */
	if (!!imm != i.has_imm)
		MISMATCH("mode %d [%s]: has_imm %d, Zydis %d", mode, hex,
			 i.has_imm, !!imm);
	if (imm && ((imm->imm.value.u ^ i.imm) &
		    (i.op_size == 8 ? ~0ULL : (1ULL << (8 * i.op_size)) - 1)))
		MISMATCH("mode %d [%s]: imm %#llx, Zydis %#llx", mode, hex,
			 (unsigned long long)i.imm,
			 (unsigned long long)imm->imm.value.u);
	return 0;
}
