// SPDX-License-Identifier: GPL-2.0
/*
 * Decoder and emulator for the instructions guests use on MMIO, see
 * decode.h. Encodings from Intel SDM Vol. 2: 2.1 (format), 2.1.5 (ModRM and
 * SIB tables), 2.2.1 (REX), 2.2.1.6 (RIP-relative), appendix A (opcodes).
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "src/core/decode.h"

/* RFLAGS bits the ALU forms write. */
#define FL_CF	(1ULL << 0)
#define FL_PF	(1ULL << 2)
#define FL_AF	(1ULL << 4)
#define FL_ZF	(1ULL << 6)
#define FL_SF	(1ULL << 7)
#define FL_OF	(1ULL << 11)
#define FL_ARITH (FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_OF)

#define REX_B	0x1
#define REX_X	0x2
#define REX_R	0x4
#define REX_W	0x8

/* Bytes not yet consumed; lim is at most INSN_MAX_LEN. */
struct cursor {
	const uint8_t *buf;
	unsigned int pos, lim;
};

/* Little-endian n-byte field; -EINVAL past the end (truncated or > 15). */
static int take(struct cursor *c, unsigned int n, uint64_t *v)
{
	unsigned int k;

	if (n > c->lim - c->pos)
		return -EINVAL;
	*v = 0;
	for (k = 0; k < n; k++)
		*v |= (uint64_t)c->buf[c->pos + k] << (8 * k);
	c->pos += n;
	return 0;
}

static uint64_t size_mask(unsigned int size)
{
	return size >= 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
}

static uint64_t sign_extend(uint64_t v, unsigned int size)
{
	unsigned int sh = 64 - 8 * size;

	if (size >= 8)
		return v;
	return (uint64_t)((int64_t)(v << sh) >> sh);
}

/* ModRM with mod != 3: fills base/index/scale/disp/rip_rel and seg. */
static int decode_mem(struct insn *i, struct cursor *c, uint8_t rex)
{
	unsigned int mod = i->modrm >> 6, rm = i->modrm & 7;
	unsigned int disp_len = 0;
	uint64_t v;
	int ret;

	i->base = -1;
	i->index = -1;
	i->scale = 1;

	if (i->addr_size == 2) {
		/* SDM Vol. 2 table 2-1: fixed base/index pairs, no SIB. */
		static const int8_t base16[8] = {
			INSN_RBX, INSN_RBX, INSN_RBP, INSN_RBP,
			INSN_RSI, INSN_RDI, INSN_RBP, INSN_RBX,
		};
		static const int8_t index16[8] = {
			INSN_RSI, INSN_RDI, INSN_RSI, INSN_RDI,
			-1, -1, -1, -1,
		};

		i->base = base16[rm];
		i->index = index16[rm];
		if (mod == 0 && rm == 6) {
			i->base = -1;		/* [disp16] */
			disp_len = 2;
		} else {
			disp_len = mod == 1 ? 1 : mod == 2 ? 2 : 0;
		}
	} else {
		if (rm == 4) {
			uint8_t sib;

			ret = take(c, 1, &v);
			if (ret)
				return ret;
			sib = v;
			i->scale = 1u << (sib >> 6);
			/* Index 100b means none, unless REX.X makes it R12. */
			if (((sib >> 3) & 7) != 4 || (rex & REX_X))
				i->index = ((sib >> 3) & 7) |
					   (rex & REX_X ? 8 : 0);
			/* Base 101b with mod 0: none, even with REX.B. */
			if ((sib & 7) == 5 && mod == 0)
				disp_len = 4;
			else
				i->base = (sib & 7) | (rex & REX_B ? 8 : 0);
		} else if (rm == 5 && mod == 0) {
			/* [disp32]; 64-bit mode turned it into [rip+disp32]. */
			disp_len = 4;
			i->rip_rel = i->mode == INSN_MODE_64;
		} else {
			i->base = rm | (rex & REX_B ? 8 : 0);
		}
		if (mod == 1)
			disp_len = 1;
		else if (mod == 2)
			disp_len = 4;
	}
	if (i->index < 0)
		i->scale = 1;

	if (disp_len) {
		ret = take(c, disp_len, &v);
		if (ret)
			return ret;
		i->disp = (int64_t)sign_extend(v, disp_len);
	}

	/* Stack-based addressing defaults to SS (SDM Vol. 1 3.7.4). */
	if (!i->seg_override)
		i->seg = (i->base == INSN_RSP || i->base == INSN_RBP) ?
			 INSN_SEG_SS : INSN_SEG_DS;
	return 0;
}

