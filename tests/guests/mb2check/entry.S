/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mb2check: the Multiboot2 header, the 32-bit entry, the switch to long
 * mode, the 64-bit interrupt stubs and the AP start-up trampoline.
 *
 * The 32-bit entry records what the loader handed over (EAX, EBX, CR0,
 * CR4, EFLAGS, the selectors) before touching anything, then probes the
 * segments it was given: the GDT in memory may be anything (Multiboot2
 * says GDTR may be invalid; hvisor points it at guest address 0), so LSL
 * would test the wrong thing. Instead it maps the last 4 KiB page of the
 * linear space onto probe_page with PAE paging and, through each segment
 * register as loaded, reads and writes the top of that page and calls
 * code in it: that only works when the segment's base is 0 and its limit
 * 4 GiB. A fault there lands in a 32-bit IDT of our own that records
 * which probe failed. mb2check.c judges the results.
 *
 * Then it builds identity page tables for 0..4 GiB (2 MiB pages), enables
 * PAE, sets EFER.LME, turns paging on and far-jumps to a 64-bit code
 * segment in its own GDT, and calls mb2check_main() in 64-bit mode.
 */

#define MB2_HEADER_MAGIC	0xe85250d6
#define MSR_EFER		0xc0000080
#define EFER_LME		0x100
#define CR0_PE			0x1
#define CR0_PG			0x80000000
#define CR4_PAE			0x20

#define SEL_CODE32		0x08
#define SEL_DATA		0x10
#define SEL_CODE64		0x18

#define TRAMP_BASE		0x8000
/* An address inside the trampoline, as it runs at TRAMP_BASE. */
#define TR(x)			(TRAMP_BASE + (x) - ap_tramp_start)
#define AP_MAX			8

/* ---- Multiboot2 header -------------------------------------------------- */
/*
 * As Asterinas's: no address tag (the loader uses the ELF program
 * headers) and one information request, *required*, for tags 6 (memory
 * map) and 15 (ACPI 2.0+ RSDP). GRUB 2.06 accepts a required request for
 * any tag type it knows (15 included) and then simply leaves out a tag it
 * has nothing for: on Bochs' BIOS, whose RSDP is ACPI 1.0, it boots us
 * with tag 14 and no tag 15 (mbi-rsdp reports that).
 */
	.section .multiboot, "a"
	.balign 8
mb2_header:
	.long MB2_HEADER_MAGIC
	.long 0				/* architecture: i386 */
	.long mb2_header_end - mb2_header
	.long 0x100000000 - (MB2_HEADER_MAGIC + (mb2_header_end - mb2_header))
	.balign 8
	.short 1, 0			/* information request, required */
	.long 16
	.long 6, 15
	.balign 8
	.short 0, 0			/* end tag */
	.long 8
mb2_header_end:

/* ---- what the entry saw ---------------------------------------------- */
	.data
	.balign 8
	.globl entry_eax, entry_ebx, entry_eflags, entry_cr0, entry_cr4
	.globl entry_sel, entry_lm
	.globl probe_rd, probe_step, probe_fault_step, probe_vector
entry_eax:	.long 0
entry_ebx:	.long 0
entry_eflags:	.long 0
entry_cr0:	.long 0
entry_cr4:	.long 0
entry_lm:	.long 0			/* CPUID 0x80000001 EDX */
entry_sel:	.short 0, 0, 0, 0, 0, 0	/* CS DS ES FS GS SS */
	.balign 4
/* Reads at seg:0xfffffffc for DS ES FS GS SS, then what the call returned. */
probe_rd:	.long 0, 0, 0, 0, 0, 0
probe_step:	.long 0			/* the probe under way, 1.. */
probe_fault_step: .long 0		/* the probe that faulted, or 0 */
probe_vector:	.long 0			/* and the exception's vector */

	.balign 8
