// SPDX-License-Identifier: GPL-2.0
/* VMX capability probing and VMXON, once per physical CPU. */
#include <errno.h>
#include <string.h>
#include "mm/frame.h"
#include "src/arch/x86.h"
#include "src/arch/percpu.h"
#include "src/arch/printk.h"
#include "src/core/vendor.h"
#include "vmx/vmx.h"

#define MSR_VMX_BASIC		0x480
#define MSR_VMX_PINBASED	0x481
#define MSR_VMX_PROCBASED	0x482
#define MSR_VMX_EXIT		0x483
#define MSR_VMX_ENTRY		0x484
#define MSR_VMX_MISC		0x485
#define MSR_VMX_CR0_FIXED0	0x486
#define MSR_VMX_CR0_FIXED1	0x487
#define MSR_VMX_CR4_FIXED0	0x488
#define MSR_VMX_CR4_FIXED1	0x489
#define MSR_VMX_PROCBASED2	0x48b
#define MSR_VMX_EPT_VPID_CAP	0x48c
#define MSR_VMX_TRUE_PIN	0x48d
#define MSR_VMX_TRUE_PROC	0x48e
#define MSR_VMX_TRUE_EXIT	0x48f
#define MSR_VMX_TRUE_ENTRY	0x490

#define FC_LOCK			(1UL << 0)
#define FC_VMX_OUTSIDE_SMX	(1UL << 2)

struct vmx_caps vmx_caps;
struct vmx_cpu vmx_cpus[MAX_CPUS];

bool vmx_supported(void)
{
	return cpuid(1, 0).ecx & (1u << 5);
}

uint32_t vmx_adjust(uint64_t msr_val, uint32_t want)
{
	/* Low half: bits that must be 1. High half: bits that may be 1. */
	return (want | (uint32_t)msr_val) & (uint32_t)(msr_val >> 32);
}

static bool may_set(uint64_t msr_val, int bit)
{
	return (msr_val >> 32) & (1ULL << bit);
}

void vmx_probe(struct vmx_caps *c)
{
	uint64_t basic = rdmsr(MSR_VMX_BASIC);

	memset(c, 0, sizeof(*c));
	c->revision = basic & 0x7fffffff;
	c->true_ctls = basic & (1ULL << 55);
	c->pin = rdmsr(c->true_ctls ? MSR_VMX_TRUE_PIN : MSR_VMX_PINBASED);
	c->proc = rdmsr(c->true_ctls ? MSR_VMX_TRUE_PROC : MSR_VMX_PROCBASED);
	c->exit = rdmsr(c->true_ctls ? MSR_VMX_TRUE_EXIT : MSR_VMX_EXIT);
	c->entry = rdmsr(c->true_ctls ? MSR_VMX_TRUE_ENTRY : MSR_VMX_ENTRY);
	c->misc = rdmsr(MSR_VMX_MISC);
	c->cr0_fixed0 = rdmsr(MSR_VMX_CR0_FIXED0);
	c->cr0_fixed1 = rdmsr(MSR_VMX_CR0_FIXED1);
	c->cr4_fixed0 = rdmsr(MSR_VMX_CR4_FIXED0);
	c->cr4_fixed1 = rdmsr(MSR_VMX_CR4_FIXED1);
	if (may_set(c->proc, 31)) {
		c->proc2 = rdmsr(MSR_VMX_PROCBASED2);
		c->ept = may_set(c->proc2, 1);
		c->vpid = may_set(c->proc2, 5);
		c->unrestricted = may_set(c->proc2, 7);
		c->apic_reg_virt = may_set(c->proc2, 8);
		c->vid = may_set(c->proc2, 9);
	}
	if (c->ept || c->vpid)
		c->ept_vpid = rdmsr(MSR_VMX_EPT_VPID_CAP);
	c->ept_wb = c->ept_vpid & (1ULL << 14);
	c->ept_2m = c->ept_vpid & (1ULL << 16);
	c->ept_1g = c->ept_vpid & (1ULL << 17);
	c->preempt_timer = may_set(c->pin, 6);
	c->posted_intr = may_set(c->pin, 7);
	c->preempt_shift = c->misc & 0x1f;
}

static const char *yn(bool b)
{
	return b ? "yes" : "no";
}

static void print_caps(const struct percpu *cpu, const struct vmx_caps *c)
{
	pr_info("cpu%u: VMX: EPT %s (2M %s, 1G %s), VPID %s, unrestricted guest %s, "
		"preemption timer %s (TSC/%u = %lu kHz), virtual-interrupt delivery %s, "
		"posted interrupts %s\n",
		cpu->id, yn(c->ept), yn(c->ept_2m), yn(c->ept_1g), yn(c->vpid),
		yn(c->unrestricted), yn(c->preempt_timer),
		1u << c->preempt_shift, cpu->tsc_khz >> c->preempt_shift,
		yn(c->vid), yn(c->posted_intr));
}

int vendor_cpu_init(void)
{
	struct percpu *cpu = this_cpu();
	struct vmx_caps c;
	uint64_t fc, pa;
	uint8_t fail;

	spin_lock_init(&vmx_cpus[cpu->id].mbox_lock, LOCK_MBOX);
	vmx_probe(&c);
	print_caps(cpu, &c);
	if (!c.ept || !c.unrestricted || !c.ept_wb) {
		pr_err("cpu%u: VMX lacks EPT with write-back or unrestricted guest\n",
		       cpu->id);
		return -ENOTSUP;
	}
	/* The BSP's capabilities are the ones every VMCS is built from. */
	if (cpu->id == 0)
		vmx_caps = c;

	fc = rdmsr(MSR_IA32_FEATURE_CONTROL);
	if (!(fc & FC_LOCK)) {
		wrmsr(MSR_IA32_FEATURE_CONTROL, fc | FC_LOCK | FC_VMX_OUTSIDE_SMX);
	} else if (!(fc & FC_VMX_OUTSIDE_SMX)) {
		pr_err("cpu%u: VMX is disabled by the firmware (IA32_FEATURE_CONTROL locked)\n",
		       cpu->id);
		return -EPERM;
	}
	write_cr0((read_cr0() | c.cr0_fixed0) & c.cr0_fixed1);
	write_cr4((read_cr4() | c.cr4_fixed0 | X86_CR4_VMXE) & c.cr4_fixed1);

	pa = frame_alloc(1);
	if (!pa)
		return -ENOMEM;
	memset((void *)pa, 0, 4096);
	*(uint32_t *)pa = c.revision;
	asm volatile("vmxon %1; setna %0" : "=q"(fail) : "m"(pa) : "cc", "memory");
	if (fail) {
		pr_err("cpu%u: VMXON failed\n", cpu->id);
		return -EIO;
	}
	vmx_cpus[cpu->id].vmxon_pa = pa;
	cpu->virt_on = true;
	return 0;
}
