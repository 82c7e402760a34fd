// SPDX-License-Identifier: GPL-2.0
/*
 * ifquirk: no virtual interrupt may reach a vCPU while it has interrupts
 * off. This is the pattern that hung Linux guests under Bochs 2.7
 * (vmx/intr.c, "The VID guard"), made deterministic:
 *
 *   vCPU 1 spins with IF = 1. vCPU 0 sends it vector A. A's handler runs
 *   with IF = 0 (an interrupt gate), queues vector B to itself (x2APIC
 *   self-IPI, as Linux's irq_work does), EOIs A and then stays in the
 *   handler with IF = 0 for a while, as a handler holding a lock would.
 *   Meanwhile vCPU 0 sends vector C a few times, so vCPU 1's pCPU takes
 *   host interrupts in guest mode while B is pending.
 *
 * A correct CPU (or a hypervisor that works around Bochs) delivers B and
 * C only after A's IRET. Bochs 2.7 without the guard delivers B nested
 * inside A, with IF = 0 in the interrupted frame. Every B/C delivery
 * records the interrupted EFLAGS.
 *
 *	rounds=N	A handlers (default 6)
 *	ipis=N		C IPIs sent into each handler (default 4)
 *	gap_us=N	microseconds between two C IPIs (default 150)
 *	stuck_ms=N	instead: vCPU 1 spins with IF = 0 for N ms while one
 *			C IPI waits for it, then takes it (default 0: off).
 *			With N > 1000 hvisor's pending-interrupt watch must
 *			dump vCPU 1 (test-bochs-watchdog.sh)
 *
 * Prints per round and at the end
 *	"ifquirk: R rounds, S IPIs sent, D delivered, K with IF=0"
 * and exits 0 when K is 0 and every round took B after A returned,
 * 1 when an interrupt arrived with IF = 0, 2 when B or C got lost.
 * Runs with 2 vCPUs on 2 pCPUs (scheduler = partition keeps vCPU 1 in
 * guest mode on its own pCPU).
 */
#include "libguest.h"

#define MSR_APIC_BASE		0x1b
#define APIC_BASE_EXTD		(1u << 10)
#define APIC_BASE_EN		(1u << 11)
#define X2_SVR			0x80f
#define X2_TPR			0x808
#define X2_ICR			0x830
#define SVR_ENABLE		(1u << 8)
#define ICR_ASSERT		(1u << 14)
#define VEC_A			0x41
#define VEC_B			0x52	/* queued by A's handler */
#define VEC_C			0x63	/* vCPU 0's stream of IPIs */

enum ifq_fail {
	IFQ_IF0 = 1,
	IFQ_LOST,
	IFQ_ARGS,
	IFQ_START,
};

/*
 * Shared with the stubs. ifq_in_a: A's handler is running; ifq_a_until:
 * the TSC at which it returns; ifq_count/ifq_if0: B and C deliveries, and
 * those whose interrupted EFLAGS had IF = 0.
 */
volatile uint32_t ifq_count, ifq_if0, ifq_last_flags, ifq_in_a, ifq_a_count;
volatile uint64_t ifq_a_until;

/*
 * A's handler: self-IPI B (MSR 0x83f), EOI (MSR 0x80b), then spin until
 * ifq_a_until with interrupts off.
 */
asm(".pushsection .text\n"
    ".globl ifq_stub_a\n"
    "ifq_stub_a:\n"
    "	pushal\n"
    "	movl $0x83f, %ecx\n"
    "	movl $0x52, %eax\n"
    "	xorl %edx, %edx\n"
    "	wrmsr\n"
    "	movl $0x80b, %ecx\n"
    "	xorl %eax, %eax\n"
    "	wrmsr\n"
    "	lock incl ifq_a_count\n"
    "	movl $1, ifq_in_a\n"
    "1:	rdtsc\n"
    "	cmpl ifq_a_until+4, %edx\n"
    "	jb 1b\n"
    "	ja 2f\n"
    "	cmpl ifq_a_until, %eax\n"
    "	jb 1b\n"
    "2:	movl $0, ifq_in_a\n"
    "	popal\n"
    "	iret\n"

    /* B and C: count, note IF of the interrupted frame, EOI. */
    ".globl ifq_stub_bc\n"
    "ifq_stub_bc:\n"
    "	pushl %eax\n"
    "	pushl %ecx\n"
    "	pushl %edx\n"
    "	movl 20(%esp), %eax\n"		/* EFLAGS, above EIP and CS */
    "	movl %eax, ifq_last_flags\n"
    "	testl $0x200, %eax\n"
    "	jnz 1f\n"
    "	lock incl ifq_if0\n"
    "1:	lock incl ifq_count\n"
    "	movl $0x80b, %ecx\n"
    "	xorl %eax, %eax\n"
    "	xorl %edx, %edx\n"
    "	wrmsr\n"
    "	popl %edx\n"
    "	popl %ecx\n"
    "	popl %eax\n"
    "	iret\n"
    ".popsection\n");
