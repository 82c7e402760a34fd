// SPDX-License-Identifier: GPL-2.0
/*
 * Which MSR accesses exit (the MSR bitmaps) and the MSRs VMX does not
 * switch, which travel with the vCPU instead. The policy for the accesses
 * that exit is the core's (src/core/msr.c).
 */
#include <string.h>
#include "mm/frame.h"
#include "src/arch/x86.h"
#include "vmx/msr.h"

#define MSR_STAR		0xc0000081
#define MSR_LSTAR		0xc0000082
#define MSR_CSTAR		0xc0000083
#define MSR_SFMASK		0xc0000084
#define MSR_TSC_AUX		0xc0000103

static const uint32_t switched[NR_SWITCHED_MSRS] = {
	MSR_KERNEL_GS_BASE, MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SFMASK,
	MSR_TSC_AUX,
};

/* Held in the VMCS guest state, so a direct access is safe. */
static const uint32_t in_vmcs[] = {
	MSR_FS_BASE, MSR_GS_BASE, MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP,
	MSR_IA32_SYSENTER_EIP, MSR_IA32_PAT,
};

static uint8_t *bitmap;

/* Clear the exit bit for reads (@write false) or writes of @msr. */
static void pass(uint32_t msr, bool write)
{
	uint32_t base = write ? 2048 : 0;

	if (msr >= 0xc0000000) {
		base += 1024;
		msr -= 0xc0000000;
	}
	bitmap[base + msr / 8] &= ~(1u << (msr % 8));
}

uint64_t msr_bitmap_init(void)
{
	uint64_t pa = frame_alloc(1);

	if (!pa)
		return 0;
	bitmap = (uint8_t *)pa;
	memset(bitmap, 0xff, 4096);
	for (unsigned int i = 0; i < NR_SWITCHED_MSRS; i++) {
		pass(switched[i], false);
		pass(switched[i], true);
	}
	for (unsigned int i = 0; i < sizeof(in_vmcs) / sizeof(in_vmcs[0]); i++) {
		pass(in_vmcs[i], false);
		pass(in_vmcs[i], true);
	}
	/* EFER reads are harmless; writes must keep IA-32e mode in step. */
	pass(MSR_EFER, false);
	return pa;
}

uint64_t msr_bitmap_x2apic_vid(uint64_t base, bool tpr, bool self_ipi)
{
	uint64_t pa = frame_alloc(1);
	uint8_t *keep = bitmap;

	if (!pa)
		return 0;
	memcpy((void *)pa, (void *)base, 4096);
	bitmap = (uint8_t *)pa;
	/*
	 * x2APIC virtualization: reads come from the virtual-APIC page
	 * (not the current count, which the CPU does not keep there);
	 * EOI writes are virtualized, and TPR and self-IPI writes where
	 * asked (the VID guard needs them to exit, vmx/intr.c). Everything
	 * else still exits to the vLAPIC model.
	 */
	for (uint32_t msr = 0x800; msr <= 0x8ff; msr++)
		if (msr != 0x839)
			pass(msr, false);
	if (tpr)
		pass(0x808, true);
	pass(0x80b, true);
	if (self_ipi)
		pass(0x83f, true);
	bitmap = keep;
	return pa;
}

void msr_state_save(struct msr_state *s)
{
	for (unsigned int i = 0; i < NR_SWITCHED_MSRS; i++)
		s->val[i] = rdmsr(switched[i]);
}

void msr_state_load(const struct msr_state *s)
{
	for (unsigned int i = 0; i < NR_SWITCHED_MSRS; i++)
		wrmsr(switched[i], s->val[i]);
}
