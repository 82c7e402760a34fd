// SPDX-License-Identifier: GPL-2.0
/*
 * apstart: starts vCPU 1 the way Asterinas does, through the vLAPIC
 * alone (no hypercall): INIT to all-excluding-self, an INIT de-assert to
 * all-including-self (which must do nothing, least of all reset us),
 * then SIPI with vector 0x08 twice. vCPU 1 must come up in real mode at
 * 0x8000, switch itself to 32-bit protected mode and check in, once.
 *
 * Prints "apstart: vCPU 1 checked in (APIC ID 1, 1 time)" and
 * "apstart: PASS", or what went wrong.
 */
#include "libguest.h"

enum apstart_fail {
	FAIL_NO_X2APIC = 1,
	FAIL_TIMEOUT,
	FAIL_TWICE,
	FAIL_ID,
	FAIL_BSP_RESET,
};

#define TRAMP		0x8000
#define SIPI_VECTOR	(TRAMP >> 12)
#define MSR_APIC_BASE	0x1b
#define MSR_ICR		0x830
#define ICR_INIT	(5u << 8)
#define ICR_SIPI	(6u << 8)
#define ICR_ASSERT	(1u << 14)
#define ICR_LEVEL	(1u << 15)
#define SH_ALL		(2u << 18)
#define SH_OTHERS	(3u << 18)

volatile uint32_t ap_checkins;
volatile uint32_t ap_apic_id;
static uint8_t ap_stack[4096] __attribute__((aligned(16)));
uint32_t ap_stack_top = (uint32_t)(ap_stack + sizeof(ap_stack));

void ap_main(void);

/* Runs on vCPU 1 in 32-bit protected mode, on its own stack. */
void ap_main(void)
{
	struct regs4 r;

	cpuid(1, 0, &r);
	ap_apic_id = r.ebx >> 24;
	__atomic_add_fetch(&ap_checkins, 1, __ATOMIC_SEQ_CST);
	for (;;)
		asm volatile("sti; hlt");
}

/*
 * The real-mode start-up code, copied to 0x8000: flat 32-bit segments,
 * then a far jump to ap_entry32. Linked at 1 MiB with the rest of the
 * guest, so every address inside it is computed from tramp_start.
 */
asm(".section .rodata\n"
    ".code16\n"
    ".globl tramp_start, tramp_end\n"
    "tramp_start:\n"
    "	cli\n"
    "	xorw %ax, %ax\n"
    "	movw %ax, %ds\n"
    "	lgdtl (0x8000 + tramp_gdtr - tramp_start)\n"
    "	movl %cr0, %eax\n"
    "	orl $1, %eax\n"
    "	movl %eax, %cr0\n"
    "	ljmpl $0x08, $(0x8000 + tramp_pm - tramp_start)\n"
    ".code32\n"
    "tramp_pm:\n"
    "	movw $0x10, %ax\n"
    "	movw %ax, %ds\n"
    "	movw %ax, %es\n"
    "	movw %ax, %ss\n"
    "	movl ap_stack_top, %esp\n"
    "	movl $ap_main, %eax\n"
    "	jmp *%eax\n"
    ".balign 8\n"
    "tramp_gdt:\n"
    "	.quad 0\n"
    "	.quad 0x00cf9a000000ffff\n"
    "	.quad 0x00cf92000000ffff\n"
    "tramp_gdtr:\n"
    "	.short 23\n"
    "	.long 0x8000 + tramp_gdt - tramp_start\n"
    "tramp_end:\n"
    ".previous\n");

extern const char tramp_start[], tramp_end[];

static void icr(uint32_t low)
{
	wrmsr(MSR_ICR, low);	/* x2APIC: destination unused with shorthands */
}

int guest_main(uint32_t magic, uint32_t mbi)
{
	uint64_t deadline;
	struct regs4 r;
	uint32_t n;

	cpuid(1, 0, &r);
	if (!(r.ecx & (1u << 21)))
		return FAIL_NO_X2APIC;
	for (n = 0; n < (uint32_t)(tramp_end - tramp_start); n++)
		((volatile uint8_t *)TRAMP)[n] = tramp_start[n];
	wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | (1u << 10) | (1u << 11));

	icr(SH_OTHERS | ICR_INIT | ICR_ASSERT | ICR_LEVEL);
	icr(SH_ALL | ICR_INIT | ICR_LEVEL);		/* de-assert: a no-op */
	icr(SH_OTHERS | ICR_SIPI | SIPI_VECTOR);
	icr(SH_OTHERS | ICR_SIPI | SIPI_VECTOR);	/* the second is ignored */

	deadline = rdtsc() + us_to_tsc(100000);
	while (!ap_checkins && rdtsc() < deadline)
		asm volatile("pause");
	if (!ap_checkins) {
		guest_puts("apstart: FAIL: vCPU 1 did not check in within 100 ms\n");
		return FAIL_TIMEOUT;
	}
	/* Give a wrong second start time to show itself. */
	deadline = rdtsc() + us_to_tsc(5000);
	while (rdtsc() < deadline)
		asm volatile("pause");
	if (ap_checkins != 1) {
		guest_printf("apstart: FAIL: vCPU 1 started %u times\n", ap_checkins);
		return FAIL_TWICE;
	}
	if (ap_apic_id != 1) {
		guest_printf("apstart: FAIL: the AP has APIC ID %u, want 1\n", ap_apic_id);
		return FAIL_ID;
	}
	/* The INIT de-assert to all-including-self must not have reset us. */
	if (!(rdmsr(MSR_APIC_BASE) & (1u << 10))) {
		guest_puts("apstart: FAIL: our vLAPIC left x2APIC mode (reset by INIT?)\n");
		return FAIL_BSP_RESET;
	}
	guest_printf("apstart: vCPU 1 checked in (APIC ID %u, %u time)\n",
		     ap_apic_id, ap_checkins);
	guest_puts("apstart: PASS\n");
	return 0;
}