/* The ALU op of 00-3F (bits 5:3) and of group 1 (ModRM.reg). */
static const enum insn_alu alu_ops[8] = {
	INSN_ALU_ADD, INSN_ALU_OR, INSN_ALU_NONE /* ADC */,
	INSN_ALU_NONE /* SBB */, INSN_ALU_AND, INSN_ALU_SUB,
	INSN_ALU_XOR, INSN_ALU_CMP,
};

/*
 * Classify opcode op (two_byte: it followed 0F) into i->kind, i->alu and
 * the operand sizes. *imm_len: bytes of immediate; *group: ModRM.reg is an
 * opcode extension, checked once the ModRM byte is read.
 */
static int classify(struct insn *i, uint8_t op, bool two_byte,
		    unsigned int opsz, unsigned int *imm_len, bool *group)
{
	unsigned int wide = op & 1 ? opsz : 1;

	*imm_len = 0;
	*group = false;
	i->has_modrm = true;

	if (two_byte) {
		switch (op) {
		case 0xb6: case 0xb7:	/* MOVZX Gv, Eb / Ew */
		case 0xbe: case 0xbf:	/* MOVSX Gv, Eb / Ew */
			i->kind = op & 8 ? INSN_MOVSX : INSN_MOVZX;
			i->op_size = op & 1 ? 2 : 1;
			i->dst_size = opsz;
			return 0;
		}
		return -ENOTSUP;
	}

	/* 00-3F: ALU Eb,Gb / Ev,Gv / Gb,Eb / Gv,Ev (column 0-3 of each row). */
	if (op < 0x40 && (op & 7) < 4) {
		i->alu = alu_ops[op >> 3];
		if (i->alu == INSN_ALU_NONE)
			return -ENOTSUP;	/* ADC, SBB: not emulated */
		i->kind = op & 2 ? INSN_ALU_REG_RM : INSN_ALU_RM_REG;
		i->op_size = wide;
		return 0;
	}

	switch (op) {
	case 0x63:
		/* MOVSXD in 64-bit mode, ARPL elsewhere. Only the REX.W
		 * form: without it Intel and AMD differ on the load size. */
		if (i->mode != INSN_MODE_64 || opsz != 8)
			return -ENOTSUP;
		i->kind = INSN_MOVSX;
		i->op_size = 4;
		i->dst_size = 8;
		return 0;
	case 0x80: case 0x81: case 0x83:	/* group 1: Eb,Ib Ev,Iz Ev,Ib */
		i->kind = INSN_ALU_RM_IMM;
		i->op_size = op == 0x80 ? 1 : opsz;
		*imm_len = op == 0x81 ? (opsz == 2 ? 2 : 4) : 1;
		*group = true;
		return 0;
	case 0x84: case 0x85:			/* TEST Eb,Gb / Ev,Gv */
		i->kind = INSN_ALU_RM_REG;
		i->alu = INSN_ALU_TEST;
		i->op_size = wide;
		return 0;
	case 0x86: case 0x87:			/* XCHG Eb,Gb / Ev,Gv */
		i->kind = INSN_XCHG;
		i->op_size = wide;
		return 0;
	case 0x88: case 0x89:			/* MOV Eb,Gb / Ev,Gv */
		i->kind = INSN_MOV_STORE;
		i->op_size = wide;
		return 0;
	case 0x8a: case 0x8b:			/* MOV Gb,Eb / Gv,Ev */
		i->kind = INSN_MOV_LOAD;
		i->op_size = wide;
		return 0;
	case 0xa0: case 0xa1:			/* MOV AL/rAX, moffs */
	case 0xa2: case 0xa3:			/* MOV moffs, AL/rAX */
		i->kind = op & 2 ? INSN_MOV_STORE : INSN_MOV_LOAD;
		i->op_size = wide;
		i->has_modrm = false;
		return 0;
	case 0xc6: case 0xc7:			/* MOV Eb,Ib / Ev,Iz */
		i->kind = INSN_MOV_STORE_IMM;
		i->op_size = wide;
		*imm_len = op == 0xc6 ? 1 : (opsz == 2 ? 2 : 4);
		*group = true;
		return 0;
	case 0xf6: case 0xf7:			/* group 3: TEST Eb,Ib Ev,Iz */
		i->kind = INSN_ALU_RM_IMM;
		i->alu = INSN_ALU_TEST;
		i->op_size = wide;
		*imm_len = op == 0xf6 ? 1 : (opsz == 2 ? 2 : 4);
		*group = true;
		return 0;
	}
	/* String ops (A4-A7, AA-AF) and everything else. */
	return -ENOTSUP;
}

