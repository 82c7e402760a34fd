// SPDX-License-Identifier: GPL-2.0
/*
 * hostile: a guest that tries what issue 17 lists, one item after the
 * other, beside a well-behaved guest (tests/configs/hostile.ini: a
 * sleeper sharing pCPU 0). hvisor must keep the other guest within its
 * bounds, print a clean summary, and stop this one only when it asks
 * for it (the last item resets it from every vCPU at once).
 *
 *   pit        channel 0 at reload 1 (838 ns) through the I/O APIC for
 *              50 ms: at most one interrupt per 100 us may come
 *   msr-flood  20000 reads of two unknown MSRs, alternating: each #GP,
 *              hvisor's log of them rate limited
 *   insns      2000 rounds of MONITOR, MWAIT, WBINVD, INVD, RDPMC (#GP)
 *              and VMXOFF (#UD)
 *   ipi-storm  100000 self-IPIs, taken as they come
 *   sipi-loop  1000 SIPIs to vCPU 1 (running) and to itself
 *   virtq      its virtio-blk (virtio-mmio slot 0), 50 rounds of four
 *              broken requests, each after a device reset: a buffer
 *              outside its RAM, a chain that loops, a length of 4 GiB,
 *              a head index past the queue; each must leave the device
 *              in NEEDS_RESET and nothing else (hvisor logs 10 and
 *              counts the rest)
 *   ioapic     20000 mask/unmask toggles of the PIT's I/O APIC pin while
 *              the PIT runs at reload 1
 *   ring3      VMCALL from ring 3 (its own GDT with user segments and a
 *              TSS, an IRET down, INT 0x80 back up): #UD, never a
 *              hypercall
 *   mmio-race  vCPU 1 rewrites an MMIO instruction between a load and a
 *              store of the same register while vCPU 0 runs it 20000
 *              times: hvisor must emulate what faulted, or nothing
 *   reset-all  vCPU 1 writes 0xCF9 while vCPU 0 pulses the keyboard
 *              controller's reset line and then triple-faults: every
 *              reset path at once; nothing after it may print
 *
 * Each item prints "hostile: ITEM: done (...)" or "FAIL (...)".
 */
#include "libguest.h"

#define APIC_BASE	0xfee00000u
#define APIC_ID		0x020
#define APIC_EOI	0x0b0
#define APIC_SVR	0x0f0
#define APIC_ICR_LO	0x300
#define APIC_ICR_HI	0x310
#define IOAPIC_BASE	0xfec00000u
#define IOAPIC_WIN	0x10
#define PIT_PIN		2	/* IRQ0 through the ISA override */

#define VEC_PIT		0x40
#define VEC_SELF	0x41
#define ICR_FIXED_SELF	(1u << 18 | 1u << 14)	/* shorthand self, assert */
#define ICR_SIPI	(6u << 8 | 1u << 14)

extern const uint8_t user_vmcall[], user_back[];
static volatile uint32_t pit_irqs, self_irqs, n_failed;
static volatile uint32_t go_reset, race_on, race_flips;

static uint32_t apic_read(uint32_t off)
{
	return *(volatile uint32_t *)(APIC_BASE + off);
}

static void apic_write(uint32_t off, uint32_t val)
{
	*(volatile uint32_t *)(APIC_BASE + off) = val;
}

static void ioapic_write(uint32_t reg, uint32_t val)
{
	*(volatile uint32_t *)IOAPIC_BASE = reg;
	*(volatile uint32_t *)(IOAPIC_BASE + IOAPIC_WIN) = val;
}

static void on_pit(uint32_t vec)
{
	pit_irqs++;
	apic_write(APIC_EOI, 0);
}

static void on_self(uint32_t vec)
{
	self_irqs++;
	apic_write(APIC_EOI, 0);
}

