// SPDX-License-Identifier: GPL-2.0
/*
 * MMIO emulation. An access to a guest-physical page EPT leaves unmapped
 * exits with only the address; fetch the instruction at the guest's RIP
 * through its page tables, decode it and replay it against the device.
 */
#include <errno.h>
#include <string.h>
#include "mm/gpt.h"
#include "src/arch/x86.h"
#include "src/core/decode.h"
#include "src/core/mmio.h"
#include "src/core/vcpu.h"
#include "src/core/vendor.h"
#include "src/core/vm.h"

#define RFLAGS_VM	(1ULL << 17)

struct mmio_access {
	struct vm *vm;
	int dev;
	uint64_t off;
	int err;
};

static int read_gpa(void *opaque, uint64_t gpa, void *buf, unsigned int len)
{
	const struct vm *vm = opaque;
	void *p = vm_gpa_to_hva(vm, gpa, len);

	if (!p)
		return -EFAULT;
	memcpy(buf, p, len);
	return 0;
}

static int dev_read(void *ctx, unsigned int size, uint64_t *val)
{
	struct mmio_access *a = ctx;
	const struct mmio_bus *bus = &a->vm->mmio;
	const struct mmio_ops *ops = bus->devs[a->dev].ops;

	a->err = ops->read(bus->devs[a->dev].dev, a->off, size, val);
	if (a->err)
		*val = ~0ULL;	/* a device that does not answer floats high */
	return 0;
}

static int dev_write(void *ctx, unsigned int size, uint64_t val)
{
	struct mmio_access *a = ctx;
	const struct mmio_bus *bus = &a->vm->mmio;
	const struct mmio_ops *ops = bus->devs[a->dev].ops;

	/* A write the device refuses is dropped, as on a real bus. */
	a->err = ops->write(bus->devs[a->dev].dev, a->off, size, val);
	return 0;
}

/* struct guest_regs order -> the decoder's (rax, rcx, rdx, rbx, rsp, ...). */
static void regs_out(const struct guest_regs *g, uint64_t rsp, uint64_t r[16])
{
	r[0] = g->rax; r[1] = g->rcx; r[2] = g->rdx; r[3] = g->rbx;
	r[4] = rsp; r[5] = g->rbp; r[6] = g->rsi; r[7] = g->rdi;
	r[8] = g->r8; r[9] = g->r9; r[10] = g->r10; r[11] = g->r11;
	r[12] = g->r12; r[13] = g->r13; r[14] = g->r14; r[15] = g->r15;
}

static void regs_in(struct guest_regs *g, const uint64_t r[16])
{
	g->rax = r[0]; g->rcx = r[1]; g->rdx = r[2]; g->rbx = r[3];
	g->rbp = r[5]; g->rsi = r[6]; g->rdi = r[7];
	g->r8 = r[8]; g->r9 = r[9]; g->r10 = r[10]; g->r11 = r[11];
	g->r12 = r[12]; g->r13 = r[13]; g->r14 = r[14]; g->r15 = r[15];
}

static void inject_pf(struct vcpu *v, uint64_t addr, uint32_t err)
{
	v->regs.cr2 = addr;
	vendor_inject_exception(v, X86_EXC_PF, true, err);
}

void vcpu_guest_walker(struct vcpu *v, struct gpt_ctx *g)
{
	*g = (struct gpt_ctx){
		.cr0 = vcpu_get_reg(v, VCPU_CR0),
		.cr3 = vcpu_get_reg(v, VCPU_CR3),
		.cr4 = vcpu_get_reg(v, VCPU_CR4),
		.efer = vcpu_get_reg(v, VCPU_EFER),
		.rflags = vcpu_get_reg(v, VCPU_RFLAGS),
		.read_gpa = read_gpa,
		.opaque = v->vm,
	};
}

/* The decoded access against what the EPT-violation exit reported. */
static bool access_matches(struct vcpu *v, const struct insn *in,
			   const uint64_t *regs, uint64_t rip,
			   enum insn_mode mode)
{
	const struct vm_exit *e = &v->exit;
	uint64_t lin;

