/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86 instruction decoder for MMIO emulation (Intel SDM Vol. 2, chapter 2
 * and the one-byte/two-byte opcode maps of appendix A).
 *
 * An EPT violation on an emulated device gives us the guest-physical
 * address but not the operation: the caller fetches up to 15 bytes at the
 * guest's CS:RIP (mm/gpt.h, gpt_read_virt), decodes them here and applies
 * the result with insn_emulate(), which calls the device model for the
 * memory side and updates the guest registers for the register side.
 *
 * Only the instructions guests use on device memory are decoded: MOV in
 * all its memory forms, MOVZX/MOVSX/MOVSXD, XCHG, and the ALU forms
 * ADD/OR/AND/SUB/XOR/CMP/TEST with a memory operand. Everything else that
 * is a valid instruction (string ops, ADC/SBB, SSE, VEX...) is -ENOTSUP.
 *
 * Plain C, no allocation: builds in the hypervisor and on the host.
 */
#ifndef HV_VMX_DECODE_H
#define HV_VMX_DECODE_H

#include <stdbool.h>
#include <stdint.h>

/* Architectural limit on an instruction's length (SDM Vol. 2 2.3.11). */
#define INSN_MAX_LEN	15

/*
 * Code size of the guest: the default operand and address size.
 *   CR0.PE = 0 or RFLAGS.VM = 1       INSN_MODE_16 (real / virtual-8086)
 *   EFER.LMA = 1 and CS.L = 1         INSN_MODE_64
 *   otherwise                         CS.D ? INSN_MODE_32 : INSN_MODE_16
 */
enum insn_mode {
	INSN_MODE_16,
	INSN_MODE_32,
	INSN_MODE_64,
};

static inline enum insn_mode insn_cpu_mode(bool cr0_pe, bool rflags_vm,
					   bool efer_lma, bool cs_l, bool cs_d)
{
	if (!cr0_pe || rflags_vm)
		return INSN_MODE_16;
	if (efer_lma && cs_l)
		return INSN_MODE_64;
	return cs_d ? INSN_MODE_32 : INSN_MODE_16;
}

enum insn_kind {
	INSN_NONE = 0,
	INSN_MOV_LOAD,		/* reg <- mem        8A 8B A0 A1 */
	INSN_MOV_STORE,		/* mem <- reg        88 89 A2 A3 */
	INSN_MOV_STORE_IMM,	/* mem <- imm        C6 /0, C7 /0 */
	INSN_MOVZX,		/* reg <- zx(mem)    0F B6, 0F B7 */
	INSN_MOVSX,		/* reg <- sx(mem)    0F BE, 0F BF, REX.W 63 */
	INSN_XCHG,		/* mem <-> reg       86 87 */
	INSN_ALU_RM_REG,	/* mem = mem op reg  00/01 08/09 20/21 28/29
				 *                   30/31 38/39 84/85 */
	INSN_ALU_REG_RM,	/* reg = reg op mem  02/03 0A/0B 22/23 2A/2B
				 *                   32/33 3A/3B */
	INSN_ALU_RM_IMM,	/* mem = mem op imm  80 81 83 /0 /1 /4 /5 /6 /7,
				 *                   F6 F7 /0 */
};

/* The operation of the INSN_ALU_* kinds. CMP and TEST write flags only. */
enum insn_alu {
	INSN_ALU_NONE = 0,
	INSN_ALU_ADD,
	INSN_ALU_OR,
	INSN_ALU_AND,
	INSN_ALU_SUB,
	INSN_ALU_XOR,
	INSN_ALU_CMP,
	INSN_ALU_TEST,
};

/* Segment registers, numbered as in the Sreg field of MOV Sreg. */
enum insn_seg {
	INSN_SEG_ES,
	INSN_SEG_CS,
	INSN_SEG_SS,
	INSN_SEG_DS,
	INSN_SEG_FS,
	INSN_SEG_GS,
};

/* GPR numbers, the order of ModRM.reg/REX and of insn_emulate()'s regs[]. */
enum {
	INSN_RAX, INSN_RCX, INSN_RDX, INSN_RBX,
	INSN_RSP, INSN_RBP, INSN_RSI, INSN_RDI,
	INSN_R8, INSN_R9, INSN_R10, INSN_R11,
	INSN_R12, INSN_R13, INSN_R14, INSN_R15,
	INSN_NR_GPRS
};

