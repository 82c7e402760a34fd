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
 * No libgcc: guests must not divide 64-bit numbers.
 */
#ifndef LIBGUEST_H
#define LIBGUEST_H

#include <stdbool.h>
#include <stdint.h>

#include "src/hypercall.h"

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

/* ---- output --------------------------------------------------------------- */

void guest_putc(char c);
void guest_puts(const char *s);
/* printf-lite: %s %d %u %x %c and %% only; no widths. */
void guest_printf(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* Prints "RESULT <code>", writes @code to port 0xF4 and stops. */
void guest_exit(int code) __attribute__((noreturn));

/* ---- Multiboot2 information ------------------------------------------------ */

/* First tag of @type in the MBI at @mbi, or NULL. */
const struct mb2_tag *mb2_find_tag(uint32_t mbi, uint32_t type);

#endif