/* ModRM.reg of the group opcodes: which extensions we take. */
static int check_group(struct insn *i, uint8_t op)
{
	unsigned int mod = i->modrm >> 6, ext = (i->modrm >> 3) & 7;

	switch (op) {
	case 0x80: case 0x81: case 0x83:
		i->alu = alu_ops[ext];
		return i->alu == INSN_ALU_NONE ? -ENOTSUP : 0;
	case 0xc6: case 0xc7:
		if (ext == 0)
			return 0;
		/* C6 F8 / C7 F8 are XABORT / XBEGIN; the rest is #UD. */
		return ext == 7 && mod == 3 ? -ENOTSUP : -EINVAL;
	default:	/* F6/F7: /0 TEST; NOT, NEG, MUL, DIV not emulated */
		return ext == 0 ? 0 : -ENOTSUP;
	}
}

int insn_decode(struct insn *out, const uint8_t *buf, unsigned int avail,
		enum insn_mode mode)
{
	struct cursor c = {
		.buf = buf,
		.lim = avail < INSN_MAX_LEN ? avail : INSN_MAX_LEN,
	};
	struct insn i;
	bool opsz_pfx = false, adsz_pfx = false, group;
	uint8_t rex = 0, rep = 0, op;
	unsigned int opsz, imm_len, reg_size;
	uint64_t v;
	int ret;

	memset(&i, 0, sizeof(i));
	i.mode = mode;
	i.reg = -1;
	i.base = -1;
	i.index = -1;
	i.scale = 1;
	i.seg = INSN_SEG_DS;

	/* Legacy prefixes in any order; REX only counts right before the
	 * opcode, so a legacy prefix after it cancels it (SDM 2.2.1). */
	for (;;) {
		ret = take(&c, 1, &v);
		if (ret)
			return ret;
		op = v;
		switch (op) {
		case 0x66:
			opsz_pfx = true;
			break;
		case 0x67:
			adsz_pfx = true;
			break;
		case 0x26: case 0x2e: case 0x36: case 0x3e:
			/* 64-bit mode ignores these: they cannot undo FS/GS. */
			if (mode == INSN_MODE_64 && i.seg_override &&
			    i.seg >= INSN_SEG_FS)
				break;
			/* 26 2E 36 3E: bits 4:3 are ES CS SS DS */
			i.seg = (enum insn_seg)((op >> 3) & 3);
			i.seg_override = true;
			break;
		case 0x64: case 0x65:
			i.seg = op == 0x64 ? INSN_SEG_FS : INSN_SEG_GS;
			i.seg_override = true;
			break;
		case 0xf0:
			i.lock = true;
			break;
		case 0xf2: case 0xf3:
			rep = op;
			break;
		default:
			if (mode == INSN_MODE_64 && (op & 0xf0) == 0x40) {
				rex = op;
				continue;
			}
			goto opcode;
		}
		rex = 0;
	}

opcode:
	i.rex = rex;
	if (mode == INSN_MODE_64) {
		opsz = rex & REX_W ? 8 : opsz_pfx ? 2 : 4;
		i.addr_size = adsz_pfx ? 4 : 8;
	} else {
		unsigned int def = mode == INSN_MODE_32 ? 4 : 2;

		opsz = opsz_pfx ? 6 - def : def;	/* 66 swaps 2 and 4 */
		i.addr_size = adsz_pfx ? 6 - def : def;
	}

	if (op == 0x0f) {
		ret = take(&c, 1, &v);
		if (ret)
			return ret;
		op = v;
		i.two_byte = true;
	}
	i.opcode = op;

	ret = classify(&i, op, i.two_byte, opsz, &imm_len, &group);
	if (ret)
		return ret;
	if (!i.dst_size)
		i.dst_size = i.op_size;
	/* F2/F3 on a non-string op: reserved, or XACQUIRE/XRELEASE (HLE). */
	if (rep)
		return -ENOTSUP;