	if (e->mmio.access == VM_ACCESS_WRITE ? !insn_writes_mem(in) :
	    !insn_reads_mem(in))
		return false;
	if (!e->mmio.gla_valid)
		return true;
	/* Only FS and GS have a base in 64-bit mode. */
	lin = insn_ea(in, regs, rip);
	if (mode != INSN_MODE_64 || in->seg == INSN_SEG_FS ||
	    in->seg == INSN_SEG_GS)
		lin += vcpu_get_reg(v, VCPU_ES_BASE + in->seg);
	if (mode != INSN_MODE_64)
		lin = (uint32_t)lin;
	return lin == e->mmio.gla;
}

int vcpu_emulate_mmio(struct vcpu *v, uint64_t gpa)
{
	struct vm *vm = v->vm;
	uint64_t pdpte[4], regs[16], rflags, rip, lin;
	uint32_t pf_err = 0;
	struct mmio_access a = { .vm = vm };
	uint8_t bytes[INSN_MAX_LEN];
	struct gpt_ctx g;
	enum insn_mode mode;

	vcpu_guest_walker(v, &g);
	struct insn in;
	uint64_t pf_addr = 0;
	unsigned int access = GPT_FETCH;
	int r;

	rflags = g.rflags;
	mode = insn_cpu_mode(g.cr0 & X86_CR0_PE, rflags & RFLAGS_VM,
			     g.efer & EFER_LMA, vcpu_get_reg(v, VCPU_CS_LONG),
			     vcpu_get_reg(v, VCPU_CS_DB));
	if ((g.cr0 & X86_CR0_PG) && (g.cr4 & X86_CR4_PAE) && !(g.efer & EFER_LMA)) {
		for (int i = 0; i < 4; i++)
			pdpte[i] = vcpu_get_reg(v, VCPU_PDPTE0 + i);
		g.pdpte = pdpte;
	}
	if (vcpu_get_reg(v, VCPU_CPL) == 3)
		access |= GPT_USER;
	rip = v->exit.rip;
	lin = vcpu_get_reg(v, VCPU_CS_BASE) + rip;
	if (mode != INSN_MODE_64)
		lin = (uint32_t)lin;

	r = gpt_read_virt(&g, lin, bytes, sizeof(bytes), access, &pf_err,
			  &pf_addr);
	if (r == -EFAULT && pf_addr > lin) {
		/* Only the tail faulted: the instruction may end before it. */
		r = insn_decode(&in, bytes, pf_addr - lin, mode);
		if (r == -EINVAL) {
			inject_pf(v, pf_addr, pf_err);
			return 0;
		}
	} else if (r == -EFAULT) {
		inject_pf(v, pf_addr, pf_err);
		return 0;
	} else if (r) {
		return r;
	} else {
		r = insn_decode(&in, bytes, sizeof(bytes), mode);
	}
	if (r)
		return r;

	regs_out(&v->regs, vcpu_get_reg(v, VCPU_RSP), regs);
	/*
	 * The bytes at RIP were read after the exit: another vCPU may have
	 * rewritten them since. What they say must be what faulted: the
	 * direction the exit reports and, where the CPU gave it, the
	 * linear address. Otherwise the guest runs the instruction again
	 * and exits for what it really does.
	 */
	if (!access_matches(v, &in, regs, rip, mode)) {
		v->nr_mmio_retry++;
		return 0;
	}
	a.dev = mmio_find(&vm->mmio, gpa, in.op_size, &a.off);
	if (a.dev < 0)
		return -ENOENT;
	r = insn_emulate(&in, regs, &rflags, dev_read, dev_write, &a);
	if (r)
		return r;
	regs_in(&v->regs, regs);
	vcpu_set_reg(v, VCPU_RFLAGS, rflags);
	if (mode != INSN_MODE_64)
		rip = mode == INSN_MODE_32 ? (uint32_t)(rip + in.len) :
					     (uint16_t)(rip + in.len);
	else
		rip += in.len;
	vcpu_set_reg(v, VCPU_RIP, rip);
	vendor_end_shadow(v);
	return 0;
}
