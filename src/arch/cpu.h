/* SPDX-License-Identifier: GPL-2.0 */
/* Per-CPU architectural set-up: descriptor tables, interrupts, paging. */
#ifndef HV_ARCH_CPU_H
#define HV_ARCH_CPU_H

#include <stdint.h>
#include "src/arch/percpu.h"

#define SEL_CODE	0x08
#define SEL_DATA	0x10
#define SEL_TSS		0x18

/* Vectors the hypervisor uses for its own interrupts. */
#define VEC_SPURIOUS	0xff
#define VEC_RESCHED	0xf0
#define VEC_TIMER	0xef
#define VEC_POSTED	0xf2	/* posted-interrupt notification */

/* What the interrupt stubs push; the layout matches src/arch/isr.S. */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};

/* CR0/CR4 bits every CPU needs before running C libraries. */
void cpu_init_control_regs(void);
void gdt_load(struct percpu *c);
void idt_init(void);
void idt_load(void);
typedef void (*irq_handler_t)(struct trap_frame *f);
void irq_register(uint8_t vector, irq_handler_t fn);
void trap_dispatch(struct trap_frame *f);

/* Host page tables: identity map of everything up to @top. */
int paging_init(uint64_t top);
uint64_t paging_root(void);

void pic_disable(void);

#endif