gdt:
	.quad 0
	.quad 0x00cf9a000000ffff	/* 0x08: 32-bit code, flat */
	.quad 0x00cf92000000ffff	/* 0x10: data, flat */
	.quad 0x00af9a000000ffff	/* 0x18: 64-bit code */
gdt_end:
gdtr32:
	.short gdt_end - gdt - 1
	.long gdt
	.balign 8
idtr32:
	.short 32 * 8 - 1
	.long probe_idt

	.bss
	.balign 4096
	.globl pml4, pd, probe_page, boot_stack_top
pml4:		.skip 4096
pdpt:		.skip 4096		/* long mode: P | RW */
pdpt_pae:	.skip 4096		/* 32-bit PAE: P only (RW is reserved there) */
pd:		.skip 4 * 4096		/* 2048 x 2 MiB: 0..4 GiB */
probe_pt:	.skip 4096		/* 0xffe00000..: only the last page present */
probe_page:	.skip 4096		/* mapped at 0xfffff000 */
probe_idt:	.skip 32 * 8
	.balign 16
boot_stack:	.skip 16384
boot_stack_top:

/* ---- 32-bit entry ----------------------------------------------------- */
	.section .text.entry, "ax"
	.code32
	.globl mb2_entry
	.type mb2_entry, @function
mb2_entry:
	movl %eax, %esi
	movl %ebx, %edi
	movl $boot_stack_top, %esp
	pushfl
	popl %edx
	cli
	cld
	movl %esi, entry_eax
	movl %edi, entry_ebx
	movl %edx, entry_eflags
	movl %cr0, %eax
	movl %eax, entry_cr0
	movl %cr4, %eax
	movl %eax, entry_cr4
	movw %cs, entry_sel
	movw %ds, entry_sel + 2
	movw %es, entry_sel + 4
	movw %fs, entry_sel + 6
	movw %gs, entry_sel + 8
	movw %ss, entry_sel + 10

	/* The BSS (page tables, stack) is ours to clear. */
	movl $__bss_start, %edi
	movl $__bss_end, %ecx
	subl %edi, %ecx
	xorl %eax, %eax
	rep stosb

	/* No long mode: say so and stop; nothing else can run. */
	movl $0x80000000, %eax
	cpuid
	cmpl $0x80000001, %eax
	jb no_long_mode
	movl $0x80000001, %eax
	cpuid
	movl %edx, entry_lm
	btl $29, %edx
	jnc no_long_mode

	/* Paging on at entry would be a loader bug (entry reports it). */
	movl %cr0, %eax
	andl $~CR0_PG, %eax
	movl %eax, %cr0

	/* pd: identity 2 MiB pages, P | RW | PS; PCD | PWT from 3 GiB up. */
	movl $pd, %edi
	movl $0x83, %eax
	xorl %ecx, %ecx
1:	movl %eax, (%edi, %ecx, 8)
	cmpl $1536, %ecx
	jb 2f
	orl $0x18, (%edi, %ecx, 8)
2:	addl $0x200000, %eax
	incl %ecx
	cmpl $2048, %ecx
	jb 1b
	/* The last 2 MiB: a page table with only probe_page, at 0xfffff000. */
	movl $probe_pt + 3, pd + 2047 * 8
	movl $probe_page + 3, probe_pt + 511 * 8
	/* Both page-directory-pointer tables point at the same pd pages. */
	xorl %ecx, %ecx
	movl $pd, %eax
3:	leal 3(%eax), %edx
	movl %edx, pdpt(, %ecx, 8)
	leal 1(%eax), %edx
	movl %edx, pdpt_pae(, %ecx, 8)
	addl $4096, %eax
	incl %ecx
	cmpl $4, %ecx
	jb 3b
	movl $pdpt + 3, pml4

	/*
	 * probe_page: at its top "movl $0x600dc0de, %eax; ret" (B8 imm32 C3,
	 * the RET being the very last byte of the 4 GiB space).
	 */
	movb $0xb8, probe_page + 0xffa
	movl $0x600dc0de, probe_page + 0xffb
	movb $0xc3, probe_page + 0xfff

	/*
	 * Our GDT and a 32-bit IDT for the probe's faults. LGDT changes no
	 * segment register: they keep what the loader loaded.
	 */
	lgdt gdtr32
	xorl %ecx, %ecx
