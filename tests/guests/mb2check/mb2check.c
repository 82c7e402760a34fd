// SPDX-License-Identifier: GPL-2.0
/*
 * mb2check: a Multiboot2 kernel that checks the boot contract Asterinas
 * relies on (../shared/REFERENCE.md, "Asterinas boot contract"), under
 * hvisor or under GRUB alone.
 *
 * entry.S records the 32-bit entry state and switches to long mode; the
 * checks below run in 64-bit mode, one item after another, each printing
 *
 *	PASS <item>[: <detail>]
 *	FAIL <item>: <what is wrong>
 *	SKIP <item>: <why>
 *
 * on COM1, then "mb2check: <n> passed, <n> failed, <n> skipped". Under a
 * hypervisor with the KVM signature at CPUID 0x40000000 (hvisor, and what
 * Asterinas looks for) the number of failures goes to port 0xF4, which
 * ends the guest; anywhere else mb2check powers off through Bochs' port
 * 0x8900 and then ACPI S5.
 *
 * Items:
 *	entry		EAX magic, EBX 8-byte aligned, CR0.PE=1 PG=0, IF=0, and
 *			CS DS ES FS GS SS flat (base 0, limit 4 GiB, probed)
 *	mbi-layout	total_size, 8-byte aligned tags, the end tag last
 *	mbi-mmap	tag 6, 24-byte entries, RAM (type 1) at 0x8000 and
 *			under the image
 *	mbi-cmdline	tag 1
 *	mbi-rsdp	tag 15: RSDP v2 checksums, XSDT checksum, an "APIC"
 *			table (MADT) with a good checksum
 *	madt-cpus	enabled LAPIC/x2APIC entries == vcpus=N (cmdline)
 *	ioapic-gsi0	an IOAPIC with GSI base 0
 *	module		tag 3: page-aligned, Adler-32 and length as the
 *			cmdline's modsum=HEX and modlen=N say
 *	long-mode	EFER.LME/LMA, CR0.PG, CR4.PAE in 64-bit code
 *	fsgsbase	CPUID.7.0:EBX[0], CR4.FSGSBASE, WRFSBASE/RDFSBASE
 *	xsave-size	CPUID.0xD.0 EBX and ECX <= 4096 with XCR0 = x87|SSE|AVX
 *	cpuid15		CPUID 0x15 EAX, EBX, ECX all non-zero
 *	x2apic		CPUID.1:ECX[21], the switch, the x2APIC ID (without
 *			x2APIC, the items below use the xAPIC MMIO page)
 *	tsc-deadline	LVT timer in TSC-deadline mode: fires while spinning,
 *			then wakes a HLT
 *	icr-idle	a self-IPI through the ICR; ICR bit 12 reads 0 (at
 *			once, or after polling as Asterinas does)
 *	ap-start	INIT to all-excluding-self, INIT de-assert to
 *			all-including-self, SIPI 0x08 twice: every other
 *			MADT CPU runs the trampoline at 0x8000 once
 *	ioapic-dest0	an IOAPIC entry with destination 0, fixed, edge reads
 *			back as written; COM1's THRE interrupt (IRQ4) arrives
 *
 * The module checksum is Adler-32 (RFC 1950: a = 1 + sum of the bytes,
 * b = sum of the successive a's, both mod 65521; the value is b << 16 | a),
 * chosen because a shell script can compute it with od and awk alone.
 *
 * Platform items (madt-cpus, cpuid15 .. ioapic-dest0): under the KVM
 * signature a missing feature is a FAIL; on a bare platform (GRUB on
 * Bochs or QEMU) an item whose CPU feature is missing is a SKIP ("bare
 * platform: ..."), and the rest run: all of them pass on Bochs 2.7's
 * corei7_skylake_x but cpuid15 (its ECX is 0). madt-cpus needs vcpus=N
 * on the command line and SKIPs without it.
 *
 * Time limits use the TSC rate from CPUID 0x15, or assume 1 GHz without
 * it (Bochs' TSC runs at its ips, 50 MHz in our scripts: 20 times longer).
 */
#include "mb2check.h"

/* ---- from entry.S ----------------------------------------------------- */

extern uint32_t entry_eax, entry_ebx, entry_eflags, entry_cr0, entry_cr4;
extern uint32_t entry_lm;
extern uint16_t entry_sel[6];
extern uint32_t probe_rd[6];
extern uint32_t probe_step, probe_fault_step, probe_vector;
extern uint8_t probe_page[4096];
extern volatile uint32_t ap_count;
extern volatile uint32_t ap_ids[8];
extern const uint8_t ap_tramp_start[], ap_tramp_end[];
extern const uint8_t isr_stubs[];
extern uint8_t __image_start[], __image_end[];

void mb2check_main(void) __attribute__((noreturn));

struct isr_frame {
	uint64_t r11, r10, r9, r8, rdi, rsi, rdx, rcx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};

void isr_dispatch(struct isr_frame *f);

#define MB2_MAGIC		0x36d76289u
#define SEL_CODE64		0x18
#define AP_MAX			8
#define TRAMP_BASE		0x8000u
#define SIPI_VECTOR		(TRAMP_BASE >> 12)

/* Vectors */
#define VEC_TIMER		0x40
#define VEC_SELF		0x41
#define VEC_UART		0x42
#define VEC_SPURIOUS		0xff

/* MSRs */
#define MSR_APIC_BASE		0x1b
#define APIC_BASE_EXTD		BIT(10)
#define APIC_BASE_EN		BIT(11)
#define MSR_TSC_DEADLINE	0x6e0
#define MSR_X2APIC_ICR		0x830

/* Local APIC registers: xAPIC MMIO offsets; x2APIC MSR 0x800 + off / 16. */
#define APIC_ID			0x020
#define APIC_VERSION		0x030
#define APIC_EOI		0x0b0
#define APIC_SVR		0x0f0
#define APIC_ICR		0x300
#define APIC_ICR_HI		0x310
#define APIC_LVT_TIMER		0x320
#define MSR_EFER		0xc0000080
#define MSR_FS_BASE		0xc0000100
#define MSR_GS_BASE		0xc0000101

#define ICR_FIXED		(0u << 8)
#define ICR_INIT		(5u << 8)
#define ICR_SIPI		(6u << 8)
#define ICR_BUSY		BIT(12)
#define ICR_ASSERT		BIT(14)
#define ICR_LEVEL		BIT(15)
#define ICR_ALL			(2u << 18)
#define ICR_OTHERS		(3u << 18)
#define LVT_TSCDL		(2u << 17)
#define LVT_MASKED		BIT(16)

/* IOAPIC */
#define IOAPIC_WIN		0x10
#define RTE_BUSY		BIT(12)
#define RTE_REMOTE_IRR		BIT(14)

/* COM1 */
#define COM1			0x3f8
#define UART_IER		1
#define UART_IIR		2
#define UART_FCR		2
#define UART_LCR		3
#define UART_MCR		4
#define UART_LSR		5
#define LSR_THRE		0x20
#define LSR_TEMT		0x40
#define MCR_OUT2		0x08
#define IER_THRE		0x02
#define UART_IRQ		4

#define HV_TEST_EXIT_PORT	0xf4
#define BOCHS_SHUTDOWN_PORT	0x8900

/* ---- small things ------------------------------------------------------- */

void *memcpy(void *d, const void *s, size_t n)
{
	uint8_t *dp = d;
	const uint8_t *sp = s;

	while (n--)
		*dp++ = *sp++;
	return d;
}

void *memset(void *d, int c, size_t n)
{
	uint8_t *dp = d;

	while (n--)
		*dp++ = (uint8_t)c;
	return d;
}

/* ---- output ---------------------------------------------------------------- */