#define FAIL(item, fmt, ...)						\
	do {								\
		guest_printf("hostile: %s: FAIL (" fmt ")\n", item,	\
			     ##__VA_ARGS__);				\
		n_failed++;						\
		return;							\
	} while (0)

static void pit_reload_1(void)
{
	uint64_t t0, us;
	uint32_t n;

	pit_irqs = 0;
	ioapic_write(0x10 + 2 * PIT_PIN + 1, apic_read(APIC_ID) & 0xff000000);
	ioapic_write(0x10 + 2 * PIT_PIN, VEC_PIT);	/* edge, unmasked */
	outb(0x43, 0x34);				/* ch 0, mode 2 */
	outb(0x40, 1);
	outb(0x40, 0);
	t0 = rdtsc();
	sti();
	while (rdtsc() - t0 < us_to_tsc(50000))
		;
	cli();
	ioapic_write(0x10 + 2 * PIT_PIN, 1u << 16);	/* masked */
	outb(0x43, 0x30);				/* mode 0: one shot */
	outb(0x40, 0xff);
	outb(0x40, 0xff);
	us = tsc_to_us(rdtsc() - t0);
	n = pit_irqs;
	/* One per 100 us at most, and a few for the edges of the window. */
	if (n > (uint32_t)udiv64_32(us, 100, 0) + 5 || n < 10)
		FAIL("pit", "%u interrupts in %u us at reload 1", n, (uint32_t)us);
	guest_printf("hostile: pit: done (%u interrupts in %u us at reload 1)\n",
		     n, (uint32_t)us);
}

static void msr_flood(void)
{
	uint32_t gp = 0;
	uint64_t v;

	for (uint32_t i = 0; i < 20000; i++)
		if (rdmsr_safe(i & 1 ? 0x12345678 : 0xc0011234, &v))
			gp++;
	if (gp != 20000)
		FAIL("msr-flood", "%u of 20000 reads raised #GP", gp);
	guest_printf("hostile: msr-flood: done (20000 #GP)\n");
}

static void insns(void)
{
	static volatile uint32_t line;
	uint32_t gp = 0, ud = 0;
	uint64_t v;

	for (uint32_t i = 0; i < 2000; i++) {
		asm volatile("monitor" : : "a"(&line), "c"(0), "d"(0) : "memory");
		asm volatile("mwait" : : "a"(0), "c"(0) : "memory");
		asm volatile("wbinvd" : : : "memory");
		asm volatile("invd" : : : "memory");
		gp += rdpmc_safe(i & 7, &v) == -13;
		ud += vmxoff_safe() == -6;
	}
	if (gp != 2000 || ud != 2000)
		FAIL("insns", "RDPMC #GP %u, VMXOFF #UD %u of 2000", gp, ud);
	guest_printf("hostile: insns: done (2000 rounds)\n");
}

static void ipi_storm(void)
{
	self_irqs = 0;
	sti();
	for (uint32_t i = 0; i < 100000; i++)
		apic_write(APIC_ICR_LO, ICR_FIXED_SELF | VEC_SELF);
	guest_delay(1000);
	cli();
	/* Coalesced in the IRR while one is in service: fewer, never more. */
	if (!self_irqs || self_irqs > 100000)
		FAIL("ipi-storm", "%u interrupts for 100000 self-IPIs", self_irqs);
	guest_printf("hostile: ipi-storm: done (%u interrupts for 100000 self-IPIs)\n",
		     self_irqs);
}

static void ioapic_storm(void)
{
	uint64_t t0 = rdtsc();

	pit_irqs = 0;
	ioapic_write(0x10 + 2 * PIT_PIN + 1, apic_read(APIC_ID) & 0xff000000);
	outb(0x43, 0x34);
	outb(0x40, 1);
	outb(0x40, 0);
	sti();
	for (uint32_t i = 0; i < 20000; i++)
		ioapic_write(0x10 + 2 * PIT_PIN, (i & 1) << 16 | VEC_PIT);
	cli();
	ioapic_write(0x10 + 2 * PIT_PIN, 1u << 16);
	outb(0x43, 0x30);
	outb(0x40, 0xff);
	outb(0x40, 0xff);
	guest_printf("hostile: ioapic: done (20000 toggles in %u us, %u PIT interrupts)\n",
		     (uint32_t)tsc_to_us(rdtsc() - t0), pit_irqs);
}

/*
 * The instruction at race_insn, "mov %eax,(%ebx)" (89 03) or "mov
 * (%ebx),%eax" (8b 03) as vCPU 1 flips it, on the I/O APIC's index
 * register (harmless either way): hvisor reads it after the exit and
 * must find it is not what faulted, or emulate it as it now reads.
 */
extern uint8_t race_insn[];

static void __attribute__((noinline)) race_once(uint32_t v)
{
	asm volatile("race_insn: movl %%eax, (%%ebx)"
		     : "+a"(v) : "b"(IOAPIC_BASE) : "memory");
}

static void mmio_race(void)
{
	__atomic_store_n(&race_on, 1, __ATOMIC_RELEASE);
	for (uint32_t i = 0; i < 20000; i++)
		race_once(i & 0x3f);
	__atomic_store_n(&race_on, 0, __ATOMIC_RELEASE);
	while (__atomic_load_n(&race_on, __ATOMIC_ACQUIRE) != 2)
		asm volatile("pause");
	race_insn[0] = 0x89;
	guest_printf("hostile: mmio-race: done (20000 runs, %u flips by vCPU 1)\n",
		     race_flips);
}

/* ---- ring3: a hypercall from user mode ---- */

#define SEL_UCODE	0x1b	/* GDT entry 3, RPL 3 */
#define SEL_UDATA	0x23	/* GDT entry 4, RPL 3 */
#define SEL_TSS		0x28
#define VEC_BACK	0x80	/* INT 0x80 from ring 3: back to ring 0 */

static uint64_t gdt[6] __attribute__((aligned(8)));
static uint32_t tss[26];			/* 104 bytes, 32-bit TSS */
static uint8_t kstack[4096] __attribute__((aligned(16)));
static uint8_t ustack[4096] __attribute__((aligned(16)));
uint32_t ring0_esp;				/* where ring 0 left off */
volatile uint32_t user_vmcall_ran;		/* ring 3 got past VMCALL */

static void on_back(uint32_t vec)
{
	/* From the INT 0x80 frame on the TSS stack straight back: see ring3(). */
	asm volatile("movw $0x10, %%ax\n\t"
		     "movw %%ax, %%ds\n\t"
		     "movw %%ax, %%es\n\t"
		     "movl ring0_esp, %%esp\n\t"
		     "jmp ring0_back" : : : "eax", "memory");
}

static void ring3(void)
{
	struct { uint16_t limit; uint32_t base; } __attribute__((packed)) gdtr, idtr;
	uint32_t t = (uint32_t)tss, vec;
	uint8_t *gate;

	gdt[0] = 0;
	gdt[1] = 0x00cf9a000000ffffull;		/* 0x08: ring 0 code, as libguest */
	gdt[2] = 0x00cf92000000ffffull;		/* 0x10: ring 0 data */
	gdt[3] = 0x00cffa000000ffffull;		/* 0x1b: ring 3 code */
	gdt[4] = 0x00cff2000000ffffull;		/* 0x23: ring 3 data */
	gdt[5] = (sizeof(tss) - 1) | (uint64_t)(t & 0xffffff) << 16 |
		 0x89ull << 40 | (uint64_t)(t >> 24) << 56;
	tss[1] = (uint32_t)kstack + sizeof(kstack);	/* ESP0 */
	tss[2] = 0x10;					/* SS0 */
	tss[25] = sizeof(tss) << 16;			/* no I/O bitmap */
	gdtr.limit = sizeof(gdt) - 1;
	gdtr.base = (uint32_t)gdt;
	asm volatile("lgdt %0\n\tltr %w1" : : "m"(gdtr), "r"(SEL_TSS) : "memory");
	/* INT 0x80 may come from ring 3: its gate gets DPL 3. */
	if (guest_set_irq_handler(VEC_BACK, on_back))
		FAIL("ring3", "no handler for INT 0x80");
	asm volatile("sidt %0" : "=m"(idtr));
	gate = (uint8_t *)idtr.base + 8 * VEC_BACK;
	gate[5] = 0xee;
	user_vmcall_ran = 0;
	guest_fault_arm((uint32_t)user_vmcall, (uint32_t)user_back);
	asm volatile("pushl %%ebp\n\t"
		     "movl %%esp, ring0_esp\n\t"
		     "pushl $0x23\n\t"		/* SS */
		     "pushl %0\n\t"			/* ESP */
		     "pushl $0x2\n\t"			/* EFLAGS: IF off */
		     "pushl $0x1b\n\t"		/* CS */
		     "pushl $1f\n\t"
		     "iret\n"
		     "1:\tmovw $0x23, %%ax\n\t"
		     "movw %%ax, %%ds\n\t"
		     "movw %%ax, %%es\n\t"
		     "movl $1, %%eax\n"		/* a hypercall number */
		     ".globl user_vmcall\n"
		     "user_vmcall:\n\t"
		     "vmcall\n\t"
		     "movl $1, user_vmcall_ran\n"
		     ".globl user_back\n"
		     "user_back:\n\t"
		     "int $0x80\n"
		     ".globl ring0_back\n"
		     "ring0_back:\n\t"
		     "popl %%ebp"
		     : : "r"((uint32_t)ustack + sizeof(ustack))
		     : "eax", "ebx", "ecx", "edx", "esi", "edi", "memory", "cc");
	vec = guest_fault_vector();
	if (user_vmcall_ran || vec != 6)
		FAIL("ring3", "VMCALL from ring 3: %s, vector %u",
		     user_vmcall_ran ? "it ran" : "it faulted", vec);
	guest_printf("hostile: ring3: done (VMCALL at CPL 3: #UD)\n");
}

/* ---- virtq: a virtio-mmio driver that breaks every rule it can ---- */

#define VMMIO_BASE	0xfeb00000u
#define VM_MAGIC	0x000
#define VM_DEVICE_ID	0x008
#define VM_DRV_FEAT	0x020
#define VM_DRV_FEAT_SEL	0x024
#define VM_QUEUE_SEL	0x030
#define VM_QUEUE_NUM	0x038
#define VM_QUEUE_READY	0x044
#define VM_QUEUE_NOTIFY	0x050
#define VM_INT_ACK	0x064
#define VM_STATUS	0x070
#define VM_DESC_LO	0x080
#define VM_DRIVER_LO	0x090
#define VM_DEVICE_LO	0x0a0
#define S_ACK		1
#define S_DRIVER	2
#define S_DRIVER_OK	4
#define S_FEATURES_OK	8
#define S_NEEDS_RESET	64
#define QSIZE		8
#define DF_NEXT		1
#define DF_WRITE	2

struct vdesc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

static struct vdesc vq_desc[QSIZE] __attribute__((aligned(16)));
static struct { uint16_t flags, idx, ring[QSIZE]; } vq_avail __attribute__((aligned(2)));
static struct { uint16_t flags, idx; uint32_t ring[2 * QSIZE]; } vq_used __attribute__((aligned(4)));
static uint8_t vq_buf[64];

static uint32_t vm_rd(uint32_t off)
{
	return *(volatile uint32_t *)(VMMIO_BASE + off);
}

static void vm_wr(uint32_t off, uint32_t v)
{
	*(volatile uint32_t *)(VMMIO_BASE + off) = v;
}

/* Reset, features VERSION_1 only, queue 0 on our rings, DRIVER_OK. */
static bool vq_setup(void)
{
	vm_wr(VM_STATUS, 0);
	vm_wr(VM_STATUS, S_ACK | S_DRIVER);
	vm_wr(VM_DRV_FEAT_SEL, 1);
	vm_wr(VM_DRV_FEAT, 1);			/* VIRTIO_F_VERSION_1 (bit 32) */
	vm_wr(VM_DRV_FEAT_SEL, 0);
	vm_wr(VM_DRV_FEAT, 0);
	vm_wr(VM_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK);
	if (!(vm_rd(VM_STATUS) & S_FEATURES_OK))
		return false;
	for (int i = 0; i < QSIZE; i++)
		vq_desc[i] = (struct vdesc){ 0, 0, 0, 0 };
	vq_avail.flags = vq_avail.idx = 0;
	vq_used.flags = vq_used.idx = 0;
	vm_wr(VM_QUEUE_SEL, 0);
	vm_wr(VM_QUEUE_NUM, QSIZE);
	vm_wr(VM_DESC_LO, (uint32_t)vq_desc);
	vm_wr(VM_DESC_LO + 4, 0);
	vm_wr(VM_DRIVER_LO, (uint32_t)&vq_avail);
	vm_wr(VM_DRIVER_LO + 4, 0);
	vm_wr(VM_DEVICE_LO, (uint32_t)&vq_used);
	vm_wr(VM_DEVICE_LO + 4, 0);
	vm_wr(VM_QUEUE_READY, 1);
	vm_wr(VM_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
	return true;
}

static void vq_desc_set(int i, uint64_t addr, uint32_t len, uint16_t flags,
			uint16_t next)
{
	vq_desc[i] = (struct vdesc){ addr, len, flags, next };
}

/* One broken request of kind @k; true when the device says NEEDS_RESET. */
static bool vq_break(int k)
{
	uint16_t head = 0;

	switch (k) {
	case 0:		/* the header 3.75 GiB away, far outside 16 MiB */
		vq_desc_set(0, 0xf0000000ull, 16, DF_NEXT, 1);
		vq_desc_set(1, (uint32_t)vq_buf, 1, DF_WRITE, 0);
		break;
	case 1:		/* 0 -> 1 -> 0 -> ... */
		vq_desc_set(0, (uint32_t)vq_buf, 16, DF_NEXT, 1);
		vq_desc_set(1, (uint32_t)vq_buf + 16, 16, DF_NEXT, 0);
		break;
	case 2:		/* a 4 GiB buffer */
		vq_desc_set(0, (uint32_t)vq_buf, 16, DF_NEXT, 1);
		vq_desc_set(1, (uint32_t)vq_buf, 0xffffffffu, DF_WRITE, 0);
		break;
	default:	/* a head past the queue */
		head = 1000;
		break;
	}
	vq_avail.ring[0] = head;
	__atomic_store_n(&vq_avail.idx, 1, __ATOMIC_RELEASE);
	vm_wr(VM_QUEUE_NOTIFY, 0);
	vm_wr(VM_INT_ACK, 3);
	return vm_rd(VM_STATUS) & S_NEEDS_RESET;
}

static void virtq_abuse(void)
{
	uint32_t broke = 0;

	if (vm_rd(VM_MAGIC) != 0x74726976 || vm_rd(VM_DEVICE_ID) != 2)
		FAIL("virtq", "no virtio-blk at %x", VMMIO_BASE);
	for (int round = 0; round < 50; round++)
		for (int k = 0; k < 4; k++) {
			if (!vq_setup())
				FAIL("virtq", "FEATURES_OK refused (round %d)", round);
			broke += vq_break(k);
		}
	vm_wr(VM_STATUS, 0);
	if (broke != 200)
		FAIL("virtq", "NEEDS_RESET after %u of 200 broken requests", broke);
	guest_printf("hostile: virtq: done (200 broken requests, 200 NEEDS_RESET)\n");
}

static void sipi_loop(void)
{
	uint32_t me = apic_read(APIC_ID) >> 24;

	for (uint32_t i = 0; i < 1000; i++) {
		apic_write(APIC_ICR_HI, (me ^ 1) << 24);
		apic_write(APIC_ICR_LO, ICR_SIPI | 0x08);
		apic_write(APIC_ICR_HI, me << 24);
		apic_write(APIC_ICR_LO, ICR_SIPI | 0x08);
	}
	guest_printf("hostile: sipi-loop: done (2000 SIPIs)\n");
}

/* vCPU 1: spins until reset-all, then resets through 0xCF9. */
/* vCPU 1: flips race_insn during mmio-race, then resets through 0xCF9. */
static void ap_main(uint32_t index)
{
	while (!__atomic_load_n(&race_on, __ATOMIC_ACQUIRE))
		asm volatile("pause");
	while (__atomic_load_n(&race_on, __ATOMIC_ACQUIRE) == 1) {
		race_insn[0] ^= 0x89 ^ 0x8b;
		race_flips++;
	}
	__atomic_store_n(&race_on, 2, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&go_reset, __ATOMIC_ACQUIRE))
		asm volatile("pause");
	outb(0xcf9, 0x02);
	outb(0xcf9, 0x06);
	for (;;)
		hlt();
}

/* vCPU 0's last act: no IDT, then a fault, so a triple fault. */
static void __attribute__((noreturn)) triple_fault(void)
{
	static const struct { uint16_t limit; uint32_t base; }
		__attribute__((packed)) none = { 0, 0 };

	asm volatile("lidt %0; int3" : : "m"(none));
	for (;;)
		;
}

int guest_main(uint32_t magic, uint32_t mbi)
{
	outb(0x21, 0xff);	/* the 8259s stay masked */
	outb(0xa1, 0xff);
	apic_write(APIC_SVR, 0x1ff);
	if (guest_set_irq_handler(VEC_PIT, on_pit) ||
	    guest_set_irq_handler(VEC_SELF, on_self) ||
	    guest_start_vcpus(2, ap_main)) {
		guest_printf("hostile: setup failed\n");
		return 1;
	}
	pit_reload_1();
	msr_flood();
	insns();
	ipi_storm();
	sipi_loop();
	ioapic_storm();
	ring3();
	mmio_race();
	virtq_abuse();
	guest_printf("hostile: %u item(s) failed; reset-all from both vCPUs\n",
		     n_failed);
	__atomic_store_n(&go_reset, 1, __ATOMIC_RELEASE);
	outb(0x64, 0xfe);
	triple_fault();
}
