/* SPDX-License-Identifier: GPL-2.0 */
/* VMCS field encodings (Intel SDM Vol. 3D, appendix B) and accessors. */
#ifndef HV_VMX_VMCS_H
#define HV_VMX_VMCS_H

#include <stdint.h>

/* Control bits hvisor uses (SDM Vol. 3C, chapter 25). */
#define PIN_EXT_INTR		(1u << 0)
#define PIN_NMI			(1u << 3)
#define PIN_VIRTUAL_NMI		(1u << 5)
#define PIN_PREEMPT_TIMER	(1u << 6)
#define PIN_POSTED		(1u << 7)
#define PROC_INTR_WINDOW	(1u << 2)
#define PROC_TSC_OFFSET		(1u << 3)
#define PROC_HLT		(1u << 7)
#define PROC_MWAIT		(1u << 10)
#define PROC_RDPMC		(1u << 11)
#define PROC_TPR_SHADOW		(1u << 21)
#define PROC_NMI_WINDOW		(1u << 22)
#define PROC_UNCOND_IO		(1u << 24)
#define PROC_MSR_BITMAP		(1u << 28)
#define PROC_MONITOR		(1u << 29)
#define PROC_SECONDARY		(1u << 31)
#define PROC2_APIC_ACCESS	(1u << 0)
#define PROC2_EPT		(1u << 1)
#define PROC2_RDTSCP		(1u << 3)
#define PROC2_X2APIC		(1u << 4)
#define PROC2_VPID		(1u << 5)
#define PROC2_WBINVD		(1u << 6)
#define PROC2_UNRESTRICTED	(1u << 7)
#define PROC2_APIC_REG		(1u << 8)
#define PROC2_VID		(1u << 9)
#define PROC2_PLE		(1u << 10)
#define EXIT_HOST_64		(1u << 9)
#define EXIT_ACK_INTR		(1u << 15)
#define EXIT_SAVE_PAT		(1u << 18)
#define EXIT_LOAD_PAT		(1u << 19)
#define EXIT_SAVE_EFER		(1u << 20)
#define EXIT_LOAD_EFER		(1u << 21)
#define ENTRY_IA32E		(1u << 9)
#define ENTRY_LOAD_PAT		(1u << 14)
#define ENTRY_LOAD_EFER		(1u << 15)

/* Interruption information, entry and exit (SDM 24.8.3, 24.9.2). */
#define INTR_INFO_VALID		(1u << 31)
#define INTR_INFO_HAS_ERROR	(1u << 11)
#define INTR_INFO_RSVD		0x7ffff000u	/* bit 12: NMI unblocking, exit only */
#define INTR_TYPE_EXT		(0u << 8)
#define INTR_TYPE_NMI		(2u << 8)
#define INTR_TYPE_HW_EXCEPTION	(3u << 8)

/* Guest interruptibility state (SDM 24.4.2). */
#define BLOCK_STI_MOVSS		3u
#define BLOCK_NMI		8u

/* Segment access rights as the VMCS holds them. */
#define AR_CODE32		0xc09b
#define AR_DATA32		0xc093
#define AR_CODE64		0xa09b
#define AR_CODE16		0x009b
#define AR_DATA16		0x0093
#define AR_TSS_BUSY		0x008b
#define AR_UNUSABLE		0x10000
#define AR_L			(1u << 13)
#define AR_DB			(1u << 14)
#define AR_DPL(ar)		(((ar) >> 5) & 3)