static void uart_init(void)
{
	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_LCR, 0x80);		/* DLAB */
	outb(COM1 + 0, 1);			/* 115200 baud */
	outb(COM1 + 1, 0);
	outb(COM1 + UART_LCR, 0x03);		/* 8N1 */
	outb(COM1 + UART_FCR, 0x07);		/* FIFOs on and cleared */
	outb(COM1 + UART_MCR, 0x03);		/* DTR, RTS */
}

static void putc_raw(char c)
{
	unsigned int n = 0;

	/* Bounded: a missing UART must not hang us. */
	while (!(inb(COM1 + UART_LSR) & LSR_THRE) && ++n < 1000000)
		cpu_relax();
	outb(COM1, (uint8_t)c);
}

static void put_char(char c)
{
	if (c == '\n')
		putc_raw('\r');
	putc_raw(c);
}

/* A bounded string being built; vfmt() writes into it or to the UART. */
struct sbuf {
	char *buf;
	size_t cap, len;
};

static void emit(struct sbuf *sb, char c)
{
	if (!sb) {
		put_char(c);
		return;
	}
	if (sb->len + 1 < sb->cap)
		sb->buf[sb->len++] = c;
	sb->buf[sb->len] = '\0';
}

static void emit_num(struct sbuf *sb, uint64_t v, unsigned int base, int width,
		     char pad)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (width-- > n)
		emit(sb, pad);
	while (n)
		emit(sb, tmp[--n]);
}

/*
 * printf-lite: %s (with .N precision), %c, %d, %u, %x, with an optional
 * 'l' for 64 bits and an optional zero-padded or blank-padded width.
 */
static void vfmt(struct sbuf *sb, const char *f, va_list ap)
{
	for (; *f; f++) {
		int width = 0, prec = -1;
		bool lng = false;
		char pad = ' ';
		uint64_t u;
		int64_t d;
		const char *s;

		if (*f != '%') {
			emit(sb, *f);
			continue;
		}
		f++;
		if (*f == '0')
			pad = '0';
		while (*f >= '0' && *f <= '9')
			width = width * 10 + (*f++ - '0');
		if (*f == '.') {
			prec = 0;
			for (f++; *f >= '0' && *f <= '9'; f++)
				prec = prec * 10 + (*f - '0');
		}
		if (*f == 'l') {
			lng = true;
			f++;
		}
		switch (*f) {
		case 's':
			s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			for (; *s && prec != 0; s++, prec--)
				emit(sb, *s);
			break;
		case 'c':
			emit(sb, (char)va_arg(ap, int));
			break;
		case 'd':
			d = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
			if (d < 0) {
				emit(sb, '-');
				u = -(uint64_t)d;
			} else {
				u = (uint64_t)d;
			}
			emit_num(sb, u, 10, width, pad);
			break;
		case 'u':
		case 'x':
			u = lng ? va_arg(ap, uint64_t) : va_arg(ap, uint32_t);
			emit_num(sb, u, *f == 'u' ? 10 : 16, width, pad);
			break;
		case '%':
			emit(sb, '%');
			break;
		case '\0':
			return;
		default:
			emit(sb, '%');
			emit(sb, *f);
			break;
		}
	}
}

void print(const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	vfmt(NULL, f, ap);
	va_end(ap);
}

static void sb_add(struct sbuf *sb, const char *f, ...)
	__attribute__((format(printf, 2, 3)));
static void sb_add(struct sbuf *sb, const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	vfmt(sb, f, ap);
	va_end(ap);
}

#define SBUF(name, size)						\
	char name##_mem[size] = "";					\
	struct sbuf name = { name##_mem, sizeof(name##_mem), 0 }

/* Adds "; " between problems. */
static void problem(struct sbuf *sb, const char *f, ...)
	__attribute__((format(printf, 2, 3)));
static void problem(struct sbuf *sb, const char *f, ...)
{
	va_list ap;

	if (sb->len)
		sb_add(sb, "; ");
	va_start(ap, f);
	vfmt(sb, f, ap);
	va_end(ap);
}

/* ---- results ---------------------------------------------------------------- */

static unsigned int n_pass, n_fail, n_skip;
static const char *cur_item;
static bool cur_reported;
bool kvm;		/* CPUID 0x40000000 says KVMKVMKVM */

static void finish(void) __attribute__((noreturn));

void report(enum result r, const char *f, ...)
{
	static const char *const word[] = { "PASS", "FAIL", "SKIP" };
	va_list ap;

	if (cur_reported)
		return;
	cur_reported = true;
	if (r == RES_PASS)
		n_pass++;
	else if (r == RES_FAIL)
		n_fail++;
	else
		n_skip++;
	print("%s %s", word[r], cur_item);
	if (*f) {
		print(": ");
		va_start(ap, f);
		vfmt(NULL, f, ap);
		va_end(ap);
	}
	print("\n");
}

static void run_item(const char *name, void (*fn)(void))
{
	cur_item = name;
	cur_reported = false;
	fn();
	if (!cur_reported)
		report(RES_FAIL, "the check gave no result (mb2check bug)");
	cur_item = NULL;
}

/* ---- time ------------------------------------------------------------------- */

static uint64_t tsc_hz;		/* from CPUID 0x15, or 0 */

/* TSC ticks for @us; a 1 GHz TSC is assumed when its rate is unknown. */
uint64_t us_to_ticks(uint64_t us)
{
	return tsc_hz ? us * (tsc_hz / 1000000) : us * 1000;
}

static void delay_us(uint64_t us)
{
	uint64_t end = rdtsc() + us_to_ticks(us);

	while (rdtsc() < end)
		cpu_relax();
}

/* ---- interrupts ------------------------------------------------------------- */

struct idt_gate {
	uint16_t off0;
	uint16_t sel;
	uint8_t ist;
	uint8_t type;
	uint16_t off1;
	uint32_t off2;
	uint32_t zero;
} __attribute__((packed));

static struct idt_gate idt[256] __attribute__((aligned(16)));

static void idt_init(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) idtr = { sizeof(idt) - 1, (uint64_t)idt };

	for (unsigned int v = 0; v < 256; v++) {
		uint64_t a = (uint64_t)isr_stubs + 16 * v;

		idt[v].off0 = (uint16_t)a;
		idt[v].sel = SEL_CODE64;
		idt[v].ist = 0;
		idt[v].type = 0x8e;		/* present, DPL 0, interrupt gate */
		idt[v].off1 = (uint16_t)(a >> 16);
		idt[v].off2 = (uint32_t)(a >> 32);
		idt[v].zero = 0;
	}
	asm volatile("lidt %0" : : "m"(idtr));
}

/*
 * The BSP's local APIC: x2APIC mode where CPUID offers it (the x2apic
 * item switches), else xAPIC through its MMIO page, so that the APIC
 * items still run where there is no x2APIC (QEMU TCG).
 */
static bool x2apic_on, xapic_on;
static uint64_t xapic_base;

static uint32_t apic_read(uint32_t off)
{
	if (x2apic_on)
		return (uint32_t)rdmsr(0x800 + (off >> 4));
	return rd32(xapic_base + off);
}

static void apic_write(uint32_t off, uint32_t v)
{
	if (x2apic_on)
		wrmsr(0x800 + (off >> 4), v);
	else
		wr32(xapic_base + off, v);
}

static uint32_t apic_id(void)
{
	return x2apic_on ? apic_read(APIC_ID) : apic_read(APIC_ID) >> 24;
}

/* The ICR as one 64-bit value; the destination is in bits 63:32. */
static void icr_write(uint32_t dest, uint32_t low)
{
	if (x2apic_on) {
		wrmsr(MSR_X2APIC_ICR, (uint64_t)dest << 32 | low);
		return;
	}
	wr32(xapic_base + APIC_ICR_HI, dest << 24);
	wr32(xapic_base + APIC_ICR, low);
}

static uint64_t icr_read(void)
{
	if (x2apic_on)
		return rdmsr(MSR_X2APIC_ICR);
	return (uint64_t)(rd32(xapic_base + APIC_ICR_HI) >> 24) << 32 |
	       rd32(xapic_base + APIC_ICR);
}

