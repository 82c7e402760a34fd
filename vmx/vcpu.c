// SPDX-License-Identifier: GPL-2.0
/*
 * A vCPU's VMCS and what goes into it: controls, host state, the guest's
 * start-up state. Getting it onto a pCPU and running it is vmx/run.c's.
 */
#include <errno.h>
#include <string.h>
#include "mm/frame.h"
#include "src/arch/cpu.h"
#include "src/arch/lapic.h"
#include "src/arch/percpu.h"
#include "src/arch/x86.h"
#include "src/core/vendor.h"
#include "src/core/vm.h"
#include "vmx/cr.h"
#include "vmx/intr.h"
#include "vmx/vcpu.h"
#include "vmx/vmcs.h"
#include "vmx/vmx.h"

extern char vmx_exit_stub[];

int vendor_vcpu_create(struct vcpu *v)
{
	/* A restart keeps the pages (vcpu_create() hands them back). */
	struct vcpu_vendor *x = v->vendor;
	uint64_t vmcs = x ? x->vmcs_pa : 0;

	_Static_assert(sizeof(*x) <= 4096, "one page");
	if (x && x->vmcs_cpu != VMCS_NOWHERE)
		return -EBUSY;		/* vendor_vcpu_release() first */
	if (!x)
		x = (void *)frame_alloc(1);
	if (!x)
		return -ENOMEM;
	memset(x, 0, sizeof(*x));
	v->vendor = x;
	x->vmcs_cpu = VMCS_NOWHERE;
	x->dr[4] = 0xffff0ff0;		/* DR6 at reset */
	if (!vmcs)
		vmcs = frame_alloc(1);
	x->vmcs_pa = vmcs;
	if (!x->vmcs_pa)
		return -ENOMEM;
	memset((void *)x->vmcs_pa, 0, 4096);
	*(uint32_t *)x->vmcs_pa = vmx_caps.revision;
	return 0;
}

static void setup_controls(struct vcpu *v)
{
	const struct vmx_caps *c = &vmx_caps;
	uint32_t proc2 = PROC2_EPT | PROC2_UNRESTRICTED | PROC2_RDTSCP | PROC2_PLE |
			 PROC2_WBINVD;
	uint32_t pin = PIN_EXT_INTR | PIN_NMI;

	/* Virtual NMIs: the CPU tracks the guest's NMI blocking for us. */
	if ((c->pin >> 32) & PIN_VIRTUAL_NMI)
		pin |= PIN_VIRTUAL_NMI;

	if (c->vpid && v->vpid)
		proc2 |= PROC2_VPID;
	if (c->preempt_timer)
		pin |= PIN_PREEMPT_TIMER;
	vmcs_write(PIN_CONTROLS, vmx_adjust(c->pin, pin));
	/*
	 * MWAIT could park the pCPU where the preemption timer may not
	 * count, MONITOR arms it, WBINVD stalls every core's caches, RDPMC
	 * reads the host's counters: all exit (INVD always does).
	 */
	vmcs_write(PROC_CONTROLS, vmx_adjust(c->proc,
		   PROC_TSC_OFFSET | PROC_HLT | PROC_UNCOND_IO |
		   PROC_MSR_BITMAP | PROC_SECONDARY | PROC_MWAIT |
		   PROC_MONITOR | PROC_RDPMC));
	vmcs_write(TSC_OFFSET, v->tsc_offset);
	vmcs_write(MSR_BITMAP, v->vm->vendor->msr_bitmap);
	vmcs_write(PROC_CONTROLS2, vmx_adjust(c->proc2, proc2));
	vmcs_write(EXIT_CONTROLS, vmx_adjust(c->exit,
		   EXIT_HOST_64 | EXIT_ACK_INTR | EXIT_SAVE_PAT |
		   EXIT_LOAD_PAT | EXIT_SAVE_EFER | EXIT_LOAD_EFER));
	vmcs_write(ENTRY_CONTROLS, vmx_adjust(c->entry,
		   ENTRY_LOAD_PAT | ENTRY_LOAD_EFER));
	vmcs_write(EXCEPTION_BITMAP, 0);
	vmcs_write(CR3_TARGET_COUNT, 0);
	vmcs_write(EXIT_MSR_STORE_COUNT, 0);
	vmcs_write(EXIT_MSR_LOAD_COUNT, 0);
	vmcs_write(ENTRY_MSR_LOAD_COUNT, 0);
	vmcs_write(ENTRY_INTR_INFO, 0);
	vmcs_write(VMCS_LINK_PTR, ~0ULL);
	vmcs_write(EPT_POINTER, ept_eptp(&v->vm->ept));
	if (proc2 & PROC2_VPID)
		vmcs_write(VPID, v->vpid);
	/*
	 * The guest sees the CR0/CR4 it wrote; bits VMX forces on (NE,
	 * VMXE) and the cache-disable pair are owned by us and hidden
	 * behind the read shadows (vmx/cr.h).
	 */
	vmcs_write(CR0_GUEST_HOST_MASK, CR0_HOST_OWNED);
	vmcs_write(CR4_GUEST_HOST_MASK, CR4_HOST_OWNED);
	/*
	 * PAUSE-loop exiting: a guest spinning on a lock held by a vCPU
	 * that is not running yields instead of burning its slice. Gap and
	 * window in TSC cycles, about what KVM uses.
	 */
	vmcs_write(PLE_GAP, 128);
	vmcs_write(PLE_WINDOW, 4096);
}

