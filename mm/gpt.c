// SPDX-License-Identifier: GPL-2.0
/*
 * Guest page-table walk, see gpt.h. Entry formats: SDM Vol. 3A 4.3
 * (32-bit), 4.4 (PAE), 4.5 (4/5-level); access rights 4.6; #PF 4.7.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mm/gpt.h"

#define PG_SIZE		4096u

/* Combined rights of every level walked so far. */
struct rights {
	bool write;	/* every level has R/W = 1 */
	bool user;	/* every level has U/S = 1 */
	bool xd;	/* some level has XD = 1 (with NXE) */
};

static unsigned int phys_bits(const struct gpt_ctx *c)
{
	unsigned int m = c->maxphyaddr;

	if (m == 0 || m > 52)
		return 52;
	return m < 32 ? 32 : m;
}

/* Bits m-1:12: the address field of an entry. */
static uint64_t addr_field(unsigned int m)
{
	return ((1ULL << m) - 1) & ~0xfffULL;
}

/* Bits 51:m: address bits past MAXPHYADDR. */
static uint64_t above_maxphy(unsigned int m)
{
	return ((1ULL << 52) - 1) & ~((1ULL << m) - 1);
}

/* Error code bits that describe the access itself (SDM 4.7). */
static uint32_t access_bits(const struct gpt_ctx *c, unsigned int access)
{
	uint32_t e = 0;

	if (access & GPT_FETCH) {
		/* I/D is reported only where fetches can be refused. */
		if ((c->cr4 & GPT_CR4_SMEP) ||
		    ((c->cr4 & GPT_CR4_PAE) && (c->efer & GPT_EFER_NXE)))
			e |= PF_ERR_I;
	} else if (access & GPT_WRITE) {
		e |= PF_ERR_W;
	}
	if (access & GPT_USER)
		e |= PF_ERR_U;
	return e;
}

static int fault(const struct gpt_ctx *c, unsigned int access, uint32_t bits,
		 uint32_t *pf_error)
{
	*pf_error = access_bits(c, access) | bits;
	return -EFAULT;
}

/* SDM 4.6: may this access use a page with rights r? */
static int check_rights(const struct gpt_ctx *c, unsigned int access,
			const struct rights *r, uint32_t *pf_error)
{
	bool user = access & GPT_USER;

	if (user && !r->user)
		goto deny;
	if (access & GPT_FETCH) {
		if (r->xd)
			goto deny;
		if (!user && r->user && (c->cr4 & GPT_CR4_SMEP))
			goto deny;
		return 0;
	}
	/* Supervisor data access to a user page: SMAP unless RFLAGS.AC. */
	if (!user && r->user && (c->cr4 & GPT_CR4_SMAP) &&
	    !(c->rflags & GPT_RFLAGS_AC))
		goto deny;
	/* CR0.WP = 0 lets the supervisor write read-only pages. */
	if ((access & GPT_WRITE) && !r->write &&
	    (user || (c->cr0 & GPT_CR0_WP)))
		goto deny;
	return 0;
deny:
	return fault(c, access, PF_ERR_P, pf_error);
}

static int read_entry(const struct gpt_ctx *c, uint64_t gpa, uint64_t *e,
		      unsigned int size)
{
	uint32_t e32;
	int ret;

	if (size == 4) {
		ret = c->read_gpa(c->opaque, gpa, &e32, 4);
		*e = e32;
		return ret;
	}
	return c->read_gpa(c->opaque, gpa, e, 8);
}

/* 32-bit paging: 4 KiB pages, or 4 MiB ones with CR4.PSE (and PSE-36). */
static int walk32(const struct gpt_ctx *c, uint32_t la, unsigned int access,
		  uint64_t *gpa, uint32_t *pf_error)
{
	struct rights r;
	uint64_t pde, pte;
	int ret;

	ret = read_entry(c, (c->cr3 & 0xfffff000u) + 4 * (la >> 22), &pde, 4);
	if (ret)
		return ret;
	if (!(pde & PTE_P))
		return fault(c, access, 0, pf_error);
	r.write = pde & PTE_RW;
	r.user = pde & PTE_US;
	r.xd = false;

	if ((pde & PTE_PS) && (c->cr4 & GPT_CR4_PSE)) {
		/* Bits 20:13 carry PA bits 39:32 up to MAXPHYADDR (at most
		 * 40 here); what is above it, and bit 21, is reserved. */
		unsigned int m = phys_bits(c) > 40 ? 40 : phys_bits(c);
		uint64_t rsvd = (1ULL << 21) | (((1ULL << 21) - 1) &
						~((1ULL << (m - 19)) - 1));

		if (pde & rsvd)
			return fault(c, access, PF_ERR_P | PF_ERR_RSVD,
				     pf_error);
		*gpa = (pde & 0xffc00000u) | ((pde >> 13) & 0xff) << 32 |
		       (la & 0x3fffffu);
	} else {
		ret = read_entry(c, (pde & 0xfffff000u) +
				 4 * ((la >> 12) & 0x3ff), &pte, 4);
		if (ret)
			return ret;
		if (!(pte & PTE_P))
			return fault(c, access, 0, pf_error);
		r.write = r.write && (pte & PTE_RW);
		r.user = r.user && (pte & PTE_US);
		*gpa = (pte & 0xfffff000u) | (la & 0xfffu);
	}
	return check_rights(c, access, &r, pf_error);
}

/*
 * The 64-bit-entry levels shared by PAE (PD, PT) and 4/5-level paging,
 * from level down to 1 (the PT), starting at the table at address table.
 * rsvd: the reserved bits common to every entry of this paging mode.
 */
