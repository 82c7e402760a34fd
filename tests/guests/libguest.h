/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libguest: the runtime of hvisor's test guests.
 *
 * A test guest is a 32-bit Multiboot2 kernel. libguest.c provides the
 * Multiboot2 header, the entry code (own GDT, stack, cleared BSS, an IDT
 * that reports stray exceptions) and then calls the guest's
 *
 *	int guest_main(uint32_t magic, uint32_t mbi);
 *
 * whose return value is passed to guest_exit(). Output goes to the 16550
 * UART at 0x3f8; the result goes to port 0xF4 (HV_TEST_EXIT_PORT).
 *
 * Guests with several vCPUs start them with guest_start_vcpus(); the
 * command line is read with guest_arg_u32(); time is the TSC, whose rate
 * tsc_hz() reads from CPUID leaf 0x15. Interrupt handlers for vectors
 * 32..255 are installed with guest_set_irq_handler(); rdmsr_safe() and
 * wrmsr_safe() probe MSRs that may raise #GP.
 *
 * No libgcc: guests must not divide 64-bit numbers (use udiv64_32()).
 */
#ifndef LIBGUEST_H
#define LIBGUEST_H

#include <stdbool.h>
#include <stdint.h>

#include "src/core/hypercall.h"

/* EAX at entry from a Multiboot2 loader. */
#define MB2_BOOTLOADER_MAGIC	0x36d76289u

/* Multiboot2 information tags used by the test guests. */
#define MB2_TAG_END		0
#define MB2_TAG_CMDLINE		1
#define MB2_TAG_MMAP		6

#define MB2_MEM_AVAILABLE	1

struct mb2_tag {
	uint32_t type;
	uint32_t size;
};

struct mb2_tag_mmap {
	uint32_t type;
	uint32_t size;
	uint32_t entry_size;
	uint32_t entry_version;
	/* entries follow */
};

struct mb2_mmap_entry {
	uint64_t base;
	uint64_t len;
	uint32_t type;
	uint32_t reserved;
};

/* Exit code used by libguest when a guest takes an unexpected exception. */
#define GUEST_EXIT_EXCEPTION	63

/* Provided by each guest. */
int guest_main(uint32_t magic, uint32_t mbi);

/* ---- port I/O ------------------------------------------------------------ */

static inline void outb(uint16_t port, uint8_t v)
{
	asm volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
	asm volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;

	asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

/* ---- CPU ------------------------------------------------------------------ */

struct regs4 {
	uint32_t eax;
	uint32_t ebx;
	uint32_t ecx;
	uint32_t edx;
};

static inline void cpuid(uint32_t leaf, uint32_t subleaf, struct regs4 *r)
{
	asm volatile("cpuid"
		     : "=a"(r->eax), "=b"(r->ebx), "=c"(r->ecx), "=d"(r->edx)
		     : "a"(leaf), "c"(subleaf));
}

#define CPUID1_ECX_VMX		(1u << 5)
#define CPUID1_ECX_HYPERVISOR	(1u << 31)

/*
 * vmcall with EAX = @nr and EBX..EDX from @r (may be NULL); returns EAX
 * and stores all four result registers back into @r. Outside a hypervisor
 * this raises #UD, which libguest reports as GUEST_EXIT_EXCEPTION.
 */
static inline uint32_t vmcall(uint32_t nr, struct regs4 *r)
{
	struct regs4 tmp = { 0 };

	if (!r)
		r = &tmp;
	r->eax = nr;
	asm volatile("vmcall"
		     : "+a"(r->eax), "+b"(r->ebx), "+c"(r->ecx), "+d"(r->edx)
		     : : "memory");
	return r->eax;
}

/* True when CPUID.1:ECX[31] says a hypervisor is present. */
bool guest_under_hypervisor(void);

/* Spin for about @n loop iterations. */
void guest_delay(uint32_t n);

/* ---- MSRs -------------------------------------------------------------- */

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr) : "memory");
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t val)
{
	asm volatile("wrmsr"
		     : : "c"(msr), "a"((uint32_t)val), "d"((uint32_t)(val >> 32))
		     : "memory");
}

/*
 * rdmsr/wrmsr that expect a #GP: 0 when the access worked, -1 when it
 * raised #GP, which libguest then resumes after instead of stopping the
 * guest. *@val is 0 after a failed read. Any vCPU may call them.
 */
int rdmsr_safe(uint32_t msr, uint64_t *val);
int wrmsr_safe(uint32_t msr, uint64_t val);
/*
 * The same fix-up armed by hand: a #GP or #UD at @fault_eip on this
 * vCPU resumes at @resume_eip (in the faulting context, ring 3 too);
 * guest_fault_vector() then says which (13, 6), else 0.
 */
void guest_fault_arm(uint32_t fault_eip, uint32_t resume_eip);
uint32_t guest_fault_vector(void);
/*
 * RDPMC, VMXOFF and a CR4 write the same way, with #UD caught too: 0
 * when the instruction ran, else minus the vector it raised (-13 #GP,
 * -6 #UD).
 */
int rdpmc_safe(uint32_t counter, uint64_t *val);
int vmxoff_safe(void);
int write_cr4_safe(uint32_t val);

/* ---- interrupts -------------------------------------------------------- */

static inline void sti(void)
{
	asm volatile("sti" : : : "memory");
}

static inline void cli(void)
{
	asm volatile("cli" : : : "memory");
}

static inline void hlt(void)
{
	asm volatile("hlt" : : : "memory");
}

/*
 * sti; hlt: STI's one-instruction shadow keeps an interrupt that is
 * already pending from arriving before the HLT, so it wakes the HLT
 * instead of being missed. Returns with interrupts enabled.
 */
