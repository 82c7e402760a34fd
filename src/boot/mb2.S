/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Multiboot2 entry. GRUB leaves us in 32-bit protected mode with paging
 * off; build an identity map of the first 4 GiB with 2 MiB pages, enter
 * long mode and call mb2_start(magic, mbi).
 */
#define MB2_MAGIC	0xe85250d6
#define MB2_ARCH	0

	.section .multiboot2, "a"
	.balign 8
mb2_header:
	.long MB2_MAGIC
	.long MB2_ARCH
	.long mb2_header_end - mb2_header
	.long -(MB2_MAGIC + MB2_ARCH + (mb2_header_end - mb2_header))
	/* End tag. */
	.short 0
	.short 0
	.long 8
mb2_header_end:

	.section .text.boot, "ax"
	.code32
	.globl _start
_start:
	cli
	cld
	movl	%eax, %edi		/* magic: 1st argument */
	movl	%ebx, %esi		/* MBI: 2nd argument */
	movl	$boot_stack_top, %esp

	/* Clear the six boot page-table pages. */
	movl	$boot_pml4, %ebx
	pushl	%edi
	movl	%ebx, %edi
	xorl	%eax, %eax
	movl	$(6 * 4096 / 4), %ecx
	rep stosl
	popl	%edi

	/* PML4[0] -> PDPT; PDPT[0..3] -> the four PDs. */
	movl	$boot_pdpt, %eax
	orl	$0x3, %eax
	movl	%eax, boot_pml4
	movl	$boot_pd, %eax
	orl	$0x3, %eax
	movl	$boot_pdpt, %ebx
	movl	$4, %ecx
1:	movl	%eax, (%ebx)
	addl	$4096, %eax
	addl	$8, %ebx
	loop	1b

	/* 2048 PD entries of 2 MiB each: present, writable, large. */
	movl	$boot_pd, %ebx
	xorl	%eax, %eax
	xorl	%edx, %edx
	movl	$2048, %ecx
2:	movl	%eax, %edx
	orl	$0x83, %edx
	movl	%edx, (%ebx)
	movl	$0, 4(%ebx)
	addl	$0x200000, %eax
	addl	$8, %ebx
	loop	2b

	movl	%cr4, %eax
	orl	$(1 << 5), %eax		/* PAE */
	movl	%eax, %cr4
	movl	$boot_pml4, %eax
	movl	%eax, %cr3
	movl	$0xc0000080, %ecx	/* EFER.LME */
	rdmsr
	orl	$(1 << 8), %eax
	wrmsr
	movl	%cr0, %eax
	orl	$0x80000001, %eax	/* PG | PE */
	movl	%eax, %cr0

	lgdt	boot_gdt_ptr
	ljmp	$0x08, $start64

	.code64
start64:
	movw	$0x10, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	xorw	%ax, %ax
	movw	%ax, %fs
	movw	%ax, %gs
	movq	$boot_stack_top, %rsp
	xorq	%rbp, %rbp
	call	mb2_start
3:	cli
	hlt
	jmp	3b

	.section .rodata
	.balign 8
boot_gdt:
	.quad 0
	.quad 0x00af9a000000ffff	/* 0x08: 64-bit code */
	.quad 0x00cf92000000ffff	/* 0x10: data */
boot_gdt_end:
boot_gdt_ptr:
	.short boot_gdt_end - boot_gdt - 1
	.long boot_gdt

	.section .bss
	.balign 4096
boot_pml4:
	.skip 4096
boot_pdpt:
	.skip 4096
boot_pd:
	.skip 4 * 4096
	.balign 16
	.globl boot_stack_top
boot_stack:
	.skip 16384
boot_stack_top:

	.section .note.GNU-stack, "", @progbits