4:	movl $probe_stubs, %eax
	movl %ecx, %edx
	shll $4, %edx
	addl %edx, %eax
	movw %ax, probe_idt(, %ecx, 8)
	movw $SEL_CODE32, probe_idt + 2(, %ecx, 8)
	movw $0x8e00, probe_idt + 4(, %ecx, 8)
	shrl $16, %eax
	movw %ax, probe_idt + 6(, %ecx, 8)
	incl %ecx
	cmpl $32, %ecx
	jb 4b
	lidt idtr32

	/* 32-bit PAE paging. */
	movl %cr4, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl $pdpt_pae, %eax
	movl %eax, %cr3
	movl %cr0, %eax
	orl $CR0_PG, %eax
	movl %eax, %cr0

	/* The probes, through the segment registers as the loader left them. */
	movl $1, probe_step
	movl %ds:0xfffffffc, %eax
	movl %eax, probe_rd
	movl $0x5ec00000, %ds:0xffffffe0
	movl $2, probe_step
	movl %es:0xfffffffc, %eax
	movl %eax, probe_rd + 4
	movl $0x5ec00001, %es:0xffffffe4
	movl $3, probe_step
	movl %fs:0xfffffffc, %eax
	movl %eax, probe_rd + 8
	movl $0x5ec00002, %fs:0xffffffe8
	movl $4, probe_step
	movl %gs:0xfffffffc, %eax
	movl %eax, probe_rd + 12
	movl $0x5ec00003, %gs:0xffffffec
	movl $5, probe_step
	movl %ss:0xfffffffc, %eax
	movl %eax, probe_rd + 16
	movl $0x5ec00004, %ss:0xfffffff0
	movl $6, probe_step
	movl $0xfffffffa, %eax
	call *%eax
	movl %eax, probe_rd + 20
	movl $0, probe_step
	jmp probe_done

/* Probe faults: record the vector and the probe, then carry on. */
	.balign 16
probe_stubs:
	.set vec, 0
	.rept 32
	.balign 16
	pushl $vec
	jmp probe_fault
	.set vec, vec + 1
	.endr
probe_fault:
	popl %eax
	ljmp $SEL_CODE32, $1f
1:	movw $SEL_DATA, %dx
	movw %dx, %ds
	movw %dx, %ss
	movl $boot_stack_top, %esp
	movl %eax, probe_vector
	movl probe_step, %eax
	movl %eax, probe_fault_step

probe_done:
	/* From here on, our own segments. */
	ljmp $SEL_CODE32, $1f
1:	movw $SEL_DATA, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %fs
	movw %ax, %gs
	movw %ax, %ss
	movl $boot_stack_top, %esp

	/* Long mode: paging off, CR3 = pml4, EFER.LME, paging on, far jump. */
	movl %cr0, %eax
	andl $~CR0_PG, %eax
	movl %eax, %cr0
	movl $pml4, %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl $EFER_LME, %eax
	wrmsr
	movl %cr0, %eax
	orl $CR0_PG, %eax
	movl %eax, %cr0
	ljmp $SEL_CODE64, $long_mode

/* COM1 at 115200 8N1, one message, power off (Bochs), halt. */
no_long_mode:
	movw $0x3f9, %dx
	xorb %al, %al
	outb %al, %dx			/* IER */
	movw $0x3fb, %dx
	movb $0x80, %al
	outb %al, %dx			/* LCR: DLAB */
	movw $0x3f8, %dx
	movb $1, %al
	outb %al, %dx			/* DLL */
	movw $0x3f9, %dx
	xorb %al, %al
	outb %al, %dx			/* DLM */
	movw $0x3fb, %dx
	movb $3, %al
	outb %al, %dx			/* LCR: 8N1 */
	movl $no_lm_msg, %esi
