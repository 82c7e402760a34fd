/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What mb2check's files share: the small machine helpers, the results
 * (PASS/FAIL/SKIP of the item under way), output, the command line, the
 * local APIC's EOI and the IOAPIC found in the MADT.
 */
#ifndef MB2CHECK_H
#define MB2CHECK_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BIT(n)			(1u << (n))

void *memcpy(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);

static inline bool mem_eq(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;

	for (; n; n--)
		if (*x++ != *y++)
			return false;
	return true;
}

static inline size_t str_len(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

static inline void outb(uint16_t port, uint8_t v)
{
	asm volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outw(uint16_t port, uint16_t v)
{
	asm volatile("outw %0, %1" : : "a"(v), "Nd"(port));
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

struct cpuid_r {
	uint32_t a, b, c, d;
};

static inline struct cpuid_r cpuid(uint32_t leaf, uint32_t sub)
{
	struct cpuid_r r;

	asm volatile("cpuid" : "=a"(r.a), "=b"(r.b), "=c"(r.c), "=d"(r.d)
		     : "a"(leaf), "c"(sub));
	return r;
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr) : "memory");
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	asm volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v),
		     "d"((uint32_t)(v >> 32)) : "memory");
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t read_cr0(void)
{
	uint64_t v;

	asm volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

static inline uint64_t read_cr4(void)
{
	uint64_t v;

	asm volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static inline void write_cr4(uint64_t v)
{
	asm volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

static inline void cpu_relax(void)
{
	asm volatile("pause" : : : "memory");
}

static inline uint32_t rd32(uint64_t addr)
{
	return *(volatile uint32_t *)addr;
}

static inline void wr32(uint64_t addr, uint32_t v)
{
	*(volatile uint32_t *)addr = v;
}

enum result { RES_PASS, RES_FAIL, RES_SKIP };

extern bool kvm;		/* CPUID 0x40000000 says KVMKVMKVM */

void print(const char *f, ...) __attribute__((format(printf, 1, 2)));
/* The item under way's result, once; the rest are ignored. */
void report(enum result r, const char *f, ...)
	__attribute__((format(printf, 2, 3)));

#define PASS(...)	do { report(RES_PASS, __VA_ARGS__); return; } while (0)
#define FAIL(...)	do { report(RES_FAIL, __VA_ARGS__); return; } while (0)
#define SKIP(...)	do { report(RES_SKIP, __VA_ARGS__); return; } while (0)
/* A platform feature that is missing: FAIL under KVM, SKIP when bare. */
#define NEED(cond, what)						\
	do {								\
		if (!(cond)) {						\
			if (kvm)					\
				FAIL("%s", what);			\
			SKIP("bare platform: %s", what);		\
		}							\
	} while (0)

/* TSC ticks for @us; a 1 GHz TSC is assumed when its rate is unknown. */
uint64_t us_to_ticks(uint64_t us);
/* KEY=VALUE from the command line: 1 found, 0 absent, -1 malformed. */
int arg_u64(const char *key, bool hex, uint64_t *val);
void apic_eoi(void);
/* Arm the local APIC timer to fire at TSC @tsc; false when it cannot. */
bool wakeup_at(uint64_t tsc);

/* The IOAPIC with GSI base 0 (0 when the MADT has none). */
extern uint64_t ioapic_addr;
extern uint32_t ioapic_gsi_base;
uint32_t ioapic_read(uint32_t reg);
void ioapic_write(uint32_t reg, uint32_t v);

#define IOAPIC_REG_VER		0x01
#define IOAPIC_REG_RTE(pin)	(0x10 + 2 * (pin))
#define RTE_MASKED		BIT(16)

/* virtio.c: the virtio-mmio items, and their slots' interrupts. */
#define VEC_VIRTIO		0x50	/* + slot */
#define VIRTIO_SLOTS		8
void virtio_irq(unsigned int slot);
void virtio_items(void (*run)(const char *name, void (*fn)(void)));

#endif
