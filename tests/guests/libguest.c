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

/*
 * #GP goes through guest_gp_stub first: when rdmsr_safe()/wrmsr_safe() on
 * this vCPU armed a fix-up for the faulting EIP, guest_gp_fixup() moves
 * EIP past the access and we return there; otherwise the fault goes on to
 * guest_trap_stub_13 and is reported as before. POPAL keeps the flags of
 * the TEST.
 *
 * Vectors 32..255 have one 16-byte stub each, from guest_irq_stubs on in
 * vector order: push the vector, save the general registers and call
 * guest_irq_dispatch(vector), then IRET.
 */
asm(
	".pushsection .text\n"
	"guest_gp_stub:\n"
	"	pushal\n"
	"	cld\n"
	"	pushl %esp\n"
	"	call guest_gp_fixup\n"
	"	addl $4, %esp\n"
	"	testl %eax, %eax\n"
	"	popal\n"
	"	jz guest_trap_stub_13\n"
	"	addl $4, %esp\n"		/* the error code */
	"	iret\n"

	/* #UD pushes no error code: a 0 makes the frame #GP's; LEA keeps the flags. */
	"guest_ud_stub:\n"
	"	pushl $0\n"
	"	pushal\n"
	"	cld\n"
	"	pushl %esp\n"
	"	call guest_ud_fixup\n"
	"	addl $4, %esp\n"
	"	testl %eax, %eax\n"
	"	popal\n"
	"	leal 4(%esp), %esp\n"
	"	jz guest_trap_stub_6\n"
	"	iret\n"

	".balign 16\n"
	"guest_irq_stubs:\n"
	".irp hi, 2,3,4,5,6,7,8,9,a,b,c,d,e,f\n"
	".irp lo, 0,1,2,3,4,5,6,7,8,9,a,b,c,d,e,f\n"
	"	.balign 16\n"
	"	pushl $0x\\hi\\lo\n"
	"	jmp guest_irq_common\n"
	".endr\n"
	".endr\n"
	"guest_irq_common:\n"
	"	pushal\n"
	"	cld\n"
	"	pushl 32(%esp)\n"		/* the vector */
	"	call guest_irq_dispatch\n"
	"	addl $4, %esp\n"
	"	popal\n"
	"	addl $4, %esp\n"
	"	iret\n"
	".popsection\n"
);

#define GUEST_IRQ_STUB_SIZE	16

extern const uint8_t guest_gp_stub[];
extern const uint8_t guest_ud_stub[];
extern const uint8_t guest_irq_stubs[];

/* What guest_gp_stub saved, and what the CPU pushed for the #GP. */
struct gp_frame {
	uint32_t edi, esi, ebp, esp, ebx, edx, ecx, eax;	/* PUSHAL */
	uint32_t error, eip, cs, eflags;
};

uint32_t guest_gp_fixup(struct gp_frame *f);
uint32_t guest_ud_fixup(struct gp_frame *f);
void guest_irq_dispatch(uint32_t vector);

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

static struct idt_gate guest_idt[256];
static guest_irq_fn irq_handlers[256];

/* Loads guest_idt on this vCPU; every vCPU shares it. */
static void idt_load(void)
{
	struct desc_ptr idtr = {
		.limit = sizeof(guest_idt) - 1,
		.base = (uint32_t)guest_idt,
	};

	asm volatile("lidt %0" : : "m"(idtr));
}

static void idt_set(unsigned int vector, uint32_t handler)
{
	guest_idt[vector].offset_lo = handler & 0xffff;
	guest_idt[vector].selector = GUEST_CS;
	guest_idt[vector].zero = 0;
	guest_idt[vector].type = 0x8e;
	guest_idt[vector].offset_hi = handler >> 16;
}