static const char *apic_mode(void)
{
	return x2apic_on ? "x2APIC" : "xAPIC";
}

void apic_eoi(void)
{
	if (x2apic_on || xapic_on)
		apic_write(APIC_EOI, 0);
}

/*
 * The LVT timer in TSC-deadline mode fires at @tsc (VEC_TIMER): a HLT
 * that waits for a device wakes by then at the latest. False without a
 * local APIC or TSC-deadline mode.
 */
bool wakeup_at(uint64_t tsc)
{
	if (!(x2apic_on || xapic_on) || !(cpuid(1, 0).c & BIT(24)))
		return false;
	apic_write(APIC_LVT_TIMER, LVT_TSCDL | VEC_TIMER);
	wrmsr(MSR_TSC_DEADLINE, tsc);
	return true;
}

/* What the handlers saw. */
static volatile uint32_t timer_hits;
static volatile uint64_t timer_tsc[2];
static volatile uint32_t self_hits;
static volatile uint32_t uart_hits, uart_iir, uart_apic_id;
static volatile uint32_t stray_hits, stray_vector;

void isr_dispatch(struct isr_frame *f)
{
	uint32_t v = (uint32_t)f->vector;

	if (v < 32) {
		/* An exception: the item under way fails and we stop. */
		if (cur_item && !cur_reported) {
			report(RES_FAIL, "exception %u (error code %lx) at rip %lx",
			       v, f->error, f->rip);
		} else {
			print("mb2check: exception %u (error code %lx) at rip %lx\n",
			      v, f->error, f->rip);
			n_fail++;
		}
		finish();
	}
	switch (v) {
	case VEC_TIMER:
		if (timer_hits < 2)
			timer_tsc[timer_hits] = rdtsc();
		timer_hits++;
		apic_eoi();
		break;
	case VEC_SELF:
		self_hits++;
		apic_eoi();
		break;
	case VEC_UART:
		/* Reading IIR acknowledges THRE; IER off stops it coming back. */
		uart_iir = inb(COM1 + UART_IIR);
		outb(COM1 + UART_IER, 0);
		uart_apic_id = x2apic_on || xapic_on ? apic_id() : ~0u;
		uart_hits++;
		apic_eoi();
		break;
	case VEC_SPURIOUS:
		break;		/* no EOI for the spurious vector */
	case VEC_VIRTIO ... VEC_VIRTIO + VIRTIO_SLOTS - 1:
		virtio_irq(v - VEC_VIRTIO);
		apic_eoi();
		break;
	default:
		stray_vector = v;
		stray_hits++;
		apic_eoi();
		break;
	}
}

/* ---- command line ------------------------------------------------------------ */

#define CMDLINE_MAX	512
static char cmdline[CMDLINE_MAX];

/*
 * KEY=VALUE from the command line (words split at blanks). VALUE is
 * decimal, or hex with a 0x prefix; @hex says it is hex without one too.
 * Returns 1 when found and valid, 0 when absent, -1 when malformed.
 */
int arg_u64(const char *key, bool hex, uint64_t *val)
{
	const char *p = cmdline;
	size_t klen = str_len(key);

	while (*p) {
		const char *w, *e;

		while (*p == ' ')
			p++;
		w = p;
		while (*p && *p != ' ')
			p++;
		e = p;
		if ((size_t)(e - w) <= klen || !mem_eq(w, key, klen) ||
		    w[klen] != '=')
			continue;
		w += klen + 1;
		unsigned int base = hex ? 16 : 10;
		uint64_t v = 0;

		if (e - w > 2 && w[0] == '0' && (w[1] == 'x' || w[1] == 'X')) {
			base = 16;
			w += 2;
		}
		if (w == e)
			return -1;
		for (; w < e; w++) {
			unsigned int dg;

			if (*w >= '0' && *w <= '9')
				dg = *w - '0';
			else if (*w >= 'a' && *w <= 'f')
				dg = *w - 'a' + 10;
			else if (*w >= 'A' && *w <= 'F')
				dg = *w - 'A' + 10;
			else
				return -1;
			if (dg >= base)
				return -1;
			v = v * base + dg;
		}
		*val = v;
		return 1;
	}
	return 0;
}

/* ---- the MBI ------------------------------------------------------------------ */

struct mb2_tag {
	uint32_t type;
	uint32_t size;
};

static uint64_t mbi;		/* its address (EBX) */
static uint32_t mbi_total;
static bool mbi_ok;		/* mbi-layout passed */

/* The first tag of @type, walked with bounds checks; NULL if none. */
static const struct mb2_tag *mbi_tag(uint32_t type)
{
	uint32_t off;

	if (!mbi || (mbi & 7) || mbi_total < 16 || mbi_total > (1u << 20))
		return NULL;
	for (off = 8; off + 8 <= mbi_total;) {
		const struct mb2_tag *t = (const void *)(mbi + off);

		if (t->type == 0 || t->size < 8 || t->size > mbi_total - off)
			return NULL;
		if (t->type == type)
			return t;
		off += (t->size + 7) & ~7u;
	}
	return NULL;
}

/* ---- ACPI --------------------------------------------------------------------- */

struct sdt {
	char sig[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem[6];
	char oem_table[8];
	uint32_t oem_rev;
	uint32_t creator;
	uint32_t creator_rev;
} __attribute__((packed));

static uint8_t sum8(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint8_t s = 0;

	while (n--)
		s += *b++;
	return s;
}

/*
 * A table at @addr with signature @sig, a sane length and a zero checksum;
 * NULL (and why, in @why) otherwise.
 */
static const struct sdt *table_at(uint64_t addr, const char *sig,
				  struct sbuf *why)
{
	const struct sdt *t = (const void *)addr;

	if (!addr || addr >= (1ull << 32) - sizeof(*t)) {
		problem(why, "%s at %lx: not in the low 4 GiB", sig, addr);
		return NULL;
	}
	if (!mem_eq(t->sig, sig, 4)) {
		problem(why, "%s at %lx: signature '%.4s'", sig, addr, t->sig);
		return NULL;
	}
	if (t->length < sizeof(*t) || t->length > (1u << 20)) {
		problem(why, "%s at %lx: length %u", sig, addr, t->length);
		return NULL;
	}
	if (sum8(t, t->length)) {
		problem(why, "%s at %lx: bad checksum", sig, addr);
		return NULL;
	}
	return t;
}

static const struct sdt *root_sdt;	/* XSDT or RSDT */
static bool root_is_xsdt;
static const struct sdt *madt;

static uint32_t root_entries(void)
{
	if (!root_sdt)
		return 0;
	return (root_sdt->length - sizeof(*root_sdt)) / (root_is_xsdt ? 8 : 4);
}

static uint64_t root_entry(uint32_t i)
{
	const uint8_t *e = (const uint8_t *)(root_sdt + 1);
	uint64_t v;

	if (root_is_xsdt) {
		memcpy(&v, e + 8 * i, 8);
		return v;
	}
	uint32_t w;

	memcpy(&w, e + 4 * i, 4);
	return w;
}

/* Lists the root's tables into @sb and finds the MADT ("APIC"). */
static const struct sdt *find_in_root(const char *sig, struct sbuf *list,
				      struct sbuf *why)
{
	const struct sdt *found = NULL;

