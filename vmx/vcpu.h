/* SPDX-License-Identifier: GPL-2.0 */
#ifndef HV_VMX_VCPU_H
#define HV_VMX_VCPU_H

#include <stdbool.h>
#include <stdint.h>

struct vm;

/* Guest registers the VMCS does not hold; the layout matches entry.S. */
struct guest_regs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t cr2;
};

/* How a vCPU starts. Only flat 32-bit protected mode exists for now. */
enum vcpu_mode {
	VCPU_MODE_PM32,		/* Multiboot2: paging off, flat segments */
};

struct vcpu_boot {
	enum vcpu_mode mode;
	uint64_t rip;
	uint64_t rax, rbx;
};

struct vcpu_exit {
	uint32_t reason;
	uint64_t qual;
	uint64_t rip;
	uint32_t len;
	uint64_t gpa;
};

struct vcpu {
	struct guest_regs regs;		/* first: entry.S uses offset 0 */
	struct vm *vm;
	uint32_t id;			/* index within its VM */
	uint32_t pcpu;			/* the physical CPU it runs on */
	uint16_t vpid;
	uint64_t vmcs_pa;
	bool launched;
	bool blocked;		/* in HLT, waiting for an interrupt */
	struct vcpu_boot boot;
	struct vcpu_exit exit;
	uint64_t nr_exits;
};

/* Allocate the VMCS; any CPU may call it. */
int vcpu_create(struct vcpu *v, struct vm *vm, uint32_t id,
		const struct vcpu_boot *boot);
/* Run @v on this CPU until its VM is stopped. */
void vcpu_run(struct vcpu *v);
void vcpu_skip_instruction(struct vcpu *v);

#endif