static int walk64(const struct gpt_ctx *c, uint64_t la, unsigned int access,
		  int level, uint64_t table, uint64_t rsvd, struct rights *r,
		  uint64_t *gpa, uint32_t *pf_error)
{
	uint64_t addr = addr_field(phys_bits(c)), e, bad;
	unsigned int shift;
	bool large;
	int ret;

	for (;; level--) {
		shift = 12 + 9 * (level - 1);
		ret = read_entry(c, table + 8 * ((la >> shift) & 511), &e, 8);
		if (ret)
			return ret;
		if (!(e & PTE_P))
			return fault(c, access, 0, pf_error);

		bad = rsvd;
		large = false;
		if (level >= 4)
			bad |= PTE_PS;		/* no 512 GiB pages */
		else if (level > 1 && (e & PTE_PS))
			large = true;
		/* A large page's address starts at bit 30 or 21; the
		 * bits between it and the PAT bit (12) are reserved. */
		if (large)
			bad |= ((1ULL << shift) - 1) & ~0x1fffULL;
		if (e & bad)
			return fault(c, access, PF_ERR_P | PF_ERR_RSVD,
				     pf_error);

		r->write = r->write && (e & PTE_RW);
		r->user = r->user && (e & PTE_US);
		if ((c->efer & GPT_EFER_NXE) && (e & PTE_XD))
			r->xd = true;

		if (level == 1 || large) {
			uint64_t off = (1ULL << shift) - 1;

			*gpa = (e & addr & ~off) | (la & off);
			return check_rights(c, access, r, pf_error);
		}
		table = e & addr;
	}
}

static int walk_pae(const struct gpt_ctx *c, uint32_t la, unsigned int access,
		    uint64_t *gpa, uint32_t *pf_error)
{
	unsigned int m = phys_bits(c), n = la >> 30;
	struct rights r = { .write = true, .user = true, .xd = false };
	uint64_t pdpte, rsvd;
	int ret;

	if (c->pdpte) {
		pdpte = c->pdpte[n];
	} else {
		ret = read_entry(c, (c->cr3 & 0xffffffe0u) + 8 * n, &pdpte, 8);
		if (ret)
			return ret;
	}
	if (!(pdpte & PTE_P))
		return fault(c, access, 0, pf_error);
	/* A PDPTE has no rights bits: 2:1, 8:5 and 63:M are reserved. */
	if (pdpte & (~((1ULL << m) - 1) | 0x1e6ULL))
		return fault(c, access, PF_ERR_P | PF_ERR_RSVD, pf_error);

	/* PAE PDEs/PTEs reserve 62:M, and XD without NXE. */
	rsvd = ~((1ULL << m) - 1) & ~PTE_XD;
	if (!(c->efer & GPT_EFER_NXE))
		rsvd |= PTE_XD;
	return walk64(c, la, access, 2, pdpte & addr_field(m), rsvd, &r, gpa,
		      pf_error);
}

static int walk_long(const struct gpt_ctx *c, uint64_t la,
		     unsigned int access, uint64_t *gpa, uint32_t *pf_error)
{
	unsigned int m = phys_bits(c);
	bool la57 = c->cr4 & GPT_CR4_LA57;
	unsigned int bits = la57 ? 57 : 48;
	struct rights r = { .write = true, .user = true, .xd = false };
	uint64_t rsvd;

	/* Canonical: bits 63:bits-1 all equal; else #GP, not #PF. */
	if ((uint64_t)((int64_t)(la << (64 - bits)) >> (64 - bits)) != la)
		return -EINVAL;

	rsvd = above_maxphy(m);
	if (!(c->efer & GPT_EFER_NXE))
		rsvd |= PTE_XD;
	/* CR3 bits 11:0 are flags or the PCID: only the address counts. */
	return walk64(c, la, access, la57 ? 5 : 4, c->cr3 & addr_field(m),
		      rsvd, &r, gpa, pf_error);
}

int gpt_translate(const struct gpt_ctx *c, uint64_t gva, unsigned int access,
		  uint64_t *gpa, uint32_t *pf_error)
{
	*pf_error = 0;
	if (c->efer & GPT_EFER_LMA) {
		/* LMA implies paging; without it this is no real state. */
		if (!(c->cr0 & GPT_CR0_PG)) {
			*gpa = gva;
			return 0;
		}
		return walk_long(c, gva, access, gpa, pf_error);
	}
	/* Outside long mode linear addresses are 32 bits. */
	if (!(c->cr0 & GPT_CR0_PG)) {
		*gpa = (uint32_t)gva;
		return 0;
	}
	if (c->cr4 & GPT_CR4_PAE)
		return walk_pae(c, (uint32_t)gva, access, gpa, pf_error);
	return walk32(c, (uint32_t)gva, access, gpa, pf_error);
}

int gpt_read_virt(const struct gpt_ctx *c, uint64_t gva, void *buf,
		  unsigned int len, unsigned int access, uint32_t *pf_error,
		  uint64_t *pf_addr)
{
	uint8_t *p = buf;
	unsigned int chunk;
	uint64_t gpa;
	int ret;

	while (len) {
		if (!(c->efer & GPT_EFER_LMA))
			gva = (uint32_t)gva;	/* wraps at 4 GiB */
		chunk = PG_SIZE - (gva & (PG_SIZE - 1));
		if (chunk > len)
			chunk = len;
		ret = gpt_translate(c, gva, access, &gpa, pf_error);
		if (ret) {
			if (ret == -EFAULT && pf_addr)
				*pf_addr = gva;
			return ret;
		}
		ret = c->read_gpa(c->opaque, gpa, p, chunk);
		if (ret)
			return ret;
		p += chunk;
		gva += chunk;
		len -= chunk;
	}
	return 0;
}