1:	lodsb
	testb %al, %al
	jz 3f
	movb %al, %bl
	movw $0x3fd, %dx
2:	inb %dx, %al
	testb $0x20, %al
	jz 2b
	movw $0x3f8, %dx
	movb %bl, %al
	outb %al, %dx
	jmp 1b
3:	movl $shutdown_msg, %esi
	movw $0x8900, %dx
4:	lodsb
	testb %al, %al
	jz 5f
	outb %al, %dx
	jmp 4b
5:	cli
	hlt
	jmp 5b
	.size mb2_entry, . - mb2_entry

	.section .rodata
no_lm_msg:
	.asciz "FAIL long-mode: CPUID.80000001h:EDX[29] (LM) is clear\nmb2check: 0 passed, 1 failed, 0 skipped\n"
shutdown_msg:
	.asciz "Shutdown"

/* ---- 64-bit -------------------------------------------------------------- */
	.text
	.code64
long_mode:
	movw $SEL_DATA, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	xorl %eax, %eax
	movw %ax, %fs
	movw %ax, %gs
	movq $boot_stack_top, %rsp
	xorl %ebp, %ebp
	call mb2check_main
1:	cli
	hlt
	jmp 1b

/*
 * Interrupt and exception stubs, 16 bytes each, vector v at
 * isr_stubs + 16 * v: push a zero error code where the CPU pushes none,
 * push the vector, save the caller-saved registers and call
 * isr_dispatch(frame) (struct isr_frame in mb2check.c).
 */
	.balign 16
	.globl isr_stubs
isr_stubs:
	.set vec, 0
	.rept 256
	.balign 16
	.if (vec == 8) || ((vec >= 10) && (vec <= 14)) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30)
	.else
	pushq $0
	.endif
	pushq $vec
	jmp isr_common
	.set vec, vec + 1
	.endr

isr_common:
	pushq %rax
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	cld
	movq %rsp, %rdi
	call isr_dispatch
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rax
	addq $16, %rsp			/* vector, error code */
	iretq

/*
 * The AP start-up code, copied to TRAMP_BASE (SIPI vector 0x08): real
 * mode, then 32-bit protected mode with a GDT of its own; it takes a
 * slot with LOCK XADD on ap_count, stores its initial APIC ID (CPUID.1:
 * EBX[31:24]) there and halts for good. It halts with interrupts on:
 * hvisor stops a guest whose vCPU halts with IF = 0, as nothing could
 * wake it. Nothing interrupts it either: after INIT its local APIC is
 * software-disabled with every LVT masked, and no IOAPIC entry or IPI
 * targets it.
 */
	.section .rodata
	.globl ap_tramp_start, ap_tramp_end
	.code16
ap_tramp_start:
	cli
	cld
	xorw %ax, %ax
	movw %ax, %ds
	lgdtl TR(ap_gdtr)
	movl %cr0, %eax
	orl $CR0_PE, %eax
	movl %eax, %cr0
	ljmpl $SEL_CODE32, $TR(ap_pm)
	.code32
ap_pm:
	movw $SEL_DATA, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movl $1, %eax
	cpuid
	shrl $24, %ebx
	movl $1, %eax
	lock xaddl %eax, ap_count
	cmpl $AP_MAX, %eax
	jae 1f
	movl %ebx, ap_ids(, %eax, 4)
1:	sti
	hlt
	jmp 1b
	.balign 8
ap_gdt:
	.quad 0
	.quad 0x00cf9a000000ffff
	.quad 0x00cf92000000ffff
ap_gdtr:
	.short 23
	.long TR(ap_gdt)
ap_tramp_end:
	.code64

	.data
	.balign 4
	.globl ap_count, ap_ids
ap_count:	.long 0
ap_ids:		.fill AP_MAX, 4, 0xffffffff

	.section .note.GNU-stack, "", @progbits