void vmx_vcpu_host(void)
{
	struct percpu *cpu = this_cpu();
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) idtr;

	asm volatile("sidt %0" : "=m"(idtr));
	vmcs_write(HOST_CR0, read_cr0());
	vmcs_write(HOST_CR3, read_cr3());
	vmcs_write(HOST_CR4, read_cr4());
	vmcs_write(HOST_CS_SEL, SEL_CODE);
	vmcs_write(HOST_SS_SEL, SEL_DATA);
	vmcs_write(HOST_DS_SEL, SEL_DATA);
	vmcs_write(HOST_ES_SEL, SEL_DATA);
	vmcs_write(HOST_FS_SEL, 0);
	vmcs_write(HOST_GS_SEL, 0);
	vmcs_write(HOST_TR_SEL, SEL_TSS);
	vmcs_write(HOST_FS_BASE, (uint64_t)cpu);
	vmcs_write(HOST_GS_BASE, (uint64_t)cpu);
	vmcs_write(HOST_TR_BASE, (uint64_t)cpu->tss);
	vmcs_write(HOST_GDTR_BASE, (uint64_t)cpu->gdt);
	vmcs_write(HOST_IDTR_BASE, idtr.base);
	vmcs_write(HOST_SYSENTER_CS, 0);
	vmcs_write(HOST_SYSENTER_ESP, 0);
	vmcs_write(HOST_SYSENTER_EIP, 0);
	vmcs_write(HOST_IA32_PAT, rdmsr(MSR_IA32_PAT));
	vmcs_write(HOST_IA32_EFER, rdmsr(MSR_EFER));
	vmcs_write(HOST_RIP, (uint64_t)vmx_exit_stub);
}

static void set_seg(enum vmcs_field sel, uint16_t s, uint32_t ar,
		    uint64_t base, uint32_t limit)
{
	/* Selector, limit, AR and base fields keep the same order. */
	vmcs_write(sel, s);
	vmcs_write(GUEST_ES_LIMIT + (sel - GUEST_ES_SEL), limit);
	vmcs_write(GUEST_ES_AR + (sel - GUEST_ES_SEL), ar);
	vmcs_write(GUEST_ES_BASE + (sel - GUEST_ES_SEL), base);
}