	for (uint32_t i = 0; i < root_entries(); i++) {
		uint64_t a = root_entry(i);
		const struct sdt *t = (const void *)a;

		if (!a || a >= (1ull << 32) - sizeof(*t))
			continue;
		if (list)
			sb_add(list, "%s%.4s", list->len ? " " : "", t->sig);
		if (!found && mem_eq(t->sig, sig, 4))
			found = table_at(a, sig, why);
	}
	return found;
}

/* Walks the MADT's entries: calls @fn(type, entry, len) for each. */
static void madt_walk(void (*fn)(uint8_t type, const uint8_t *e, uint8_t len,
				 void *ctx), void *ctx)
{
	const uint8_t *p, *end;

	if (!madt)
		return;
	p = (const uint8_t *)madt + sizeof(*madt) + 8;	/* LAPIC addr, flags */
	end = (const uint8_t *)madt + madt->length;
	while (p + 2 <= end && p[1] >= 2 && p + p[1] <= end) {
		fn(p[0], p, p[1], ctx);
		p += p[1];
	}
}

static uint32_t madt_cpus;		/* enabled LAPIC/x2APIC entries */
static uint32_t madt_ids[AP_MAX + 1];
uint64_t ioapic_addr;		/* the IOAPIC with GSI base 0 */
uint32_t ioapic_gsi_base;
static uint32_t uart_gsi = UART_IRQ;	/* IRQ4, unless an override moves it */

/* ---- power off ------------------------------------------------------------------ */

/* SLP_TYPa of \_S5 in the DSDT, or -1. */
static int acpi_s5_type(const struct sdt *dsdt)
{
	const uint8_t *p = (const uint8_t *)dsdt, *end = p + dsdt->length;

	for (p += sizeof(*dsdt); p + 8 < end; p++) {
		if (!mem_eq(p, "_S5_", 4) || p[4] != 0x12)	/* PackageOp */
			continue;
		p += 5;
		p += (*p >> 6) + 1;	/* PkgLength */
		p++;			/* NumElements */
		if (*p == 0x0a)		/* BytePrefix */
			return p[1];
		if (*p == 0x00 || *p == 0x01)	/* ZeroOp, OneOp */
			return *p;
		return *p;
	}
	return -1;
}

static void acpi_poweroff(void)
{
	const struct sdt *fadt, *dsdt;
	uint32_t pm1a, pm1b, dsdt_addr;
	int typ;
	SBUF(why, 128);

	if (!root_sdt)
		return;
	fadt = find_in_root("FACP", NULL, &why);
	if (!fadt || fadt->length < 72)
		return;
	memcpy(&dsdt_addr, (const uint8_t *)fadt + 40, 4);
	memcpy(&pm1a, (const uint8_t *)fadt + 64, 4);
	memcpy(&pm1b, (const uint8_t *)fadt + 68, 4);
	dsdt = table_at(dsdt_addr, "DSDT", &why);
	typ = dsdt ? acpi_s5_type(dsdt) : -1;
	if (typ < 0 || !pm1a)
		return;
	outw((uint16_t)pm1a, (uint16_t)((typ & 7) << 10 | BIT(13)));
	if (pm1b)
		outw((uint16_t)pm1b, (uint16_t)((typ & 7) << 10 | BIT(13)));
}

static uint64_t tsc_start;

static void finish(void)
{
	const char *s;
	unsigned int n = 0;

	asm volatile("cli");
	print("mb2check: the checks took %lu TSC ticks\n", rdtsc() - tsc_start);
	print("mb2check: %u passed, %u failed, %u skipped\n", n_pass, n_fail,
	      n_skip);
	while (!(inb(COM1 + UART_LSR) & LSR_TEMT) && ++n < 1000000)
		cpu_relax();
	if (kvm)
		outl(HV_TEST_EXIT_PORT, n_fail);
	/* Bare (or still here): Bochs' power-off port, then ACPI S5. */
	for (s = "Shutdown"; *s; s++)
		outb(BOCHS_SHUTDOWN_PORT, (uint8_t)*s);
	acpi_poweroff();
	for (;;)
		asm volatile("cli; hlt");
}

/* ---- items ------------------------------------------------------------------------ */

static void t_entry(void)
{
	static const char *const seg[6] = { "DS", "ES", "FS", "GS", "SS", "CS" };
	static const uint16_t sel_idx[6] = { 1, 2, 3, 4, 5, 0 };
	uint32_t want_rd;
	SBUF(why, 512);

	if (entry_eax != MB2_MAGIC)
		problem(&why, "EAX %x, want %x", entry_eax, MB2_MAGIC);
	if (!entry_ebx || (entry_ebx & 7))
		problem(&why, "EBX %x not a non-zero multiple of 8", entry_ebx);
	if (!(entry_cr0 & BIT(0)))
		problem(&why, "CR0 %x: PE clear", entry_cr0);
	if (entry_cr0 & BIT(31))
		problem(&why, "CR0 %x: paging on", entry_cr0);
	if (entry_eflags & BIT(9))
		problem(&why, "EFLAGS %x: IF set", entry_eflags);
	if (entry_eflags & BIT(17))
		problem(&why, "EFLAGS %x: VM set", entry_eflags);
	/* The probes of entry.S, in order DS ES FS GS SS CS. */
	memcpy(&want_rd, probe_page + 0xffc, 4);
	for (unsigned int i = 0; i < 6; i++) {
		uint32_t wrote;

		if (probe_fault_step == i + 1) {
			problem(&why, "%s (selector %x) is not flat: exception %u "
				"at %s:0xfffffffc", seg[i], entry_sel[sel_idx[i]],
				probe_vector, seg[i]);
			break;
		}
		if (probe_fault_step && probe_fault_step < i + 1)
			break;
		if (probe_rd[i] != (i < 5 ? want_rd : 0x600dc0deu)) {
			problem(&why, "%s (selector %x) is not flat: %s %x at the "
				"top of 4 GiB, want %x", seg[i],
				entry_sel[sel_idx[i]],
				i < 5 ? "read" : "code there returned", probe_rd[i],
				i < 5 ? want_rd : 0x600dc0deu);
			continue;
		}
		if (i == 5)
			break;
		memcpy(&wrote, probe_page + 0xfe0 + 4 * i, 4);
		if (wrote != 0x5ec00000u + i)
			problem(&why, "%s (selector %x): a write at %s:0x%x did not "
				"land at linear 0x%x", seg[i], entry_sel[sel_idx[i]],
				seg[i], 0xffffffe0 + 4 * i, 0xffffffe0 + 4 * i);
	}
	if (probe_fault_step > 6)
		problem(&why, "exception %u outside the probes", probe_vector);
	if (why.len)
		FAIL("%s", why.buf);
	PASS("EAX %x, EBX %x, CR0 %x, EFLAGS %x; CS %x DS %x ES %x FS %x GS %x "
	     "SS %x: base 0, limit 4 GiB (probed)",
	     entry_eax, entry_ebx, entry_cr0, entry_eflags, entry_sel[0],
	     entry_sel[1], entry_sel[2], entry_sel[3], entry_sel[4], entry_sel[5]);
}

static void t_mbi_layout(void)
{
	uint32_t off, reserved;
	SBUF(types, 160);

	if (!mbi || (mbi & 7))
		FAIL("MBI address %lx is not 8-byte aligned", mbi);
	mbi_total = rd32(mbi);
	reserved = rd32(mbi + 4);
	if (mbi_total < 16 || mbi_total > (1u << 20))
		FAIL("total_size %u at %lx (want 16 .. 1 MiB)", mbi_total, mbi);
	if (mbi + mbi_total > (1ull << 32))
		FAIL("MBI %lx + %u crosses 4 GiB", mbi, mbi_total);
	for (off = 8; off + 8 <= mbi_total;) {
		const struct mb2_tag *t = (const void *)(mbi + off);

		if (t->size < 8 || t->size > mbi_total - off)
			FAIL("tag type %u at offset %u: size %u overruns total_size %u",
			     t->type, off, t->size, mbi_total);
		if (t->type == 0) {
			if (t->size != 8)
				FAIL("end tag at offset %u has size %u", off, t->size);
			if (off != mbi_total - 8)
				FAIL("end tag at offset %u, want total_size - 8 = %u",
				     off, mbi_total - 8);
			mbi_ok = true;
			PASS("MBI at %lx, total_size %u, reserved %u, tags %s, end tag last",
			     mbi, mbi_total, reserved, types.buf);
		}
		sb_add(&types, "%s%u", types.len ? "," : "", t->type);
		off += (t->size + 7) & ~7u;	/* the next tag is 8-byte aligned */
	}
	FAIL("no end tag within total_size %u (tags %s)", mbi_total, types.buf);
}

struct mmap_tag {
	uint32_t type, size, entry_size, entry_version;
};

struct mmap_entry {
	uint64_t base, len;
	uint32_t type, reserved;
};

/* Is [@lo, @hi) inside one type-1 region? */
static bool mmap_ram(const struct mmap_tag *m, uint64_t lo, uint64_t hi)
{
	const struct mmap_entry *e = (const void *)(m + 1);
	uint32_t n = (m->size - sizeof(*m)) / sizeof(*e);

	for (uint32_t i = 0; i < n; i++)
		if (e[i].type == 1 && e[i].base <= lo && hi <= e[i].base + e[i].len)
			return true;
	return false;
}

static void t_mbi_mmap(void)
{
	const struct mmap_tag *m = (const void *)mbi_tag(6);
	const struct mmap_entry *e;
	uint64_t ram = 0;
	uint32_t n, n_ram = 0;
	SBUF(why, 256);

	if (!m)
		FAIL("no tag 6 (memory map)");
	if (m->size < sizeof(*m))
		FAIL("tag 6 has size %u", m->size);
	if (m->entry_size != 24)
		FAIL("entry_size %u, want 24", m->entry_size);
	e = (const void *)(m + 1);
	n = (m->size - sizeof(*m)) / 24;
	for (uint32_t i = 0; i < n; i++) {
		if (e[i].type != 1)
			continue;
		n_ram++;
		ram += e[i].len;
	}
	if (!n_ram)
		problem(&why, "no type-1 (RAM) region in %u entries", n);
	if (!mmap_ram(m, TRAMP_BASE, TRAMP_BASE + 0x1000))
		problem(&why, "0x8000..0x8fff (the AP trampoline) is not type-1 RAM");
	if (!mmap_ram(m, (uint64_t)__image_start, (uint64_t)__image_end))
		problem(&why, "the image %lx..%lx is not in type-1 RAM",
			(uint64_t)__image_start, (uint64_t)__image_end);
	if (why.len)
		FAIL("%s", why.buf);
	PASS("%u entries (version %u), %u RAM regions with %lu KiB; RAM at 0x8000 "
	     "and under the image %lx..%lx", n, m->entry_version, n_ram, ram >> 10,
	     (uint64_t)__image_start, (uint64_t)__image_end);
}

static void t_mbi_cmdline(void)
{
	const struct mb2_tag *t = mbi_tag(1);
	const char *s;
	uint32_t i, max;

	if (!t)
		FAIL("no tag 1 (command line)");
	s = (const char *)(t + 1);
	max = t->size - 8;
	for (i = 0; i < max && s[i]; i++)
		if (i < CMDLINE_MAX - 1)
			cmdline[i] = s[i];
	cmdline[i < CMDLINE_MAX - 1 ? i : CMDLINE_MAX - 1] = '\0';
	if (i == max)
		FAIL("the string is not NUL-terminated within the tag (size %u)",
		     t->size);
	PASS("'%s'", cmdline);
}

static void t_mbi_rsdp(void)
{
	const struct mb2_tag *t15 = mbi_tag(15), *t14 = mbi_tag(14);
	SBUF(why, 384);
	SBUF(list, 160);

	if (t15) {
		const uint8_t *r = (const uint8_t *)(t15 + 1);
		uint32_t len;
		uint64_t xsdt;

		if (t15->size < 8 + 36)
			FAIL("tag 15 has size %u, too small for an RSDP v2", t15->size);
		memcpy(&len, r + 20, 4);
		memcpy(&xsdt, r + 24, 8);
		if (!mem_eq(r, "RSD PTR ", 8))
			problem(&why, "no 'RSD PTR ' signature");
		if (sum8(r, 20))
			problem(&why, "bad checksum over the first 20 bytes");
		if (r[15] < 2)
			problem(&why, "revision %u, want 2 or more", r[15]);
		if (len < 36 || len > t15->size - 8)
			problem(&why, "length %u (tag size %u)", len, t15->size);
		else if (sum8(r, len))
			problem(&why, "bad extended checksum over %u bytes", len);
		if (why.len)
			FAIL("%s", why.buf);
		root_sdt = table_at(xsdt, "XSDT", &why);
		root_is_xsdt = true;
		if (!root_sdt)
			FAIL("%s", why.buf);
		madt = find_in_root("APIC", &list, &why);
		if (!madt)
			FAIL("XSDT %lx (%s): %s", xsdt, list.buf,
			     why.len ? why.buf : "no MADT ('APIC')");
		PASS("RSDP rev %u, OEM '%.6s'; XSDT %lx lists %s; MADT at %lx",
		     r[15], (const char *)r + 9, xsdt, list.buf, (uint64_t)madt);
	}
	if (!t14)
		FAIL("neither tag 15 nor tag 14");
	/*
	 * Tag 14 only: find the MADT through the RSDT anyway, as Asterinas
	 * would, so that madt-cpus and the IOAPIC items can run.
	 */
	const uint8_t *r = (const uint8_t *)(t14 + 1);
	uint32_t rsdt;

	if (t14->size < 8 + 20 || !mem_eq(r, "RSD PTR ", 8) || sum8(r, 20))
		FAIL("no tag 15, and tag 14's RSDP is broken");
	memcpy(&rsdt, r + 16, 4);
	root_sdt = table_at(rsdt, "RSDT", &why);
	root_is_xsdt = false;
	if (root_sdt)
		madt = find_in_root("APIC", &list, &why);
	if (kvm)
		FAIL("no tag 15 (ACPI 2.0 RSDP), only tag 14 (rev %u)", r[15]);
	if (!madt)
		FAIL("no tag 15, and tag 14 gives no good MADT: %s", why.buf);
	SKIP("no tag 15, the firmware has an ACPI 1.0 RSDP only (tag 14, rev %u, "
	     "OEM '%.6s'); RSDT %x (%s), MADT %lx good", r[15],
	     (const char *)r + 9, rsdt, list.buf, (uint64_t)madt);
}

struct madt_count {
	uint32_t enabled, disabled;
};

static void count_cpu(uint8_t type, const uint8_t *e, uint8_t len, void *ctx)
{
	struct madt_count *c = ctx;
	uint32_t flags, id;

	if (type == 0 && len >= 8) {
		id = e[3];
		memcpy(&flags, e + 4, 4);
	} else if (type == 9 && len >= 16) {
		memcpy(&id, e + 4, 4);
		memcpy(&flags, e + 8, 4);
	} else {
		return;
	}
	if (!(flags & 1)) {
		c->disabled++;
		return;
	}
	if (c->enabled < AP_MAX + 1)
		madt_ids[c->enabled] = id;
	c->enabled++;
}

static void t_madt_cpus(void)
{
	struct madt_count c = { 0, 0 };
	uint64_t want;
	int r;
	SBUF(ids, 96);

	if (!madt)
		FAIL("no MADT");
	madt_walk(count_cpu, &c);
	madt_cpus = c.enabled;
	for (uint32_t i = 0; i < c.enabled && i <= AP_MAX; i++)
		sb_add(&ids, "%s%u", i ? "," : "", madt_ids[i]);
	r = arg_u64("vcpus", false, &want);
	if (r < 0)
		FAIL("bad vcpus= in '%s'", cmdline);
	if (!c.enabled)
		FAIL("no enabled LAPIC or x2APIC entry (%u disabled)", c.disabled);
	if (r == 0)
		SKIP("no vcpus= on the command line; the MADT lists %u enabled "
		     "CPU(s) (APIC IDs %s)", c.enabled, ids.buf);
	if (c.enabled != want)
		FAIL("%u enabled CPU(s) in the MADT (APIC IDs %s, %u disabled), "
		     "vcpus=%lu", c.enabled, ids.buf, c.disabled, want);
	PASS("%u enabled CPU(s), APIC IDs %s (%u disabled), as vcpus=%lu",
	     c.enabled, ids.buf, c.disabled, want);
}

struct madt_io {
	struct sbuf *list;
	uint32_t n;
};

static void find_ioapic(uint8_t type, const uint8_t *e, uint8_t len, void *ctx)
{
	struct madt_io *io = ctx;
	uint32_t addr, gsi;

	if (type == 1 && len >= 12) {
		memcpy(&addr, e + 4, 4);
		memcpy(&gsi, e + 8, 4);
		sb_add(io->list, "%sIOAPIC id %u at %x, GSI base %u",
		       io->list->len ? "; " : "", e[2], addr, gsi);
		if (gsi == 0 && !ioapic_addr) {
			ioapic_addr = addr;
			ioapic_gsi_base = gsi;
		}
		io->n++;
	} else if (type == 2 && len >= 10) {
		memcpy(&gsi, e + 4, 4);
		sb_add(io->list, "%sIRQ%u->GSI%u", io->list->len ? "; " : "",
		       e[3], gsi);
		if (e[3] == UART_IRQ)
			uart_gsi = gsi;
	}
}

static void t_ioapic_gsi0(void)
{
	SBUF(list, 384);
	struct madt_io io = { &list, 0 };

	if (!madt)
		FAIL("no MADT");
	madt_walk(find_ioapic, &io);
	if (!io.n)
		FAIL("no IOAPIC entry in the MADT");
	if (!ioapic_addr)
		FAIL("no IOAPIC with GSI base 0: %s", list.buf);
	PASS("%s", list.buf);
}

static uint32_t adler32(const uint8_t *p, uint64_t n)
{
	uint32_t a = 1, b = 0;

	while (n--) {
		a = (a + *p++) % 65521;
		b = (b + a) % 65521;
	}
	return b << 16 | a;
}

static void t_module(void)
{
	const struct mb2_tag *t = mbi_tag(3);
	uint32_t start, end, sum;
	uint64_t want_sum, want_len;
	int rs, rl;
	SBUF(why, 256);

	if (!t)
		FAIL("no tag 3 (module)");
	if (t->size < 17)
		FAIL("tag 3 has size %u", t->size);
	memcpy(&start, (const uint8_t *)t + 8, 4);
	memcpy(&end, (const uint8_t *)t + 12, 4);
	if (end < start)
		FAIL("mod_end %x below mod_start %x", end, start);
	sum = adler32((const uint8_t *)(uint64_t)start, end - start);
	if (start & 0xfff)
		problem(&why, "mod_start %x is not page-aligned", start);
	rs = arg_u64("modsum", true, &want_sum);
	rl = arg_u64("modlen", false, &want_len);
	if (rs <= 0 || rl <= 0)
		problem(&why, "no valid modsum=/modlen= on the command line "
			"(the module has Adler-32 %08x, %u bytes)", sum, end - start);
	else if (want_sum != sum || want_len != end - start)
		problem(&why, "module %x..%x: %u bytes with Adler-32 %08x, the "
			"cmdline says %lu bytes with %08lx", start, end, end - start,
			sum, want_len, want_sum);
	if (why.len)
		FAIL("%s", why.buf);
	PASS("module '%s' at %x..%x, %u bytes, Adler-32 %08x as modsum/modlen say",
	     (const char *)t + 16, start, end, end - start, sum);
}

static void t_long_mode(void)
{
	uint64_t efer = rdmsr(MSR_EFER), cr0 = read_cr0(), cr4 = read_cr4();
	uint16_t cs;
	SBUF(why, 256);

	asm volatile("mov %%cs, %0" : "=r"(cs));
	if (!(efer & BIT(8)) || !(efer & BIT(10)))
		problem(&why, "EFER %lx: LME/LMA not both set", efer);
	if (!(cr0 & BIT(31)) || !(cr0 & BIT(0)))
		problem(&why, "CR0 %lx: PG/PE not both set", cr0);
	if (!(cr4 & BIT(5)))
		problem(&why, "CR4 %lx: PAE clear", cr4);
	if (cs != SEL_CODE64)
		problem(&why, "CS %x, want our 64-bit selector %x", cs, SEL_CODE64);
	/* The identity map reaches the top of 4 GiB: the probe page's alias. */
	if (*(volatile uint8_t *)0xffffffffull != 0xc3)
		problem(&why, "linear 0xffffffff does not reach the probe page");
	if (why.len)
		FAIL("%s", why.buf);
	PASS("EFER %lx, CR0 %lx, CR4 %lx, CS %x (64-bit); 0..4 GiB identity-mapped "
	     "with 2 MiB pages", efer, cr0, cr4, cs);
}

static void t_fsgsbase(void)
{
	const uint64_t v1 = 0x00007f1234567000ull, v2 = 0xffff800012345000ull;
	uint64_t fs, gs, msr;
	struct cpuid_r r = cpuid(0, 0);

	if (r.a < 7 || !(cpuid(7, 0).b & BIT(0)))
		FAIL("CPUID.7.0:EBX[0] (FSGSBASE) is clear");
	write_cr4(read_cr4() | BIT(16));
	asm volatile("wrfsbase %0" : : "r"(v1) : "memory");
	asm volatile("wrgsbase %0" : : "r"(v2) : "memory");
	asm volatile("rdfsbase %0" : "=r"(fs) : : "memory");
	asm volatile("rdgsbase %0" : "=r"(gs) : : "memory");
	msr = rdmsr(MSR_FS_BASE);
	asm volatile("wrfsbase %0" : : "r"(0ull) : "memory");
	asm volatile("wrgsbase %0" : : "r"(0ull) : "memory");
	if (fs != v1 || gs != v2)
		FAIL("RDFSBASE %lx, RDGSBASE %lx after writing %lx, %lx", fs, gs,
		     v1, v2);
	if (msr != v1)
		FAIL("IA32_FS_BASE %lx after WRFSBASE %lx", msr, v1);
	PASS("CR4.FSGSBASE set; WRFSBASE/RDFSBASE and WRGSBASE/RDGSBASE "
	     "round-trip, IA32_FS_BASE agrees");
}

static void t_xsave_size(void)
{
	struct cpuid_r r1 = cpuid(1, 0), rd;
	uint64_t xcr0, want, got;
	uint32_t lo, hi;

	if (!(r1.c & BIT(26)))
		FAIL("CPUID.1:ECX[26] (XSAVE) is clear");
	if (cpuid(0, 0).a < 0xd)
		FAIL("no CPUID leaf 0xD");
	rd = cpuid(0xd, 0);
	write_cr4(read_cr4() | BIT(18));	/* OSXSAVE */
	want = 3;				/* x87 | SSE */
	if ((r1.c & BIT(28)) && (rd.a & 4))
		want |= 4;			/* AVX */
	xcr0 = want & (((uint64_t)rd.d << 32) | rd.a);
	asm volatile("xsetbv" : : "c"(0), "a"((uint32_t)xcr0),
		     "d"((uint32_t)(xcr0 >> 32)) : "memory");
	asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	got = ((uint64_t)hi << 32) | lo;
	rd = cpuid(0xd, 0);
	if (got != xcr0)
		FAIL("XCR0 reads %lx after writing %lx", got, xcr0);
	if (rd.b > 4096 || rd.c > 4096)
		FAIL("XCR0 %lx: XSAVE area %u bytes, %u for all supported "
		     "features (%lx); Asterinas needs <= 4096", xcr0, rd.b, rd.c,
		     ((uint64_t)rd.d << 32) | rd.a);
	PASS("XCR0 %lx: %u bytes; %u bytes for all supported features (%lx)",
	     xcr0, rd.b, rd.c, ((uint64_t)rd.d << 32) | rd.a);
}

static void t_cpuid15(void)
{
	struct cpuid_r r = { 0, 0, 0, 0 };
	char what[96];
	struct sbuf sb = { what, sizeof(what), 0 };

	if (cpuid(0, 0).a >= 0x15)
		r = cpuid(0x15, 0);
	sb_add(&sb, "CPUID 0x15 EAX %u EBX %u ECX %u", r.a, r.b, r.c);
	NEED(r.a && r.b && r.c, what);
	tsc_hz = (uint64_t)r.c * r.b / r.a;
	PASS("EAX %u, EBX %u, ECX %u: TSC %lu Hz", r.a, r.b, r.c, tsc_hz);
}

static void t_x2apic(void)
{
	struct cpuid_r r1 = cpuid(1, 0);
	uint64_t base;
	uint32_t id, want_id, ver;

	base = rdmsr(MSR_APIC_BASE);
	if (!(base & APIC_BASE_EN))
		wrmsr(MSR_APIC_BASE, base |= APIC_BASE_EN);
	if (!(r1.c & BIT(21))) {
		/* The other APIC items go on in xAPIC mode. */
		xapic_base = base & 0xfffff000ull;
		xapic_on = true;
		apic_write(APIC_SVR, 0x100 | VEC_SPURIOUS);
		NEED(false, "CPUID.1:ECX[21] (x2APIC) is clear");
	}
	wrmsr(MSR_APIC_BASE, base | APIC_BASE_EN | APIC_BASE_EXTD);
	base = rdmsr(MSR_APIC_BASE);
	if ((base & (APIC_BASE_EN | APIC_BASE_EXTD)) !=
	    (APIC_BASE_EN | APIC_BASE_EXTD))
		FAIL("IA32_APIC_BASE %lx after setting EN and EXTD", base);
	x2apic_on = true;
	apic_write(APIC_SVR, 0x100 | VEC_SPURIOUS);	/* software-enable */
	id = apic_id();
	ver = apic_read(APIC_VERSION);
	want_id = r1.b >> 24;
	if (cpuid(0, 0).a >= 0xb)
		want_id = cpuid(0xb, 0).d;
	if (id != want_id)
		FAIL("x2APIC ID %u, CPUID says %u", id, want_id);
	PASS("IA32_APIC_BASE %lx, x2APIC ID %u, version %x", base, id, ver);
}

static void t_tsc_deadline(void)
{
	uint64_t delta, deadline[2], late[2], limit, left;

	NEED(cpuid(1, 0).c & BIT(24), "CPUID.1:ECX[24] (TSC-deadline) is clear");
	NEED(x2apic_on || xapic_on, "no local APIC");
	delta = us_to_ticks(1000);
	timer_hits = 0;
	apic_write(APIC_LVT_TIMER, LVT_TSCDL | VEC_TIMER);
	asm volatile("mfence" : : : "memory");

	/* 1: while spinning, with a time limit. */
	deadline[0] = rdtsc() + delta;
	wrmsr(MSR_TSC_DEADLINE, deadline[0]);
	limit = deadline[0] + us_to_ticks(100000);
	asm volatile("sti");
	while (!timer_hits && rdtsc() < limit)
		cpu_relax();
	asm volatile("cli");
	left = rdmsr(MSR_TSC_DEADLINE);
	if (!timer_hits) {
		wrmsr(MSR_TSC_DEADLINE, 0);
		FAIL("no interrupt within 100 ms of the deadline (IA32_TSC_DEADLINE "
		     "reads %lx)", left);
	}
	if (timer_tsc[0] < deadline[0])
		FAIL("fired %lu ticks before the deadline", deadline[0] - timer_tsc[0]);
	late[0] = timer_tsc[0] - deadline[0];

	/* 2: HLT must wake for it (no time limit: a hang is a failure too). */
	deadline[1] = rdtsc() + delta;
	wrmsr(MSR_TSC_DEADLINE, deadline[1]);
	while (timer_hits < 2)
		asm volatile("sti; hlt; cli" : : : "memory");
	if (timer_hits != 2)
		FAIL("%u interrupts for 2 deadlines", timer_hits);
	if (timer_tsc[1] < deadline[1])
		FAIL("fired %lu ticks before the deadline (HLT)",
		     deadline[1] - timer_tsc[1]);
	late[1] = timer_tsc[1] - deadline[1];
	apic_write(APIC_LVT_TIMER, LVT_MASKED | VEC_TIMER);
	PASS("%s, vector %x: %lu ticks after the deadline while spinning, %lu "
	     "from HLT; IA32_TSC_DEADLINE then read %lx", apic_mode(), VEC_TIMER,
	     late[0], late[1], left);
}

/* Writes the ICR, then polls delivery status as Asterinas does. */
static bool icr_send(uint32_t dest, uint32_t low, uint64_t *first,
		     uint32_t *polls)
{
	uint64_t end;

	icr_write(dest, low);
	*first = icr_read();
	*polls = 0;
	end = rdtsc() + us_to_ticks(10000);
	while (icr_read() & ICR_BUSY) {
		++*polls;
		if (rdtsc() > end)
			return false;
		cpu_relax();
	}
	return true;
}

static void t_icr_idle(void)
{
	uint64_t first, end;
	uint32_t id, polls;

	NEED(x2apic_on || xapic_on, "no local APIC");
	id = apic_id();
	self_hits = 0;
	if (!icr_send(id, ICR_FIXED | VEC_SELF, &first, &polls))
		FAIL("%s ICR delivery status (bit 12) still set 10 ms after a "
		     "self-IPI (ICR %lx)", apic_mode(), first);
	end = rdtsc() + us_to_ticks(10000);
	asm volatile("sti");
	while (!self_hits && rdtsc() < end)
		cpu_relax();
	asm volatile("cli");
	if (self_hits != 1)
		FAIL("ICR idle, but %u self-IPIs arrived, want 1", self_hits);
	if (first & ICR_BUSY)
		PASS("%s ICR read %lx at once (busy), idle after %u polls; "
		     "self-IPI vector %x arrived", apic_mode(), first, polls,
		     VEC_SELF);
	PASS("%s ICR reads %lx after writing %lx: delivery status idle; "
	     "self-IPI vector %x arrived", apic_mode(), first,
	     (uint64_t)id << 32 | VEC_SELF, VEC_SELF);
}

static void t_ap_start(void)
{
	uint64_t first, end, base;
	uint32_t polls, want, self, n;
	SBUF(ids, 96);
	SBUF(why, 256);

	NEED(x2apic_on || xapic_on, "no local APIC");
	if (!madt_cpus)
		FAIL("the MADT gave no CPU count");
	if (madt_cpus == 1)
		SKIP("the MADT lists one CPU: no AP to start");
	want = madt_cpus - 1;
	self = apic_id();
	memcpy((void *)(uint64_t)TRAMP_BASE, ap_tramp_start,
	       ap_tramp_end - ap_tramp_start);
	ap_count = 0;

	if (!icr_send(0, ICR_OTHERS | ICR_INIT | ICR_ASSERT | ICR_LEVEL, &first,
		      &polls))
		FAIL("ICR stays busy after INIT (ICR %lx)", first);
	if (!icr_send(0, ICR_ALL | ICR_INIT | ICR_LEVEL, &first, &polls))
		FAIL("ICR stays busy after the INIT de-assert (ICR %lx)", first);
	delay_us(10000);
	if (!icr_send(0, ICR_OTHERS | ICR_SIPI | SIPI_VECTOR, &first, &polls))
		FAIL("ICR stays busy after the first SIPI (ICR %lx)", first);
	delay_us(200);
	if (!icr_send(0, ICR_OTHERS | ICR_SIPI | SIPI_VECTOR, &first, &polls))
		FAIL("ICR stays busy after the second SIPI (ICR %lx)", first);

	end = rdtsc() + us_to_ticks(500000);
	while (ap_count < want && rdtsc() < end)
		cpu_relax();
	delay_us(10000);		/* time for a wrong extra start to show */
	n = ap_count;
	for (uint32_t i = 0; i < n && i < AP_MAX; i++)
		sb_add(&ids, "%s%d", i ? "," : "", (int)ap_ids[i]);
	if (n != want)
		problem(&why, "%u AP start(s) (APIC IDs %s), want %u", n,
			n ? ids.buf : "-", want);
	for (uint32_t i = 0; i < n && i < AP_MAX; i++) {
		bool listed = false;

		if (ap_ids[i] == self)
			problem(&why, "an AP has the BSP's APIC ID %u", self);
		for (uint32_t j = 0; j < madt_cpus && j <= AP_MAX; j++)
			listed |= madt_ids[j] == ap_ids[i];
		if (!listed)
			problem(&why, "AP APIC ID %u is not in the MADT", ap_ids[i]);
		for (uint32_t j = 0; j < i; j++)
			if (ap_ids[j] == ap_ids[i])
				problem(&why, "APIC ID %u started twice", ap_ids[i]);
	}
	/* The INIT de-assert to all-including-self must not have reset us. */
	base = rdmsr(MSR_APIC_BASE);
	if (!(base & APIC_BASE_EN) || x2apic_on != !!(base & APIC_BASE_EXTD) ||
	    !(apic_read(APIC_SVR) & 0x100))
		problem(&why, "the BSP's IA32_APIC_BASE is %lx, SVR %x (reset?)",
			base, apic_read(APIC_SVR));
	if (why.len)
		FAIL("%s", why.buf);
	PASS("%s: %u AP(s) ran the trampoline once (APIC IDs %s); the BSP (APIC "
	     "ID %u) survived the INIT de-assert to all-including-self",
	     apic_mode(), n, ids.buf, self);
}

uint32_t ioapic_read(uint32_t reg)
{
	wr32(ioapic_addr, reg);
	return rd32(ioapic_addr + IOAPIC_WIN);
}

void ioapic_write(uint32_t reg, uint32_t v)
{
	wr32(ioapic_addr, reg);
	wr32(ioapic_addr + IOAPIC_WIN, v);
}

static void t_ioapic_dest0(void)
{
	uint32_t ver, pins, pin, lo0, hi0, lo, hi, want_lo, hits, iir, apic;
	uint64_t end;

	NEED(ioapic_addr, "no IOAPIC with GSI base 0");
	NEED(x2apic_on || xapic_on, "no local APIC");
	ver = ioapic_read(IOAPIC_REG_VER);
	pins = ((ver >> 16) & 0xff) + 1;
	pin = uart_gsi - ioapic_gsi_base;
	if (pin >= pins)
		FAIL("IRQ%u is GSI %u, beyond the IOAPIC's %u pins", UART_IRQ,
		     uart_gsi, pins);
	lo0 = ioapic_read(IOAPIC_REG_RTE(pin));
	hi0 = ioapic_read(IOAPIC_REG_RTE(pin) + 1);
	/* Destination APIC ID 0, fixed, physical, active high, edge. */
	want_lo = VEC_UART;
	ioapic_write(IOAPIC_REG_RTE(pin), RTE_MASKED | want_lo);
	ioapic_write(IOAPIC_REG_RTE(pin) + 1, 0);
	ioapic_write(IOAPIC_REG_RTE(pin), want_lo);
	lo = ioapic_read(IOAPIC_REG_RTE(pin));
	hi = ioapic_read(IOAPIC_REG_RTE(pin) + 1);
	if ((lo & ~(RTE_BUSY | RTE_REMOTE_IRR)) != want_lo || (hi >> 24) != 0) {
		ioapic_write(IOAPIC_REG_RTE(pin), RTE_MASKED);
		FAIL("pin %u reads back %x:%x after writing %x:%x", pin, hi, lo, 0,
		     want_lo);
	}

	/* COM1's THRE interrupt: IER bit 1 with OUT2 raises IRQ4 at once. */
	uart_hits = 0;
	stray_hits = 0;
	while (!(inb(COM1 + UART_LSR) & LSR_TEMT))
		cpu_relax();
	outb(COM1 + UART_MCR, inb(COM1 + UART_MCR) | MCR_OUT2);
	outb(COM1 + UART_IER, IER_THRE);
	end = rdtsc() + us_to_ticks(50000);
	asm volatile("sti");
	while (!uart_hits && rdtsc() < end)
		cpu_relax();
	asm volatile("cli");
	outb(COM1 + UART_IER, 0);
	ioapic_write(IOAPIC_REG_RTE(pin), RTE_MASKED | want_lo);
	hits = uart_hits;
	iir = uart_iir;
	apic = uart_apic_id;
	if (!hits)
		FAIL("RTE %x:%x read back, but no interrupt on vector %x within "
		     "50 ms of enabling THRE (stray vectors: %u, last %x)", hi, lo,
		     VEC_UART, stray_hits, stray_vector);
	if (apic != 0)
		FAIL("the interrupt arrived at APIC ID %u, want 0", apic);
	if ((iir & 0x0f) != 0x02)
		FAIL("interrupt arrived, but IIR %x in the handler, want THRE (2)",
		     iir);
	PASS("IOAPIC %lx ver %x pin %u (IRQ%u/GSI %u): %x:%x before, %x:%x read "
	     "back; THRE on vector %x at APIC ID 0 (%s)", ioapic_addr, ver & 0xff,
	     pin, UART_IRQ, uart_gsi, hi0, lo0, hi, lo, VEC_UART, apic_mode());
}

/* ---- main ---------------------------------------------------------------------- */

static bool detect_kvm(char vendor[13])
{
	struct cpuid_r r;

	vendor[0] = '\0';
	if (!(cpuid(1, 0).c & BIT(31)))
		return false;
	r = cpuid(0x40000000, 0);
	memcpy(vendor, &r.b, 4);
	memcpy(vendor + 4, &r.c, 4);
	memcpy(vendor + 8, &r.d, 4);
	vendor[12] = '\0';
	return mem_eq(vendor, "KVMKVMKVM\0\0\0", 12);
}

void mb2check_main(void)
{
	char hv[13], cpu[13];
	struct cpuid_r r = cpuid(0, 0);

	tsc_start = rdtsc();
	uart_init();
	idt_init();
	/* Mask both 8259s: their IRQs would arrive on exception vectors. */
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
	memcpy(cpu, &r.b, 4);
	memcpy(cpu + 4, &r.d, 4);
	memcpy(cpu + 8, &r.c, 4);
	cpu[12] = '\0';
	kvm = detect_kvm(hv);
	mbi = entry_ebx;
	print("\nmb2check: CPU '%s', %s; image %lx..%lx, MBI at %lx\n", cpu,
	      kvm ? "KVM signature at CPUID 0x40000000: platform items must pass" :
	      hv[0] ? "another hypervisor: bare platform" : "bare platform",
	      (uint64_t)__image_start, (uint64_t)__image_end, mbi);

	run_item("entry", t_entry);
	run_item("mbi-layout", t_mbi_layout);
	run_item("mbi-mmap", t_mbi_mmap);
	run_item("mbi-cmdline", t_mbi_cmdline);
	run_item("mbi-rsdp", t_mbi_rsdp);
	run_item("madt-cpus", t_madt_cpus);
	run_item("ioapic-gsi0", t_ioapic_gsi0);
	run_item("module", t_module);
	run_item("long-mode", t_long_mode);
	run_item("fsgsbase", t_fsgsbase);
	run_item("xsave-size", t_xsave_size);
	run_item("cpuid15", t_cpuid15);
	run_item("x2apic", t_x2apic);
	run_item("tsc-deadline", t_tsc_deadline);
	run_item("icr-idle", t_icr_idle);
	run_item("ap-start", t_ap_start);
	run_item("ioapic-dest0", t_ioapic_dest0);
	virtio_items(run_item);
	finish();
}