static inline void safe_halt(void)
{
	asm volatile("sti; hlt" : : : "memory");
}

/* The first vector guest_set_irq_handler() accepts (0..31 are exceptions). */
#define GUEST_IRQ_FIRST		32
#define GUEST_IRQ_LAST		255

/*
 * Called with interrupts off, on the vCPU that took @vector, after the
 * stub saved the general registers; the handler does its own EOI.
 */
typedef void (*guest_irq_fn)(uint32_t vector);

/*
 * Installs @fn for @vector (GUEST_IRQ_FIRST..GUEST_IRQ_LAST) in the IDT
 * every vCPU shares; NULL removes it. An interrupt on a vector without a
 * handler is reported like an exception (GUEST_EXIT_EXCEPTION). Returns 0,
 * or -1 for a vector out of range.
 */
int guest_set_irq_handler(uint32_t vector, guest_irq_fn fn);

/* ---- output --------------------------------------------------------------- */

void guest_putc(char c);
void guest_puts(const char *s);
/*
 * printf-lite: %s %d %u %x %c and %% only; no widths. guest_puts() and
 * guest_printf() hold the output lock for the whole call (see
 * guest_spin_lock() below); guest_putc() does not take it.
 */
void guest_printf(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* Prints "RESULT <code>", writes @code to port 0xF4 and stops. */
void guest_exit(int code) __attribute__((noreturn));

/* ---- Multiboot2 information ------------------------------------------------ */

/* First tag of @type in the MBI at @mbi, or NULL. */
const struct mb2_tag *mb2_find_tag(uint32_t mbi, uint32_t type);

/* ---- command line ---------------------------------------------------------- */

/*
 * The guest's command line (Multiboot2 tag 1), saved before guest_main()
 * runs; "" when the loader gave none.
 */
const char *guest_cmdline(void);

/*
 * Reads KEY=VALUE from the command line: words separated by spaces, the
 * key matched exactly, the value decimal (or 0x hex) and fitting 32 bits.
 * Sets *@val to @def when the key is absent. Returns 0, or -1 (after
 * printing why) when the value is malformed.
 */
int guest_arg_u32(const char *key, uint32_t def, uint32_t *val);

/* ---- time ------------------------------------------------------------------- */

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/*
 * @n / @d for a 64-bit @n and a non-zero 32-bit @d, with two 32-bit
 * divides (the guests have no libgcc for a 64-bit '/'). *@rem, if not
 * NULL, gets the remainder.
 */
uint64_t udiv64_32(uint64_t n, uint32_t d, uint32_t *rem);

/*
 * TSC rate in Hz from CPUID leaf 0x15 (ECX * EBX / EAX), read once and
 * cached; 0 when the leaf is missing or incomplete.
 */
uint64_t tsc_hz(void);

/* Microseconds <-> TSC ticks at tsc_hz(); both 0 when the rate is unknown. */
uint64_t us_to_tsc(uint64_t us);
uint64_t tsc_to_us(uint64_t ticks);

/*
 * HC_SLEEP_UNTIL: blocks this vCPU until the TSC reaches @tsc. Returns the
 * hypercall's EAX: 0, or HC_ENOSYS where the hypervisor lacks it.
 */
int sleep_until(uint64_t tsc);

/* ---- several vCPUs ------------------------------------------------------------ */

/* vCPUs a guest may start, the boot vCPU included, and their stack size. */
#define GUEST_MAX_VCPUS		8
#define GUEST_VCPU_STACK	16384

/* Errors of HC_VCPU_START (EAX), and the hypervisor's -ENOSYS. */
#define HC_EINVAL		(-22)
#define HC_EBUSY		(-16)

typedef void (*guest_vcpu_fn)(uint32_t index);

/* HC_VCPU_START: starts vCPU @index at @eip with ESP = @esp. */
int guest_vcpu_start(uint32_t index, uint32_t eip, uint32_t esp);

/*
 * Starts vCPUs 1..@n-1, each on its own stack with libguest's GDT and IDT,
 * running @fn(index); a vCPU whose @fn returns parks (HLT) for good. The
 * boot vCPU is index 0 and carries on. Returns 0, or the first failing
 * HC_VCPU_START result (vCPUs started before it keep running), or
 * HC_EINVAL when @n is 0 or above GUEST_MAX_VCPUS. Call it once.
 */
int guest_start_vcpus(uint32_t n, guest_vcpu_fn fn);

/*
 * Waits until every vCPU that guest_start_vcpus() started has returned
 * from its function, polling every 100 us with sleep_until() (or spinning
 * with PAUSE where that hypercall is missing).
 */
void guest_wait_vcpus(void);

/* The index of the vCPU that calls it, found from its stack pointer. */
uint32_t guest_this_vcpu(void);

/*
 * A test-and-set spinlock. guest_printf() and guest_puts() hold one for
 * the whole call, so lines written in one call never interleave with
 * another vCPU's.
 */
struct guest_spinlock {
	volatile uint32_t locked;
};

static inline void guest_spin_lock(struct guest_spinlock *l)
{
	uint32_t old;

	for (;;) {
		old = 1;
		asm volatile("xchgl %0, %1"
			     : "+r"(old), "+m"(l->locked) : : "memory");
		if (!old)
			return;
		while (l->locked)
			asm volatile("pause" : : : "memory");
	}
}

static inline void guest_spin_unlock(struct guest_spinlock *l)
{
	asm volatile("" : : : "memory");
	l->locked = 0;
}

/* Atomically adds @v to *@p and returns the old value. */
static inline uint32_t atomic_fetch_add_u32(volatile uint32_t *p, uint32_t v)
{
	asm volatile("lock xaddl %0, %1" : "+r"(v), "+m"(*p) : : "memory");
	return v;
}

#endif