static void setup_guest(struct vcpu *v)
{
	const struct vmx_caps *c = &vmx_caps;
	bool real = v->boot.mode == VCPU_MODE_REAL;
	bool lm = v->boot.mode == VCPU_MODE_LONG64;
	uint64_t cr0 = (real ? 0 : X86_CR0_PE) | (1UL << 4);	/* PE | ET */
	uint64_t cr4 = lm ? X86_CR4_PAE : 0;
	uint32_t entry = vmcs_read(ENTRY_CONTROLS);
	static const enum vmcs_field data_segs[] = {
		GUEST_SS_SEL, GUEST_DS_SEL, GUEST_ES_SEL, GUEST_FS_SEL,
		GUEST_GS_SEL,
	};

	if (lm)
		cr0 |= X86_CR0_PG;
	vmcs_write(CR0_READ_SHADOW, cr0);
	vmcs_write(GUEST_CR0, (cr0 | X86_CR0_NE | (c->cr0_fixed0 &
		   ~(X86_CR0_PE | X86_CR0_PG))) & c->cr0_fixed1);
	vmcs_write(CR4_READ_SHADOW, cr4);
	vmcs_write(GUEST_CR4, (cr4 | c->cr4_fixed0 | X86_CR4_VMXE) & c->cr4_fixed1);
	vmcs_write(GUEST_CR3, lm ? v->boot.cr3 : 0);
	/* IA-32e mode at entry must match EFER.LMA. */
	vmcs_write(ENTRY_CONTROLS, lm ? entry | ENTRY_IA32E : entry & ~ENTRY_IA32E);
	vmcs_write(GUEST_DR7, 0x400);
	vmcs_write(GUEST_RSP, v->boot.rsp);
	vmcs_write(GUEST_RIP, v->boot.rip);
	vmcs_write(GUEST_RFLAGS, 0x2);

	if (real) {
		/* After SIPI: CS = vector << 8, base vector << 12, 64 KiB limits. */
		set_seg(GUEST_CS_SEL, v->boot.cs, AR_CODE16, (uint64_t)v->boot.cs << 4,
			0xffff);
		for (unsigned int i = 0; i < 5; i++)
			set_seg(data_segs[i], 0, AR_DATA16, 0, 0xffff);
	} else if (lm) {
		/* The Linux boot protocol's selectors: __BOOT_CS, __BOOT_DS. */
		set_seg(GUEST_CS_SEL, 0x10, AR_CODE64, 0, 0xffffffff);
		for (unsigned int i = 0; i < 5; i++)
			set_seg(data_segs[i], 0x18, AR_DATA32, 0, 0xffffffff);
	} else {
		set_seg(GUEST_CS_SEL, 0x08, AR_CODE32, 0, 0xffffffff);
		for (unsigned int i = 0; i < 5; i++)
			set_seg(data_segs[i], 0x10, AR_DATA32, 0, 0xffffffff);
	}
	vmcs_write(GUEST_TR_SEL, 0);
	vmcs_write(GUEST_TR_LIMIT, 0xffff);
	vmcs_write(GUEST_TR_AR, AR_TSS_BUSY);
	vmcs_write(GUEST_TR_BASE, 0);
	vmcs_write(GUEST_LDTR_SEL, 0);
	vmcs_write(GUEST_LDTR_LIMIT, 0);
	vmcs_write(GUEST_LDTR_AR, AR_UNUSABLE);
	vmcs_write(GUEST_LDTR_BASE, 0);
	vmcs_write(GUEST_GDTR_BASE, lm ? v->boot.gdt : 0);
	vmcs_write(GUEST_GDTR_LIMIT, lm ? 0x1f : 0xffff);
	vmcs_write(GUEST_IDTR_BASE, 0);
	vmcs_write(GUEST_IDTR_LIMIT, 0xffff);

	vmcs_write(GUEST_IA32_DEBUGCTL, 0);
	vmcs_write(GUEST_IA32_PAT, 0x0007040600070406ULL);
	vmcs_write(GUEST_IA32_EFER, lm ? EFER_LME | EFER_LMA : 0);
	vmcs_write(GUEST_SYSENTER_CS, 0);
	vmcs_write(GUEST_SYSENTER_ESP, 0);
	vmcs_write(GUEST_SYSENTER_EIP, 0);
	vmcs_write(GUEST_ACTIVITY_STATE, 0);
	vmcs_write(GUEST_INTERRUPTIBILITY, 0);
	vmcs_write(GUEST_PENDING_DBG, 0);

	memset(&v->regs, 0, sizeof(v->regs));
	v->regs.rax = v->boot.rax;
	v->regs.rbx = v->boot.rbx;
	v->regs.rsi = v->boot.rsi;
}

void vmx_vcpu_configure(struct vcpu *v)
{
	setup_controls(v);
	if (v->lapic)
		intr_method->setup(v);
	setup_guest(v);
}

void vendor_end_shadow(struct vcpu *v)
{
	uint32_t intr = vmcs_read(GUEST_INTERRUPTIBILITY);

	if (intr & 3)
		vmcs_write(GUEST_INTERRUPTIBILITY, intr & ~3u);
}

uint32_t vcpu_host_ndst(void)
{
	uint32_t id = this_cpu()->apic_id;

	/* SDM 30.6: xAPIC destinations sit in bits 15:8 of NDST. */
	return lapic_x2apic() ? id : id << 8;
}