	if (i.has_modrm) {
		ret = take(&c, 1, &v);
		if (ret)
			return ret;
		i.modrm = v;
		if (group) {
			ret = check_group(&i, op);
			if (ret)
				return ret;
		}
		/* A register r/m cannot be the MMIO access. */
		if (i.modrm >> 6 == 3)
			return -ENOTSUP;
		ret = decode_mem(&i, &c, rex);
		if (ret)
			return ret;
		if (!group) {
			i.reg = ((i.modrm >> 3) & 7) | (rex & REX_R ? 8 : 0);
			reg_size = i.op_size;
			if (i.kind == INSN_MOVZX || i.kind == INSN_MOVSX)
				reg_size = i.dst_size;
			/* Without REX, byte registers 4-7 are AH CH DH BH. */
			if (reg_size == 1 && !rex && i.reg >= 4) {
				i.reg -= 4;
				i.reg_high8 = true;
			}
		}
	} else {
		/* moffs: an address-size offset, no ModRM; register is rAX. */
		ret = take(&c, i.addr_size, &v);
		if (ret)
			return ret;
		i.disp = (int64_t)v;
		i.reg = INSN_RAX;
	}

	if (imm_len) {
		ret = take(&c, imm_len, &v);
		if (ret)
			return ret;
		i.imm = sign_extend(v, imm_len);
		i.has_imm = true;
	}

	/* LOCK needs a memory destination that is read and written. */
	if (i.lock && i.kind != INSN_XCHG &&
	    !((i.kind == INSN_ALU_RM_REG || i.kind == INSN_ALU_RM_IMM) &&
	      i.alu != INSN_ALU_CMP && i.alu != INSN_ALU_TEST))
		return -EINVAL;

	i.len = c.pos;
	*out = i;
	return 0;
}

uint64_t insn_ea(const struct insn *i, const uint64_t *regs, uint64_t rip)
{
	uint64_t ea = (uint64_t)i->disp;

	if (i->base >= 0)
		ea += regs[i->base];
	if (i->index >= 0)
		ea += regs[i->index] * i->scale;
	if (i->rip_rel)
		ea += rip + i->len;
	return ea & size_mask(i->addr_size);
}

bool insn_reads_mem(const struct insn *i)
{
	return i->kind != INSN_MOV_STORE && i->kind != INSN_MOV_STORE_IMM;
}

bool insn_writes_mem(const struct insn *i)
{
	switch (i->kind) {
	case INSN_MOV_STORE:
	case INSN_MOV_STORE_IMM:
	case INSN_XCHG:
		return true;
	case INSN_ALU_RM_REG:
	case INSN_ALU_RM_IMM:
		return i->alu != INSN_ALU_CMP && i->alu != INSN_ALU_TEST;
	default:
		return false;
	}
}

static uint64_t reg_get(const uint64_t *regs, const struct insn *i,
			unsigned int size)
{
	if (i->reg_high8)
		return (regs[i->reg] >> 8) & 0xff;
	return regs[i->reg] & size_mask(size);
}

static void reg_set(uint64_t *regs, const struct insn *i, unsigned int size,
		    uint64_t v)
{
	uint64_t *r = &regs[i->reg];

	switch (size) {
	case 1:
		if (i->reg_high8)
			*r = (*r & ~0xff00ULL) | (v & 0xff) << 8;
		else
			*r = (*r & ~0xffULL) | (v & 0xff);
		break;
	case 2:
		*r = (*r & ~0xffffULL) | (v & 0xffff);
		break;
	case 4:
		/* Like the CPU: a 32-bit destination clears bits 63:32. */
		*r = (uint32_t)v;
		break;
	default:
		*r = v;
		break;
	}
}

static bool parity_even(uint64_t v)
{
	v &= 0xff;
	v ^= v >> 4;
	v ^= v >> 2;
	v ^= v >> 1;
	return !(v & 1);
}

static uint64_t alu_calc(enum insn_alu op, uint64_t a, uint64_t b)
{
	switch (op) {
	case INSN_ALU_ADD:
		return a + b;
	case INSN_ALU_OR:
		return a | b;
	case INSN_ALU_AND:
	case INSN_ALU_TEST:
		return a & b;
	case INSN_ALU_SUB:
	case INSN_ALU_CMP:
		return a - b;
	default:
		return a ^ b;	/* XOR; decode produces nothing else */
	}
}

