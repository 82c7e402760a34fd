/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest page-table walk (Intel SDM Vol. 3A, chapter 4 "Paging"): guest
 * linear (virtual) to guest physical, the way the CPU would do it for the
 * guest's CR0/CR3/CR4/EFER, with its permission and reserved-bit checks.
 *
 * Modes, chosen like the CPU does:
 *   CR0.PG = 0                 none: gpa = gva (32 bits unless EFER.LMA)
 *   CR4.PAE = 0                32-bit paging: 4 KiB, 4 MiB with CR4.PSE
 *                              (PSE-36 address bits 39:32 included)
 *   EFER.LMA = 0               PAE paging: 4 KiB, 2 MiB
 *   EFER.LMA = 1               4-level paging (5-level with CR4.LA57):
 *                              4 KiB, 2 MiB, 1 GiB
 *
 * Checked: present bits, R/W (supervisor writes only with CR0.WP), U/S,
 * XD with EFER.NXE, SMEP and SMAP (CR4, with RFLAGS.AC), reserved bits
 * (above MAXPHYADDR, XD without NXE, the PS bit of a PML4E/PML5E, the
 * low bits of large-page addresses, PAE PDPTE bits).
 * Not done: Accessed/Dirty bit updates (nothing here writes guest memory),
 * protection keys, shadow stacks, the PAT/PCD/PWT memory types, TLBs.
 *
 * Guest memory is read through a callback, so the host tests can back it
 * with a fake and the hypervisor with its EPT/GPA->HVA mapping.
 */
#ifndef HV_MM_GPT_H
#define HV_MM_GPT_H

#include <stdint.h>

/* x86 page-table entry bits (SDM Vol. 3A, 4.5), shared with host paging. */
#define PTE_P		(1ULL << 0)
#define PTE_RW		(1ULL << 1)
#define PTE_US		(1ULL << 2)
#define PTE_PS		(1ULL << 7)
#define PTE_XD		(1ULL << 63)

/* The access being translated (gpt_translate's access argument). */
#define GPT_WRITE	0x1u	/* a data write */
#define GPT_USER	0x2u	/* at CPL 3 */
#define GPT_FETCH	0x4u	/* an instruction fetch */

/* #PF error code bits (SDM Vol. 3A 4.7), for the caller to inject. */
#define PF_ERR_P	(1u << 0)	/* 0: not present; 1: protection */
#define PF_ERR_W	(1u << 1)	/* the access was a write */
#define PF_ERR_U	(1u << 2)	/* the access was at CPL 3 */
#define PF_ERR_RSVD	(1u << 3)	/* a reserved bit was set */
#define PF_ERR_I	(1u << 4)	/* fetch (only with NXE+PAE or SMEP) */

/* The architectural bits this file looks at. */
#define GPT_CR0_WP	(1ULL << 16)
#define GPT_CR0_PG	(1ULL << 31)
#define GPT_CR4_PSE	(1ULL << 4)
#define GPT_CR4_PAE	(1ULL << 5)
#define GPT_CR4_LA57	(1ULL << 12)
#define GPT_CR4_SMEP	(1ULL << 20)
#define GPT_CR4_SMAP	(1ULL << 21)
#define GPT_EFER_LMA	(1ULL << 10)
#define GPT_EFER_NXE	(1ULL << 11)
#define GPT_RFLAGS_AC	(1ULL << 18)

struct gpt_ctx {
	/* The guest's registers, as the VMCS holds them after the exit. */
	uint64_t cr0, cr3, cr4, efer;
	uint64_t rflags;		/* only AC is used (SMAP) */
	/*
	 * PAE paging: the four PDPTEs the CPU loaded (VMCS GUEST_PDPTE0-3,
	 * saved on every exit when EPT is on); NULL to read them from guest
	 * memory at CR3, which misses a PDPT changed since the last CR3 load.
	 */
	const uint64_t *pdpte;
	unsigned int maxphyaddr;	/* guest MAXPHYADDR; 0 means 52 */
	/* Read len bytes of guest-physical memory: 0 or -errno. */
	int (*read_gpa)(void *opaque, uint64_t gpa, void *buf,
			unsigned int len);
	void *opaque;
};

/*
 * Translate gva for an access (GPT_* flags). Returns 0 with *gpa set;
 * -EFAULT with the #PF error code in *pf_error (CR2 is gva) when the CPU
 * would raise #PF; -EINVAL for a non-canonical gva in long mode (the CPU
 * raises #GP or #SS, not #PF); or read_gpa's error when a paging structure
 * cannot be read (a table outside guest RAM: not a guest fault).
 * Each paging-structure read is 4 or 8 bytes within one page.
 */
int gpt_translate(const struct gpt_ctx *c, uint64_t gva, unsigned int access,
		  uint64_t *gpa, uint32_t *pf_error);

/*
 * Read len bytes at guest-linear gva, page by page, so a read may cross
 * into a page mapped elsewhere (an instruction is up to 15 bytes). access
 * is GPT_FETCH for instruction bytes, plus GPT_USER at CPL 3. Returns 0 or
 * gpt_translate's error; on -EFAULT, *pf_error and *pf_addr (the address
 * to put in CR2; pf_addr may be NULL) describe the page that faulted, and
 * buf holds the bytes before it.
 */
int gpt_read_virt(const struct gpt_ctx *c, uint64_t gva, void *buf,
		  unsigned int len, unsigned int access, uint32_t *pf_error,
		  uint64_t *pf_addr);

#endif