extern const uint8_t ifq_stub_a[], ifq_stub_bc[];

struct idt_gate {
	uint16_t off_lo, sel;
	uint8_t zero, type;
	uint16_t off_hi;
} __attribute__((packed));

/* Point @vec's gate in libguest's shared IDT at @stub. */
static void hook(uint32_t vec, const uint8_t *stub)
{
	struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) idtr;
	struct idt_gate *g;

	asm volatile("sidt %0" : "=m"(idtr));
	g = (struct idt_gate *)idtr.base + vec;
	g->off_lo = (uint32_t)stub & 0xffff;
	g->off_hi = (uint32_t)stub >> 16;
}

static void x2apic_on(void)
{
	wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | APIC_BASE_EN | APIC_BASE_EXTD);
	wrmsr(X2_SVR, SVR_ENABLE | 0xff);
	wrmsr(X2_TPR, 0);
}

static void send(uint32_t dest, uint32_t vec)
{
	wrmsr(X2_ICR, ((uint64_t)dest << 32) | ICR_ASSERT | vec);
}

static void busy_us(uint64_t us)
{
	uint64_t end = rdtsc() + us_to_tsc(us);

	while (rdtsc() < end)
		;
}

static volatile uint32_t ap_ready, freeze;

/* vCPU 1: interrupts on, waiting to be interrupted (or frozen at IF = 0). */
static void target(uint32_t index)
{
	x2apic_on();
	ap_ready = 1;
	sti();
	for (;;) {
		if (freeze) {
			cli();
			freeze = 2;
			while (freeze)
				;
			sti();
		}
		asm volatile("pause");
	}
}

/* stuck_ms: one interrupt left pending behind IF = 0 for @ms. */
static int stuck(uint32_t ms)
{
	uint64_t t;

	freeze = 1;
	while (freeze != 2)
		asm volatile("pause");
	send(1, VEC_C);
	guest_printf("ifquirk: vCPU 1 spins with IF=0 for %u ms, vector %#x pending\n",
		     ms, VEC_C);
	busy_us((uint64_t)ms * 1000);
	freeze = 0;
	t = rdtsc() + us_to_tsc(100000);
	while (!ifq_count && rdtsc() < t)
		asm volatile("pause");
	guest_printf("ifquirk: stuck: %u delivered, %u with IF=0\n", ifq_count,
		     ifq_if0);
	return ifq_if0 ? IFQ_IF0 : ifq_count ? 0 : IFQ_LOST;
}

int guest_main(uint32_t magic, uint32_t mbi)
{
	uint32_t rounds, ipis, gap_us, stuck_ms, sent = 0, lost = 0;

	if (guest_arg_u32("rounds", 6, &rounds) ||
	    guest_arg_u32("ipis", 4, &ipis) ||
	    guest_arg_u32("gap_us", 150, &gap_us) ||
	    guest_arg_u32("stuck_ms", 0, &stuck_ms))
		return IFQ_ARGS;
	x2apic_on();
	hook(VEC_A, ifq_stub_a);
	hook(VEC_B, ifq_stub_bc);
	hook(VEC_C, ifq_stub_bc);
	if (guest_start_vcpus(2, target))
		return IFQ_START;
	while (!ap_ready)
		asm volatile("pause");
	if (stuck_ms)
		return stuck(stuck_ms);
	for (uint32_t r = 1; r <= rounds; r++) {
		uint32_t before = ifq_count;
		uint64_t t;

		/* A's handler stays at IF = 0 while the C IPIs go out. */
		ifq_a_until = rdtsc() + us_to_tsc((uint64_t)(ipis + 3) * gap_us);
		send(1, VEC_A);
		t = rdtsc() + us_to_tsc(100000);
		while (!ifq_in_a && ifq_a_count < r && rdtsc() < t)
			asm volatile("pause");
		for (uint32_t i = 0; i < ipis; i++) {
			busy_us(gap_us);
			send(1, VEC_C);
			sent++;
		}
		/* Let A return and B and C come in. */
		t = rdtsc() + us_to_tsc(100000);
		while ((ifq_in_a || ifq_count - before < 2) && rdtsc() < t)
			asm volatile("pause");
		if (ifq_a_count != r || ifq_count - before < 2)
			lost++;
		guest_printf("ifquirk: round %u: A taken %u, %u B/C delivered, %u with IF=0 so far (last EFLAGS %x)\n",
			     r, ifq_a_count, ifq_count - before, ifq_if0,
			     ifq_last_flags);
	}
	guest_printf("ifquirk: %u rounds, %u IPIs sent, %u delivered, %u with IF=0\n",
		     rounds, sent + rounds, ifq_count, ifq_if0);
	if (ifq_if0)
		return IFQ_IF0;
	if (lost)
		return IFQ_LOST;
	guest_puts("ifquirk: PASS\n");
	return 0;
}
