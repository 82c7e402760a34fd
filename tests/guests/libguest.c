// SPDX-License-Identifier: GPL-2.0
/*
 * libguest: entry code, serial output and exit for hvisor's test guests.
 * See libguest.h for the contract.
 */
#include <stdarg.h>

#include "libguest.h"

/* 16550 UART on COM1. */
#define COM1		0x3f8
#define UART_THR	0	/* transmit holding register (DLAB=0) */
#define UART_DLL	0	/* divisor latch low (DLAB=1) */
#define UART_IER	1
#define UART_DLM	1	/* divisor latch high (DLAB=1) */
#define UART_FCR	2
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define LSR_THRE	0x20	/* THR empty: may write the next byte */
#define LSR_TEMT	0x40	/* transmitter empty: everything is out */
#define LCR_8N1		0x03
#define LCR_DLAB	0x80

/* Bochs' shutdown port: writing "Shutdown" byte by byte powers off. */
#define BOCHS_SHUTDOWN_PORT	0x8900

/* The GDT selectors set up by the entry code. */
#define GUEST_CS	0x08
#define GUEST_DS	0x10

void guest_start(uint32_t magic, uint32_t mbi) __attribute__((noreturn));
void guest_trap(uint32_t vector, uint32_t error, uint32_t eip)
	__attribute__((noreturn));

/*
 * Multiboot2 header (a header and the end tag; no address tag, so the
 * loader uses the ELF program headers) and the entry point.
 *
 * The loader leaves us in 32-bit protected mode with paging off, flat
 * segments, no usable GDT or IDT and no stack. Load our own GDT, clear
 * the BSS (which holds the stack), then call guest_start(magic, mbi).
 */
asm(
	".pushsection .multiboot, \"a\"\n"
	".balign 8\n"
	"mb2_header:\n"
	"	.long 0xe85250d6\n"		/* magic */
	"	.long 0\n"			/* architecture: i386 */
	"	.long mb2_header_end - mb2_header\n"
	"	.long 0x100000000 - (0xe85250d6 + (mb2_header_end - mb2_header))\n"
	"	.balign 8\n"
	"	.short 0, 0\n"			/* end tag: type 0, flags 0 */
	"	.long 8\n"			/* size 8 */
	"mb2_header_end:\n"
	".popsection\n"

	".pushsection .bss\n"
	".balign 16\n"
	"guest_stack:\n"
	"	.skip 16384\n"
	"guest_stack_top:\n"
	".popsection\n"

	".pushsection .rodata\n"
	".balign 8\n"
	"guest_gdt:\n"
	"	.quad 0\n"
	"	.quad 0x00cf9a000000ffff\n"	/* 0x08: flat 32-bit code */
	"	.quad 0x00cf92000000ffff\n"	/* 0x10: flat data */
	"guest_gdt_end:\n"
	"guest_gdt_desc:\n"
	"	.short guest_gdt_end - guest_gdt - 1\n"
	"	.long guest_gdt\n"
	".popsection\n"

	".pushsection .text\n"
	".globl _start\n"
	".type _start, @function\n"
	"_start:\n"
	"	cli\n"
	"	cld\n"
	"	movl %eax, %esi\n"		/* magic */
	"	movl %ebx, %ebp\n"		/* MBI */
	"	lgdt guest_gdt_desc\n"
	"	ljmp $0x08, $1f\n"
	"1:	movw $0x10, %ax\n"
	"	movw %ax, %ds\n"
	"	movw %ax, %es\n"
	"	movw %ax, %ss\n"
	"	movw %ax, %fs\n"
	"	movw %ax, %gs\n"
	"	movl $__bss_start, %edi\n"
	"	movl $__bss_end, %ecx\n"
	"	subl %edi, %ecx\n"
	"	xorl %eax, %eax\n"
	"	rep stosb\n"
	"	movl $guest_stack_top, %esp\n"
	"	pushl $0\n"
	"	popfl\n"
	"	pushl %ebp\n"
	"	pushl %esi\n"
	"	call guest_start\n"
	"2:	cli\n"
	"	hlt\n"
	"	jmp 2b\n"
	".size _start, . - _start\n"
	".popsection\n"
);

/*
 * Exception stubs for vectors 0..31: push a zero error code where the CPU
 * pushes none, push the vector, and report through guest_trap(). The
 * table guest_trap_stubs[] holds their addresses.
 */
asm(
	".pushsection .text\n"
	".irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,"
		"16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
	"guest_trap_stub_\\v:\n"
	".if (\\v == 8) || ((\\v >= 10) && (\\v <= 14)) || (\\v == 17) || "
		"(\\v == 21) || (\\v == 29) || (\\v == 30)\n"
	".else\n"
	"	pushl $0\n"
	".endif\n"
	"	pushl $\\v\n"
	"	jmp guest_trap_common\n"
	".endr\n"
	"guest_trap_common:\n"
	"	call guest_trap\n"		/* (vector, error, eip) */
	".popsection\n"

	".pushsection .rodata\n"
	".balign 4\n"
	"guest_trap_stubs:\n"
	".irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,"
		"16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
	"	.long guest_trap_stub_\\v\n"
	".endr\n"
	".popsection\n"
);

extern const uint32_t guest_trap_stubs[32];

