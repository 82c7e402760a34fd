// SPDX-License-Identifier: GPL-2.0
/* The IDT: exceptions panic, interrupts go to registered handlers. */
#include <stdint.h>
#include "src/arch/cpu.h"
#include "src/arch/lapic.h"
#include "src/arch/x86.h"
#include "src/arch/panic.h"

struct idt_entry {
	uint16_t off0;
	uint16_t sel;
	uint8_t ist;
	uint8_t type;
	uint16_t off1;
	uint32_t off2;
	uint32_t zero;
} __attribute__((packed));

/* Each stub in isr.S is 16 bytes apart. */
extern char isr_stubs[];
#define STUB_SIZE 16

static struct idt_entry idt[256] __attribute__((aligned(16)));
static irq_handler_t handlers[256];

static const char *const exc_names[32] = {
	"divide error", "debug", "NMI", "breakpoint", "overflow",
	"bound range", "invalid opcode", "device not available",
	"double fault", "coprocessor overrun", "invalid TSS",
	"segment not present", "stack fault", "general protection",
	"page fault", "reserved", "x87 FP error", "alignment check",
	"machine check", "SIMD FP error", "virtualization", "control protection",
};

void idt_init(void)
{
	for (int v = 0; v < 256; v++) {
		uint64_t a = (uint64_t)isr_stubs + v * STUB_SIZE;

		idt[v].off0 = a & 0xffff;
		idt[v].sel = SEL_CODE;
		/* NMI, double fault and machine check get a known-good stack. */
		idt[v].ist = (v == 2 || v == 8 || v == 18) ? 1 : 0;
		idt[v].type = 0x8e;		/* present, interrupt gate */
		idt[v].off1 = (a >> 16) & 0xffff;
		idt[v].off2 = a >> 32;
		idt[v].zero = 0;
	}
}

void idt_load(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) p = { sizeof(idt) - 1, (uint64_t)idt };

	asm volatile("lidt %0" : : "m"(p));
}

void irq_register(uint8_t vector, irq_handler_t fn)
{
	handlers[vector] = fn;
}

void trap_dispatch(struct trap_frame *f)
{
	uint64_t v = f->vector;

	if (v < 32) {
		const char *name = exc_names[v] ? exc_names[v] : "exception";

		panic_frame(f, "%s (vector %lu, error %#lx) at %#lx",
			    name, v, f->error, f->rip);
	}
	if (handlers[v])
		handlers[v](f);
	if (v != VEC_SPURIOUS)
		lapic_eoi();
}
