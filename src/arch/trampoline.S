/* SPDX-License-Identifier: GPL-2.0 */
/*
 * AP start-up code. smp.c copies it to a page below 1 MiB, fills in the
 * tramp_* fields and sends INIT-SIPI-SIPI. The AP walks from real mode
 * to long mode and jumps to the 64-bit entry with RDI = its percpu.
 * Everything here is position independent: addresses are patched in.
 */
	.section .rodata
	.balign 16
	.globl tramp_start, tramp_end
	.globl tramp_gdt_ptr, tramp_far32, tramp_far64
	.globl tramp_cr3, tramp_stack, tramp_arg, tramp_entry
	.globl tramp_pm32, tramp_lm64, tramp_gdt

	.code16
tramp_start:
	cli
	cld
	movw	%cs, %ax
	movw	%ax, %ds
	movzwl	%ax, %ebx
	shll	$4, %ebx		/* EBX = physical base of this page */
	lgdtl	(tramp_gdt_ptr - tramp_start)
	movl	%cr0, %eax
	orl	$1, %eax
	movl	%eax, %cr0
	ljmpl	*(tramp_far32 - tramp_start)

	.code32
tramp_pm32:
	movw	$0x10, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movl	%cr4, %eax
	orl	$(1 << 5), %eax		/* PAE */
	movl	%eax, %cr4
	movl	(tramp_cr3 - tramp_start)(%ebx), %eax
	movl	%eax, %cr3
	movl	$0xc0000080, %ecx
	rdmsr
	orl	$((1 << 8) | (1 << 11)), %eax	/* LME, NXE */
	wrmsr
	movl	%cr0, %eax
	orl	$0x80010021, %eax	/* PG, WP, NE, PE */
	movl	%eax, %cr0
	ljmpl	*(tramp_far64 - tramp_start)(%ebx)

	.code64
tramp_lm64:
	movw	$0x10, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movq	(tramp_stack - tramp_start)(%rbx), %rsp
	movq	(tramp_arg - tramp_start)(%rbx), %rdi
	xorq	%rbp, %rbp
	jmpq	*(tramp_entry - tramp_start)(%rbx)

	.balign 8
tramp_gdt:
	.quad 0
	.quad 0x00cf9a000000ffff	/* 0x08: 32-bit code */
	.quad 0x00cf92000000ffff	/* 0x10: data */
	.quad 0x00af9a000000ffff	/* 0x18: 64-bit code */
tramp_gdt_ptr:
	.short 4 * 8 - 1
	.long 0				/* patched: base + tramp_gdt */
	.balign 8
tramp_far32:
	.long 0				/* patched: base + tramp_pm32 */
	.short 0x08
	.balign 8
tramp_far64:
	.long 0				/* patched: base + tramp_lm64 */
	.short 0x18
	.balign 8
tramp_cr3:
	.quad 0
tramp_stack:
	.quad 0
tramp_arg:
	.quad 0
tramp_entry:
	.quad 0
tramp_end:

	.section .note.GNU-stack, "", @progbits
