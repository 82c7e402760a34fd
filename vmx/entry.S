/* SPDX-License-Identifier: GPL-2.0 */
/*
 * int vmx_enter(struct guest_regs *regs, int launched)
 *
 * Loads the guest's registers and enters it. On a VM exit the CPU lands
 * in vmx_exit_stub with RSP as we left it, saves the guest's registers
 * back into *regs and returns 0. Returns 1 when VMLAUNCH/VMRESUME fail.
 */
#define HOST_RSP	0x6c14

#define R_RAX	0
#define R_RBX	8
#define R_RCX	16
#define R_RDX	24
#define R_RSI	32
#define R_RDI	40
#define R_RBP	48
#define R_R8	56
#define R_R9	64
#define R_R10	72
#define R_R11	80
#define R_R12	88
#define R_R13	96
#define R_R14	104
#define R_R15	112
#define R_CR2	120

	.text
	.globl vmx_enter, vmx_exit_stub
vmx_enter:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	pushq	%rdi			/* regs, found again at exit */
	movq	$HOST_RSP, %rax
	vmwrite	%rsp, %rax

	movq	R_CR2(%rdi), %rax
	movq	%rax, %cr2
	testl	%esi, %esi		/* flags survive the movs below */
	movq	R_RAX(%rdi), %rax
	movq	R_RBX(%rdi), %rbx
	movq	R_RCX(%rdi), %rcx
	movq	R_RDX(%rdi), %rdx
	movq	R_RSI(%rdi), %rsi
	movq	R_RBP(%rdi), %rbp
	movq	R_R8(%rdi), %r8
	movq	R_R9(%rdi), %r9
	movq	R_R10(%rdi), %r10
	movq	R_R11(%rdi), %r11
	movq	R_R12(%rdi), %r12
	movq	R_R13(%rdi), %r13
	movq	R_R14(%rdi), %r14
	movq	R_R15(%rdi), %r15
	movq	R_RDI(%rdi), %rdi
	jnz	1f
	vmlaunch
	jmp	2f
1:	vmresume
2:	/* VMfail: nothing was entered. */
	popq	%rdi
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	movl	$1, %eax
	ret

vmx_exit_stub:
	pushq	%rdi
	movq	8(%rsp), %rdi		/* regs */
	movq	%rax, R_RAX(%rdi)
	movq	%rbx, R_RBX(%rdi)
	movq	%rcx, R_RCX(%rdi)
	movq	%rdx, R_RDX(%rdi)
	movq	%rsi, R_RSI(%rdi)
	movq	%rbp, R_RBP(%rdi)
	movq	%r8, R_R8(%rdi)
	movq	%r9, R_R9(%rdi)
	movq	%r10, R_R10(%rdi)
	movq	%r11, R_R11(%rdi)
	movq	%r12, R_R12(%rdi)
	movq	%r13, R_R13(%rdi)
	movq	%r14, R_R14(%rdi)
	movq	%r15, R_R15(%rdi)
	movq	%cr2, %rax
	movq	%rax, R_CR2(%rdi)
	popq	%rax
	movq	%rax, R_RDI(%rdi)
	popq	%rdi
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	xorl	%eax, %eax
	ret

	.section .note.GNU-stack, "", @progbits
