// SPDX-License-Identifier: GPL-2.0
/*
 * echo: reads lines typed on the console, interrupt-driven, and prints
 * them back as "echo: 'LINE'"; the line "bye" ends it with exit code 0.
 * The receive-data interrupt (IER bit 0) comes on COM1's IRQ4 through
 * the vIOAPIC to the x2APIC; the guest halts between interrupts, so a
 * byte that raised no interrupt would hang it (the test's timeout).
 */
#include "libguest.h"

#define IOAPIC		0xfec00000u
#define UART_PIN	4
#define VEC_UART	0x41
#define MSR_APIC_BASE	0x1b
#define MSR_X2_SVR	0x80f
#define MSR_X2_EOI	0x80b

static char line[128];
static volatile uint32_t len, ready, irqs;

static void ioapic_write(uint32_t reg, uint32_t val)
{
	*(volatile uint32_t *)IOAPIC = reg;
	*(volatile uint32_t *)(IOAPIC + 0x10) = val;
}

static void on_uart(uint32_t vec)
{
	irqs++;
	while (inb(0x3fd) & 1) {		/* LSR: data ready */
		char c = inb(0x3f8);

		if (ready)
			continue;		/* main has not taken the last line */
		if (c == '\r' || c == '\n') {
			line[len] = 0;
			ready = len > 0;
		} else if (len < sizeof(line) - 1) {
			line[len++] = c;
		}
	}
	wrmsr(MSR_X2_EOI, 0);
}

int guest_main(uint32_t magic, uint32_t mbi)
{
	uint32_t lines = 0;

	wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | 0xc00);	/* x2APIC */
	wrmsr(MSR_X2_SVR, 0x1ff);
	guest_set_irq_handler(VEC_UART, on_uart);
	ioapic_write(0x11 + 2 * UART_PIN, 0);		/* destination APIC 0 */
	ioapic_write(0x10 + 2 * UART_PIN, VEC_UART);	/* edge, unmasked */
	outb(0x3fc, 0x08);				/* MCR: OUT2 */
	outb(0x3f9, 0x01);				/* IER: data available */
	guest_printf("echo: ready\n");
	for (;;) {
		cli();
		if (!ready) {
			safe_halt();			/* sti; hlt */
			continue;
		}
		sti();
		lines++;
		guest_printf("echo: '%s' (%u interrupts so far)\n", line, irqs);
		if (line[0] == 'b' && line[1] == 'y' && line[2] == 'e' && !line[3])
			break;
		len = 0;
		ready = 0;
	}
	guest_printf("echo: %u lines\n", lines);
	return 0;
}
