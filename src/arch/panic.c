// SPDX-License-Identifier: GPL-2.0
/* The hypervisor's own fatal errors. Guests never get here. */
#include <stdarg.h>
#include <stdint.h>
#include "src/arch/cpu.h"
#include "src/arch/x86.h"
#include "src/arch/console.h"
#include "src/lib/fmt.h"
#include "src/arch/panic.h"
#include "src/arch/power.h"
#include "src/arch/printk.h"

static volatile int panicking;

static int cpu_number(void)
{
	/* GS base is 0 until percpu_init(): we may panic before that. */
	return rdmsr(MSR_GS_BASE) ? (int)this_cpu()->id : -1;
}

static void backtrace(uint64_t rbp)
{
	printk(LOG_ERROR, "call trace:");
	for (int i = 0; i < 12 && rbp && !(rbp & 7); i++) {
		uint64_t *fp = (uint64_t *)rbp;

		printk(LOG_ERROR, " %#lx", fp[1]);
		rbp = fp[0];
	}
	printk(LOG_ERROR, "\n");
}

static void __attribute__((noreturn))
vpanic(const struct trap_frame *f, const char *fmt, va_list ap)
{
	char msg[256];
	uint64_t rbp;

	cli();
	/* A second CPU panicking, or a panic inside panic: just stop. */
	if (__atomic_exchange_n(&panicking, 1, __ATOMIC_SEQ_CST))
		halt_forever();
	hv_vsnprintf(msg, sizeof(msg), fmt, ap);
	log_level = LOG_DEBUG;
	printk(LOG_ERROR, "\nhvisor: PANIC on CPU %d: %s\n", cpu_number(), msg);
	if (f) {
		printk(LOG_ERROR,
		       "RIP %016lx CS %04lx RFLAGS %016lx RSP %016lx SS %04lx\n"
		       "RAX %016lx RBX %016lx RCX %016lx RDX %016lx\n"
		       "RSI %016lx RDI %016lx RBP %016lx R8  %016lx\n"
		       "R9  %016lx R10 %016lx R11 %016lx R12 %016lx\n"
		       "R13 %016lx R14 %016lx R15 %016lx ERR %016lx\n",
		       f->rip, f->cs, f->rflags, f->rsp, f->ss,
		       f->rax, f->rbx, f->rcx, f->rdx, f->rsi, f->rdi,
		       f->rbp, f->r8, f->r9, f->r10, f->r11, f->r12,
		       f->r13, f->r14, f->r15, f->error);
		rbp = f->rbp;
	} else {
		rbp = (uint64_t)__builtin_frame_address(0);
	}
	printk(LOG_ERROR,
	       "CR0 %016lx CR2 %016lx CR3 %016lx CR4 %016lx\n",
	       read_cr0(), read_cr2(), read_cr3(), read_cr4());
	backtrace(rbp);
	power_off(HV_EXIT_PANIC);
}

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vpanic(NULL, fmt, ap);
}

void panic_frame(const struct trap_frame *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vpanic(f, fmt, ap);
}

/* The stack protector's hook: Debian's libinih.a is built with it. */
void __stack_chk_fail(void);
void __stack_chk_fail(void)
{
	panic("stack protector: canary overwritten");
}