struct idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t zero;
	uint8_t type;		/* present, DPL 0, 32-bit interrupt gate */
	uint16_t offset_hi;
} __attribute__((packed));

struct desc_ptr {
	uint16_t limit;
	uint32_t base;
} __attribute__((packed));

static struct idt_gate guest_idt[32];

static void idt_init(void)
{
	struct desc_ptr idtr = {
		.limit = sizeof(guest_idt) - 1,
		.base = (uint32_t)guest_idt,
	};
	unsigned int i;

	for (i = 0; i < 32; i++) {
		guest_idt[i].offset_lo = guest_trap_stubs[i] & 0xffff;
		guest_idt[i].selector = GUEST_CS;
		guest_idt[i].zero = 0;
		guest_idt[i].type = 0x8e;
		guest_idt[i].offset_hi = guest_trap_stubs[i] >> 16;
	}
	asm volatile("lidt %0" : : "m"(idtr));
}

/* ---- serial ---------------------------------------------------------------- */

static void uart_init(void)
{
	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_LCR, LCR_DLAB);
	outb(COM1 + UART_DLL, 1);		/* 115200 baud */
	outb(COM1 + UART_DLM, 0);
	outb(COM1 + UART_LCR, LCR_8N1);
	outb(COM1 + UART_FCR, 0x07);		/* enable and clear FIFOs */
	outb(COM1 + UART_MCR, 0x03);		/* DTR, RTS */
}

void guest_putc(char c)
{
	while (!(inb(COM1 + UART_LSR) & LSR_THRE))
		asm volatile("pause");
	outb(COM1 + UART_THR, (uint8_t)c);
}

void guest_puts(const char *s)
{
	while (*s)
		guest_putc(*s++);
}

static void put_unsigned(uint32_t v, uint32_t base)
{
	char buf[11];
	int n = 0;

	do {
		buf[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (n)
		guest_putc(buf[--n]);
}

void guest_printf(const char *fmt, ...)
{
	va_list ap;
	const char *s;
	int d;

	va_start(ap, fmt);
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			guest_putc(*fmt);
			continue;
		}
		switch (*++fmt) {
		case 's':
			s = va_arg(ap, const char *);
			guest_puts(s ? s : "(null)");
			break;
		case 'd':
			d = va_arg(ap, int);
			if (d < 0) {
				guest_putc('-');
				put_unsigned(-(uint32_t)d, 10);
			} else {
				put_unsigned(d, 10);
			}
			break;
		case 'u':
			put_unsigned(va_arg(ap, uint32_t), 10);
			break;
		case 'x':
			put_unsigned(va_arg(ap, uint32_t), 16);
			break;
		case 'c':
			guest_putc((char)va_arg(ap, int));
			break;
		case '%':
			guest_putc('%');
			break;
		case '\0':
			fmt--;		/* a lone '%' at the end */
			break;
		default:
			guest_putc('%');
			guest_putc(*fmt);
			break;
		}
	}
	va_end(ap);
}

/* ---- CPU ---------------------------------------------------------------------- */

bool guest_under_hypervisor(void)
{
	struct regs4 r;

	cpuid(1, 0, &r);
	return r.ecx & CPUID1_ECX_HYPERVISOR;
}

void guest_delay(uint32_t n)
{
	volatile uint32_t i;

	for (i = 0; i < n; i++)
		;
}

/* ---- exit ---------------------------------------------------------------------- */

void guest_exit(int code)
{
	const char *s;

	guest_printf("RESULT %d\n", code);
	/* Let the last character leave the UART before we stop. */
	while (!(inb(COM1 + UART_LSR) & LSR_TEMT))
		asm volatile("pause");
	outl(HV_TEST_EXIT_PORT, (uint32_t)code);
	/*
	 * Under hvisor the write above has stopped us. Run bare (no
	 * hypervisor bit) under Bochs, power off so the run ends now rather
	 * than at its timeout; elsewhere the port does nothing.
	 */
	if (!guest_under_hypervisor())
		for (s = "Shutdown"; *s; s++)
			outb(BOCHS_SHUTDOWN_PORT, (uint8_t)*s);
	for (;;)
		asm volatile("cli; hlt");
}

void guest_trap(uint32_t vector, uint32_t error, uint32_t eip)
{
	guest_printf("exception %u, error code %x, at eip %x\n",
		     vector, error, eip);
	guest_exit(GUEST_EXIT_EXCEPTION);
}

/* ---- Multiboot2 information --------------------------------------------------- */

const struct mb2_tag *mb2_find_tag(uint32_t mbi, uint32_t type)
{
	uint32_t total, off;
	const struct mb2_tag *tag;

	if (!mbi || (mbi & 7))
		return 0;
	total = *(const uint32_t *)mbi;
	/* Tags start after total_size and reserved, 8-byte aligned. */
	for (off = 8; off + sizeof(*tag) <= total;
	     off = (off + tag->size + 7) & ~7u) {
		tag = (const struct mb2_tag *)(mbi + off);
		if (tag->type == MB2_TAG_END || tag->size < sizeof(*tag) ||
		    tag->size > total - off)
			break;
		if (tag->type == type)
			return tag;
	}
	return 0;
}

/* ---- start ------------------------------------------------------------------- */

void guest_start(uint32_t magic, uint32_t mbi)
{
	idt_init();
	uart_init();
	guest_exit(guest_main(magic, mbi));
}