/* The six status flags of a = a op b, for a size-byte operation. */
static uint64_t alu_flags(enum insn_alu op, uint64_t a, uint64_t b,
			  uint64_t r, unsigned int size)
{
	uint64_t m = size_mask(size), sign = 1ULL << (8 * size - 1), f = 0;

	a &= m;
	b &= m;
	r &= m;
	if (!r)
		f |= FL_ZF;
	if (r & sign)
		f |= FL_SF;
	if (parity_even(r))
		f |= FL_PF;
	switch (op) {
	case INSN_ALU_ADD:
		if (r < a)
			f |= FL_CF;
		/* both inputs have the sign the result lacks */
		if ((a ^ r) & (b ^ r) & sign)
			f |= FL_OF;
		if ((a ^ b ^ r) & 0x10)
			f |= FL_AF;
		break;
	case INSN_ALU_SUB:
	case INSN_ALU_CMP:
		if (a < b)
			f |= FL_CF;
		if ((a ^ b) & (a ^ r) & sign)
			f |= FL_OF;
		if ((a ^ b ^ r) & 0x10)
			f |= FL_AF;
		break;
	default:
		break;		/* logical: CF = OF = 0 */
	}
	return f;
}

static bool valid_size(unsigned int s)
{
	return s == 1 || s == 2 || s == 4 || s == 8;
}

int insn_emulate(const struct insn *i, uint64_t *regs, uint64_t *rflags,
		 insn_mmio_read_fn mmio_read, insn_mmio_write_fn mmio_write,
		 void *ctx)
{
	unsigned int size = i->op_size;
	uint64_t m = size_mask(size), a, b, r;
	bool writes_result;
	int ret;

	if (!valid_size(size) || !valid_size(i->dst_size))
		return -EINVAL;
	if (i->kind != INSN_MOV_STORE_IMM && i->kind != INSN_ALU_RM_IMM &&
	    (i->reg < 0 || i->reg >= INSN_NR_GPRS ||
	     (i->reg_high8 && i->reg > INSN_RBX)))
		return -EINVAL;

	switch (i->kind) {
	case INSN_MOV_LOAD:
	case INSN_MOVZX:
	case INSN_MOVSX:
		ret = mmio_read(ctx, size, &a);
		if (ret)
			return ret;
		a &= m;
		if (i->kind == INSN_MOVSX)
			a = sign_extend(a, size);
		reg_set(regs, i, i->dst_size, a);
		return 0;
	case INSN_MOV_STORE:
		return mmio_write(ctx, size, reg_get(regs, i, size));
	case INSN_MOV_STORE_IMM:
		return mmio_write(ctx, size, i->imm & m);
	case INSN_XCHG:
		ret = mmio_read(ctx, size, &a);
		if (ret)
			return ret;
		ret = mmio_write(ctx, size, reg_get(regs, i, size));
		if (ret)
			return ret;
		reg_set(regs, i, size, a & m);
		return 0;
	case INSN_ALU_RM_REG:
	case INSN_ALU_REG_RM:
	case INSN_ALU_RM_IMM:
		break;
	default:
		return -EINVAL;
	}

	writes_result = i->alu != INSN_ALU_CMP && i->alu != INSN_ALU_TEST;
	if (!writes_result && !rflags)
		return -ENOTSUP;	/* nothing to do but the flags */

	ret = mmio_read(ctx, size, &a);
	if (ret)
		return ret;
	a &= m;
	if (i->kind == INSN_ALU_RM_IMM) {
		b = i->imm & m;
	} else {
		b = reg_get(regs, i, size);
		if (i->kind == INSN_ALU_REG_RM) {
			/* reg op mem: the register is the left operand. */
			r = a;
			a = b;
			b = r;
		}
	}
	r = alu_calc(i->alu, a, b) & m;

	if (writes_result) {
		if (i->kind == INSN_ALU_REG_RM) {
			reg_set(regs, i, size, r);
		} else {
			ret = mmio_write(ctx, size, r);
			if (ret)
				return ret;
		}
	}
	if (rflags)
		*rflags = (*rflags & ~FL_ARITH) |
			  alu_flags(i->alu, a, b, r, size);
	return 0;
}