enum vmcs_field {
	VPID			= 0x0000,
	POSTED_INTR_NV		= 0x0002,
	GUEST_ES_SEL		= 0x0800,
	GUEST_CS_SEL		= 0x0802,
	GUEST_SS_SEL		= 0x0804,
	GUEST_DS_SEL		= 0x0806,
	GUEST_FS_SEL		= 0x0808,
	GUEST_GS_SEL		= 0x080a,
	GUEST_LDTR_SEL		= 0x080c,
	GUEST_TR_SEL		= 0x080e,
	GUEST_INTR_STATUS	= 0x0810,
	HOST_ES_SEL		= 0x0c00,
	HOST_CS_SEL		= 0x0c02,
	HOST_SS_SEL		= 0x0c04,
	HOST_DS_SEL		= 0x0c06,
	HOST_FS_SEL		= 0x0c08,
	HOST_GS_SEL		= 0x0c0a,
	HOST_TR_SEL		= 0x0c0c,
	IO_BITMAP_A		= 0x2000,
	IO_BITMAP_B		= 0x2002,
	MSR_BITMAP		= 0x2004,
	TSC_OFFSET		= 0x2010,
	VIRTUAL_APIC_ADDR	= 0x2012,
	APIC_ACCESS_ADDR	= 0x2014,
	POSTED_INTR_DESC	= 0x2016,
	EPT_POINTER		= 0x201a,
	EOI_EXIT_BITMAP0	= 0x201c,
	GUEST_PHYS_ADDR		= 0x2400,
	VMCS_LINK_PTR		= 0x2800,
	GUEST_IA32_DEBUGCTL	= 0x2802,
	GUEST_IA32_PAT		= 0x2804,
	GUEST_IA32_EFER		= 0x2806,
	GUEST_PDPTE0		= 0x280a,
	HOST_IA32_PAT		= 0x2c00,
	HOST_IA32_EFER		= 0x2c02,
	PIN_CONTROLS		= 0x4000,
	PROC_CONTROLS		= 0x4002,
	EXCEPTION_BITMAP	= 0x4004,
	CR3_TARGET_COUNT	= 0x400a,
	EXIT_CONTROLS		= 0x400c,
	EXIT_MSR_STORE_COUNT	= 0x400e,
	EXIT_MSR_LOAD_COUNT	= 0x4010,
	ENTRY_CONTROLS		= 0x4012,
	ENTRY_MSR_LOAD_COUNT	= 0x4014,
	ENTRY_INTR_INFO		= 0x4016,
	ENTRY_EXCEPTION_ERROR	= 0x4018,
	ENTRY_INSTR_LEN		= 0x401a,
	TPR_THRESHOLD		= 0x401c,
	PROC_CONTROLS2		= 0x401e,
	PLE_GAP			= 0x4020,
	PLE_WINDOW		= 0x4022,
	VM_INSTRUCTION_ERROR	= 0x4400,
	EXIT_REASON		= 0x4402,
	EXIT_INTR_INFO		= 0x4404,
	EXIT_INTR_ERROR		= 0x4406,
	IDT_VECTORING_INFO	= 0x4408,
	IDT_VECTORING_ERROR	= 0x440a,
	EXIT_INSTR_LEN		= 0x440c,
	GUEST_ES_LIMIT		= 0x4800,
	GUEST_CS_LIMIT		= 0x4802,
	GUEST_SS_LIMIT		= 0x4804,
	GUEST_DS_LIMIT		= 0x4806,
	GUEST_FS_LIMIT		= 0x4808,
	GUEST_GS_LIMIT		= 0x480a,
	GUEST_LDTR_LIMIT	= 0x480c,
	GUEST_TR_LIMIT		= 0x480e,
	GUEST_GDTR_LIMIT	= 0x4810,
	GUEST_IDTR_LIMIT	= 0x4812,
	GUEST_ES_AR		= 0x4814,
	GUEST_CS_AR		= 0x4816,
	GUEST_SS_AR		= 0x4818,
	GUEST_DS_AR		= 0x481a,
	GUEST_FS_AR		= 0x481c,
	GUEST_GS_AR		= 0x481e,
	GUEST_LDTR_AR		= 0x4820,
	GUEST_TR_AR		= 0x4822,
	GUEST_INTERRUPTIBILITY	= 0x4824,
	GUEST_ACTIVITY_STATE	= 0x4826,
	GUEST_SYSENTER_CS	= 0x482a,
	PREEMPT_TIMER_VALUE	= 0x482e,
	HOST_SYSENTER_CS	= 0x4c00,
	CR0_GUEST_HOST_MASK	= 0x6000,
	CR4_GUEST_HOST_MASK	= 0x6002,
	CR0_READ_SHADOW		= 0x6004,
	CR4_READ_SHADOW		= 0x6006,
	EXIT_QUALIFICATION	= 0x6400,
	GUEST_LINEAR_ADDR	= 0x640a,
	GUEST_CR0		= 0x6800,
	GUEST_CR3		= 0x6802,
	GUEST_CR4		= 0x6804,
	GUEST_ES_BASE		= 0x6806,
	GUEST_CS_BASE		= 0x6808,
	GUEST_SS_BASE		= 0x680a,
	GUEST_DS_BASE		= 0x680c,
	GUEST_FS_BASE		= 0x680e,
	GUEST_GS_BASE		= 0x6810,
	GUEST_LDTR_BASE		= 0x6812,
	GUEST_TR_BASE		= 0x6814,
	GUEST_GDTR_BASE		= 0x6816,
	GUEST_IDTR_BASE		= 0x6818,
	GUEST_DR7		= 0x681a,
	GUEST_RSP		= 0x681c,
	GUEST_RIP		= 0x681e,
	GUEST_RFLAGS		= 0x6820,
	GUEST_PENDING_DBG	= 0x6822,
	GUEST_SYSENTER_ESP	= 0x6824,
	GUEST_SYSENTER_EIP	= 0x6826,
	HOST_CR0		= 0x6c00,
	HOST_CR3		= 0x6c02,
	HOST_CR4		= 0x6c04,
	HOST_FS_BASE		= 0x6c06,
	HOST_GS_BASE		= 0x6c08,
	HOST_TR_BASE		= 0x6c0a,
	HOST_GDTR_BASE		= 0x6c0c,
	HOST_IDTR_BASE		= 0x6c0e,
	HOST_SYSENTER_ESP	= 0x6c10,
	HOST_SYSENTER_EIP	= 0x6c12,
	HOST_RSP		= 0x6c14,
	HOST_RIP		= 0x6c16,
};

#ifdef HV_HOST
/* Host unit tests link a fake VMCS instead of the instructions. */
uint64_t vmcs_read(enum vmcs_field f);
int vmcs_write(enum vmcs_field f, uint64_t v);
#else
static inline uint64_t vmcs_read(enum vmcs_field f)
{
	uint64_t v;

	asm volatile("vmread %1, %0" : "=rm"(v) : "r"((uint64_t)f) : "cc");
	return v;
}

/* Returns 0, or -1 when VMWRITE failed (field not supported). */
static inline int vmcs_write(enum vmcs_field f, uint64_t v)
{
	uint8_t fail;

	asm volatile("vmwrite %2, %1; setna %0"
		     : "=q"(fail) : "r"((uint64_t)f), "rm"(v) : "cc");
	return fail ? -1 : 0;
}
#endif

#endif