struct insn {
	unsigned int len;	/* bytes, prefixes included: RIP += len */
	enum insn_kind kind;
	enum insn_alu alu;	/* INSN_ALU_* kinds only */
	enum insn_mode mode;
	unsigned int op_size;	/* bytes of the memory access: 1 2 4 8 */
	unsigned int dst_size;	/* bytes of the register MOVZX/MOVSX write;
				 * equal to op_size for the others */
	unsigned int addr_size;	/* 2, 4, 8 */
	/*
	 * The register operand, 0-15 (INSN_RAX...), or -1. An 8-bit operand
	 * numbered 4-7 without REX is AH, CH, DH, BH: the decoder stores it
	 * as reg = 0-3 (the register that holds it) with reg_high8 = true, so
	 * regs[reg] is always a valid index. With any REX prefix, 4-7 are
	 * SPL, BPL, SIL, DIL and reg_high8 is false.
	 */
	int reg;
	bool reg_high8;
	bool has_imm;
	uint64_t imm;		/* sign-extended to 64 bits as encoded;
				 * insn_emulate() truncates to op_size */
	bool has_modrm;
	uint8_t opcode;		/* last opcode byte */
	bool two_byte;		/* opcode was 0F xx */
	uint8_t modrm;
	uint8_t rex;		/* 0 if none (64-bit mode only) */
	bool lock;
	bool seg_override;	/* seg came from a prefix (the last one) */
	/*
	 * Segment of the memory operand: the override, else SS for an
	 * rSP/rBP base, else DS. 64-bit mode ignores ES/CS/SS/DS bases.
	 */
	enum insn_seg seg;
	/* Memory operand: seg:[base + index * scale + disp] (+ next RIP). */
	int base;		/* GPR number or -1 */
	int index;		/* GPR number or -1 */
	unsigned int scale;	/* 1, 2, 4, 8 */
	int64_t disp;		/* sign-extended; the moffs of A0-A3 */
	bool rip_rel;		/* RIP-relative: add the next RIP */
};

/*
 * Decode the instruction at buf (avail bytes, at most 15 are looked at)
 * for a guest in the given mode. Returns 0 and fills *out, -EINVAL if the
 * bytes are truncated (the instruction goes past avail) or are not a valid
 * instruction, -ENOTSUP if they are valid but not one we emulate (including
 * the register-only forms, which cannot touch MMIO).
 */
int insn_decode(struct insn *out, const uint8_t *buf, unsigned int avail,
		enum insn_mode mode);

/*
 * Effective address (offset in the segment) of the memory operand of a
 * decoded instruction at RIP rip, truncated to the address size. Useful to
 * check the decode against the exit's guest-linear address.
 */
uint64_t insn_ea(const struct insn *i, const uint64_t *regs, uint64_t rip);

/* Does @i read its memory operand, write it, or both? */
bool insn_reads_mem(const struct insn *i);
bool insn_writes_mem(const struct insn *i);

/*
 * The device side of an access of size bytes at the faulting address.
 * mmio_read stores the value zero-extended; both return 0 or -errno.
 */
typedef int (*insn_mmio_read_fn)(void *ctx, unsigned int size, uint64_t *val);
typedef int (*insn_mmio_write_fn)(void *ctx, unsigned int size, uint64_t val);

/*
 * Carry out a decoded instruction: the memory side through the callbacks
 * (each called at most once; the read, if any, comes first), the register
 * side on regs[16] (RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8-R15).
 *
 * Register writes follow the CPU: 8- and 16-bit destinations merge into
 * the old value (AH..BH into bits 15:8), 32-bit ones zero bits 63:32.
 *
 * rflags may be NULL: then the flags are not computed, and CMP and TEST,
 * whose only effect is on the flags, return -ENOTSUP. Otherwise the ALU
 * kinds set CF, PF, AF, ZF, SF and OF as the CPU does (AF is cleared for
 * the logical ops, where the SDM leaves it undefined); the MOVs leave
 * rflags alone.
 *
 * Does not advance RIP (the caller adds i->len). Returns 0, or the
 * callback's error with no register changed (a failed write after a read,
 * for the read-modify-write kinds, leaves the registers as they were too).
 */
int insn_emulate(const struct insn *i, uint64_t *regs, uint64_t *rflags,
		 insn_mmio_read_fn mmio_read, insn_mmio_write_fn mmio_write,
		 void *ctx);

#endif