static void idt_init(void)
{
	unsigned int i;

	for (i = 0; i < 32; i++)
		idt_set(i, guest_trap_stubs[i]);
	idt_set(13, (uint32_t)guest_gp_stub);
	idt_set(6, (uint32_t)guest_ud_stub);
	for (i = GUEST_IRQ_FIRST; i <= GUEST_IRQ_LAST; i++)
		idt_set(i, (uint32_t)guest_irq_stubs +
			   (i - GUEST_IRQ_FIRST) * GUEST_IRQ_STUB_SIZE);
	idt_load();
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

/*
 * The output lock. Its owner (vCPU index + 1, or 0) lets a vCPU that
 * traps while printing report the trap instead of deadlocking on itself.
 */
static struct guest_spinlock out_lock;
static volatile uint32_t out_owner;

static bool out_begin(void)
{
	uint32_t self = guest_this_vcpu() + 1;

	if (out_owner == self)
		return false;		/* nested: we hold it already */
	guest_spin_lock(&out_lock);
	out_owner = self;
	return true;
}

static void out_end(bool locked)
{
	if (!locked)
		return;
	out_owner = 0;
	guest_spin_unlock(&out_lock);
}

static void puts_unlocked(const char *s)
{
	while (*s)
		guest_putc(*s++);
}

void guest_puts(const char *s)
{
	bool locked = out_begin();

	puts_unlocked(s);
	out_end(locked);
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

static void vprintf_unlocked(const char *fmt, va_list ap)
{
	const char *s;
	int d;

	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			guest_putc(*fmt);
			continue;
		}
		switch (*++fmt) {
		case 's':
			s = va_arg(ap, const char *);
			puts_unlocked(s ? s : "(null)");
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
}

void guest_printf(const char *fmt, ...)
{
	bool locked = out_begin();
	va_list ap;

	va_start(ap, fmt);
	vprintf_unlocked(fmt, ap);
	va_end(ap);
	out_end(locked);
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

/* ---- #GP fix-ups and interrupt handlers -------------------------------- */

/*
 * Per vCPU: the EIP of the MSR access that may fault, and where to resume
 * when it does; 0 when none is armed.
 */
static volatile uint32_t gp_fault_eip[GUEST_MAX_VCPUS];
static volatile uint32_t gp_resume_eip[GUEST_MAX_VCPUS];

static volatile uint32_t fault_vector[GUEST_MAX_VCPUS];

static uint32_t fixup(struct gp_frame *f, uint32_t vector)
{
	uint32_t self = guest_this_vcpu();

	if (!gp_fault_eip[self] || f->eip != gp_fault_eip[self])
		return 0;
	f->eip = gp_resume_eip[self];
	gp_fault_eip[self] = 0;
	fault_vector[self] = vector;
	return 1;
}

uint32_t guest_gp_fixup(struct gp_frame *f)
{
	return fixup(f, 13);
}

uint32_t guest_ud_fixup(struct gp_frame *f)
{
	return fixup(f, 6);
}

void guest_fault_arm(uint32_t fault_eip, uint32_t resume_eip)
{
	uint32_t self = guest_this_vcpu();

	fault_vector[self] = 0;
	gp_resume_eip[self] = resume_eip;
	__atomic_store_n(&gp_fault_eip[self], fault_eip, __ATOMIC_SEQ_CST);
}

uint32_t guest_fault_vector(void)
{
	return fault_vector[guest_this_vcpu()];
}

int rdpmc_safe(uint32_t counter, uint64_t *val)
{
	uint32_t self = guest_this_vcpu(), lo = 0, hi = 0;
	int err = -1;

	fault_vector[self] = 0;
	asm volatile("movl $1f, %[fault]\n\t"
		     "movl $2f, %[resume]\n"
		     "1:\trdpmc\n\t"
		     "xorl %[err], %[err]\n"
		     "2:"
		     : [err] "+r"(err), "+a"(lo), "+d"(hi),
		       [fault] "=m"(gp_fault_eip[self]),
		       [resume] "=m"(gp_resume_eip[self])
		     : "c"(counter)
		     : "memory");
	gp_fault_eip[self] = 0;
	*val = ((uint64_t)hi << 32) | lo;
	return err ? -(int)fault_vector[self] : 0;
}

int write_cr4_safe(uint32_t val)
{
	uint32_t self = guest_this_vcpu();
	int err = -1;

	fault_vector[self] = 0;
	asm volatile("movl $1f, %[fault]\n\t"
		     "movl $2f, %[resume]\n"
		     "1:\tmov %[val], %%cr4\n\t"
		     "xorl %[err], %[err]\n"
		     "2:"
		     : [err] "+r"(err),
		       [fault] "=m"(gp_fault_eip[self]),
		       [resume] "=m"(gp_resume_eip[self])
		     : [val] "r"(val) : "memory");
	gp_fault_eip[self] = 0;
	return err ? -(int)fault_vector[self] : 0;
}

int vmxoff_safe(void)
{
	uint32_t self = guest_this_vcpu();
	int err = -1;

	fault_vector[self] = 0;
	asm volatile("movl $1f, %[fault]\n\t"
		     "movl $2f, %[resume]\n"
		     "1:\tvmxoff\n\t"
		     "xorl %[err], %[err]\n"
		     "2:"
		     : [err] "+r"(err),
		       [fault] "=m"(gp_fault_eip[self]),
		       [resume] "=m"(gp_resume_eip[self])
		     : : "memory", "cc");
	gp_fault_eip[self] = 0;
	return err ? -(int)fault_vector[self] : 0;
}

/*
 * Arm the fix-up (labels 1 and 2), do the access at 1, clear @err on
 * success; a #GP at 1 resumes at 2 with @err still -1.
 */
int rdmsr_safe(uint32_t msr, uint64_t *val)
{
	uint32_t self = guest_this_vcpu(), lo = 0, hi = 0;
	int err = -1;

	asm volatile("movl $1f, %[fault]\n\t"
		     "movl $2f, %[resume]\n"
		     "1:\trdmsr\n\t"
		     "xorl %[err], %[err]\n"
		     "2:"
		     : [err] "+r"(err), "+a"(lo), "+d"(hi),
		       [fault] "=m"(gp_fault_eip[self]),
		       [resume] "=m"(gp_resume_eip[self])
		     : "c"(msr)
		     : "memory");
	gp_fault_eip[self] = 0;
	*val = ((uint64_t)hi << 32) | lo;
	return err;
}

int wrmsr_safe(uint32_t msr, uint64_t val)
{
	uint32_t self = guest_this_vcpu();
	int err = -1;

	asm volatile("movl $1f, %[fault]\n\t"
		     "movl $2f, %[resume]\n"
		     "1:\twrmsr\n\t"
		     "xorl %[err], %[err]\n"
		     "2:"
		     : [err] "+r"(err),
		       [fault] "=m"(gp_fault_eip[self]),
		       [resume] "=m"(gp_resume_eip[self])
		     : "c"(msr), "a"((uint32_t)val), "d"((uint32_t)(val >> 32))
		     : "memory");
	gp_fault_eip[self] = 0;
	return err;
}

int guest_set_irq_handler(uint32_t vector, guest_irq_fn fn)
{
	if (vector < GUEST_IRQ_FIRST || vector > GUEST_IRQ_LAST)
		return -1;
	__atomic_store_n(&irq_handlers[vector], fn, __ATOMIC_SEQ_CST);
	return 0;
}

void guest_irq_dispatch(uint32_t vector)
{
	guest_irq_fn fn = __atomic_load_n(&irq_handlers[vector & 0xff],
					  __ATOMIC_SEQ_CST);

	if (fn) {
		fn(vector);
		return;
	}
	guest_printf("unexpected interrupt, vector %u on vCPU %u\n", vector,
		     guest_this_vcpu());
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

/* ---- command line ------------------------------------------------------------ */

#define CMDLINE_MAX	256

static char cmdline[CMDLINE_MAX];

/* Copies the MBI's command line, cut at CMDLINE_MAX - 1 characters. */
static void cmdline_save(uint32_t mbi)
{
	const struct mb2_tag *tag = mb2_find_tag(mbi, MB2_TAG_CMDLINE);
	const char *s;
	uint32_t i, max;

	if (!tag)
		return;
	s = (const char *)(tag + 1);
	max = tag->size - sizeof(*tag);
	for (i = 0; i < max && i < CMDLINE_MAX - 1 && s[i]; i++)
		cmdline[i] = s[i];
	cmdline[i] = '\0';
}

const char *guest_cmdline(void)
{
	return cmdline;
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

/* Parses [@s, @end) as a decimal or 0x-hex u32. Returns 0 or -1. */
static int parse_u32(const char *s, const char *end, uint32_t *val)
{
	uint32_t base = 10, v = 0, d;

	if (end - s > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (s == end)
		return -1;
	for (; s < end; s++) {
		d = digit_value(*s);
		if (d >= base || v > (0xffffffffu - d) / base)
			return -1;
		v = v * base + d;
	}
	*val = v;
	return 0;
}

/* Does the word [@w, @end) read "@key=..."? Then the value's start. */
static const char *match_key(const char *w, const char *end, const char *key)
{
	for (; *key; key++, w++)
		if (w == end || *w != *key)
			return 0;
	return w < end && *w == '=' ? w + 1 : 0;
}

int guest_arg_u32(const char *key, uint32_t def, uint32_t *val)
{
	const char *p = cmdline, *w, *v;

	*val = def;
	while (*p) {
		while (*p == ' ')
			p++;
		w = p;
		while (*p && *p != ' ')
			p++;
		v = match_key(w, p, key);
		if (!v)
			continue;
		if (parse_u32(v, p, val) == 0)
			return 0;
		*val = def;
		guest_printf("libguest: bad value for '%s' in cmdline '%s'\n",
			     key, cmdline);
		return -1;
	}
	return 0;
}

/* ---- time --------------------------------------------------------------------- */

static uint64_t tsc_rate;

uint64_t udiv64_32(uint64_t n, uint32_t d, uint32_t *rem)
{
	uint32_t hi = n >> 32, lo = (uint32_t)n;
	uint32_t q_hi = hi / d, r = hi % d, q_lo;

	/* r < d, so r:lo / d fits 32 bits: one divl. */
	asm("divl %4" : "=a"(q_lo), "=d"(r) : "a"(lo), "d"(r), "rm"(d));
	if (rem)
		*rem = r;
	return ((uint64_t)q_hi << 32) | q_lo;
}

/* Reads CPUID 0x15 once, on the boot vCPU before anything else runs. */
static void tsc_init(void)
{
	struct regs4 r;

	cpuid(0, 0, &r);
	if (r.eax < 0x15)
		return;
	cpuid(0x15, 0, &r);
	if (!r.eax || !r.ebx || !r.ecx)
		return;
	tsc_rate = udiv64_32((uint64_t)r.ecx * r.ebx, r.eax, 0);
}

uint64_t tsc_hz(void)
{
	return tsc_rate;
}

uint64_t us_to_tsc(uint64_t us)
{
	uint32_t frac;
	uint64_t mhz;

	if (!tsc_rate)
		return 0;
	/* us * hz / 10^6 without overflowing for any sane rate. */
	mhz = udiv64_32(tsc_rate, 1000000, &frac);
	return us * mhz + udiv64_32(us * frac, 1000000, 0);
}

uint64_t tsc_to_us(uint64_t ticks)
{
	uint32_t khz = (uint32_t)udiv64_32(tsc_rate, 1000, 0);

	if (!khz)
		return 0;
	return udiv64_32(ticks * 1000, khz, 0);
}

int sleep_until(uint64_t tsc)
{
	struct regs4 r = {
		.ebx = (uint32_t)tsc,
		.edx = (uint32_t)(tsc >> 32),
	};

	return (int)vmcall(HC_SLEEP_UNTIL, &r);
}

/* ---- several vCPUs ---------------------------------------------------------- */

/* Stacks of vCPUs 1..GUEST_MAX_VCPUS-1; the boot vCPU has guest_stack. */
static uint8_t vcpu_stack[GUEST_MAX_VCPUS - 1][GUEST_VCPU_STACK]
	__attribute__((aligned(16)));
static guest_vcpu_fn vcpu_fn;
static uint32_t vcpus_started;		/* written by the boot vCPU only */
static volatile uint32_t vcpus_done;

void guest_vcpu_entry(void);
void guest_vcpu_main(uint32_t index) __attribute__((noreturn));

/*
 * Where HC_VCPU_START sends a new vCPU: 32-bit flat protected mode, ESP at
 * the top of its stack, EAX = its index. Load our GDT and segments like
 * _start does, then call guest_vcpu_main(index).
 */
asm(
	".pushsection .text\n"
	".globl guest_vcpu_entry\n"
	".type guest_vcpu_entry, @function\n"
	"guest_vcpu_entry:\n"
	"	cli\n"
	"	cld\n"
	"	movl %eax, %esi\n"		/* index */
	"	lgdt guest_gdt_desc\n"
	"	ljmp $0x08, $1f\n"
	"1:	movw $0x10, %ax\n"
	"	movw %ax, %ds\n"
	"	movw %ax, %es\n"
	"	movw %ax, %ss\n"
	"	movw %ax, %fs\n"
	"	movw %ax, %gs\n"
	"	pushl $0\n"
	"	popfl\n"
	"	pushl %esi\n"
	"	call guest_vcpu_main\n"
	"2:	jmp 2b\n"
	".size guest_vcpu_entry, . - guest_vcpu_entry\n"
	".popsection\n"
);

void guest_vcpu_main(uint32_t index)
{
	idt_load();
	vcpu_fn(index);
	atomic_fetch_add_u32(&vcpus_done, 1);
	/*
	 * Park. HLT with interrupts off would be a crash to hvisor; with
	 * them on and no interrupt source the vCPU stays blocked.
	 */
	for (;;)
		asm volatile("sti; hlt; cli" : : : "memory");
}

int guest_vcpu_start(uint32_t index, uint32_t eip, uint32_t esp)
{
	struct regs4 r = { .ebx = index, .ecx = eip, .edx = esp };

	return (int)vmcall(HC_VCPU_START, &r);
}

int guest_start_vcpus(uint32_t n, guest_vcpu_fn fn)
{
	uint32_t i;
	int ret;

	if (!n || n > GUEST_MAX_VCPUS)
		return HC_EINVAL;
	vcpu_fn = fn;
	for (i = 1; i < n; i++) {
		ret = guest_vcpu_start(i, (uint32_t)guest_vcpu_entry,
				       (uint32_t)&vcpu_stack[i - 1][GUEST_VCPU_STACK]);
		if (ret)
			return ret;
		vcpus_started++;
	}
	return 0;
}

void guest_wait_vcpus(void)
{
	uint64_t step = us_to_tsc(100);

	while (vcpus_done != vcpus_started) {
		if (step && sleep_until(rdtsc() + step) == 0)
			continue;
		step = 0;		/* no HC_SLEEP_UNTIL: spin */
		asm volatile("pause" : : : "memory");
	}
}

uint32_t guest_this_vcpu(void)
{
	uint32_t esp, base, i;

	asm volatile("movl %%esp, %0" : "=r"(esp));
	for (i = 0; i < GUEST_MAX_VCPUS - 1; i++) {
		base = (uint32_t)vcpu_stack[i];
		if (esp >= base && esp - base < GUEST_VCPU_STACK)
			return i + 1;
	}
	return 0;
}

/* ---- start ------------------------------------------------------------------- */

void guest_start(uint32_t magic, uint32_t mbi)
{
	idt_init();
	uart_init();
	tsc_init();
	cmdline_save(mbi);
	guest_exit(guest_main(magic, mbi));
}
