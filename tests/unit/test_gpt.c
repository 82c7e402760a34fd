// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the guest page-table walk (mm/gpt.c).
 *
 * Guest physical memory is a sparse set of 4 KiB pages keyed by address;
 * page tables are built in it by hand for every paging mode and page size.
 * A read of an absent page fails with -EIO, and a read that crosses a page
 * boundary fails the test: the walker must never need one.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdlib.h>
#include <setjmp.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "mm/gpt.h"

#define PG	0x1000ULL
#define P	(1ULL << 0)
#define RW	(1ULL << 1)
#define US	(1ULL << 2)
#define PS	(1ULL << 7)
#define XD	(1ULL << 63)

#define CR0_PE	(1ULL << 0)
#define EFER_LME (1ULL << 8)

#define MAX_PAGES 64

static struct {
	uint64_t gpa[MAX_PAGES];
	uint8_t data[MAX_PAGES][PG];
	unsigned int n;
	unsigned int reads;
	uint64_t fail_gpa;	/* reads of this page fail; 0: none */
} mem;

static uint8_t *page(uint64_t gpa, bool create)
{
	unsigned int k;

	gpa &= ~(PG - 1);
	for (k = 0; k < mem.n; k++)
		if (mem.gpa[k] == gpa)
			return mem.data[k];
	if (!create)
		return NULL;
	assert_true(mem.n < MAX_PAGES);
	mem.gpa[mem.n] = gpa;
	memset(mem.data[mem.n], 0, PG);
	return mem.data[mem.n++];
}

static int fake_read_gpa(void *opaque, uint64_t gpa, void *buf,
			 unsigned int len)
{
	uint8_t *p;

	assert_ptr_equal(opaque, &mem);
	if ((gpa & (PG - 1)) + len > PG)
		fail_msg("read of %u bytes at %#llx crosses a page", len,
			 (unsigned long long)gpa);
	mem.reads++;
	if (mem.fail_gpa && (gpa & ~(PG - 1)) == mem.fail_gpa)
		return -EIO;
	p = page(gpa, false);
	if (!p)
		return -EIO;
	memcpy(buf, p + (gpa & (PG - 1)), len);
	return 0;
}

static void put64(uint64_t gpa, uint64_t v)
{
	memcpy(page(gpa, true) + (gpa & (PG - 1)), &v, 8);
}

static void put32(uint64_t gpa, uint32_t v)
{
	memcpy(page(gpa, true) + (gpa & (PG - 1)), &v, 4);
}

static struct gpt_ctx ctx;

static int setup(void **state)
{
	memset(&mem, 0, sizeof(mem));
	memset(&ctx, 0, sizeof(ctx));
	ctx.read_gpa = fake_read_gpa;
	ctx.opaque = &mem;
	return 0;
}

/* Translate; on success return the gpa, on #PF return ~0 and set *err. */
static uint64_t xlate(uint64_t gva, unsigned int access, uint32_t *err)
{
	uint64_t gpa = 0xdead;
	uint32_t e = 0xdead;
	int ret;

	ret = gpt_translate(&ctx, gva, access, &gpa, &e);
	*err = e;
	if (ret == -EFAULT)
		return ~0ULL;
	assert_int_equal(ret, 0);
	assert_int_equal(e, 0);
	return gpa;
}

static void expect(uint64_t gva, unsigned int access, uint64_t want)
{
	uint32_t err;
	uint64_t got = xlate(gva, access, &err);

	if (got != want)
		fail_msg("gva %#llx access %#x: gpa %#llx (pf %#x), want %#llx",
			 (unsigned long long)gva, access,
			 (unsigned long long)got, err,
			 (unsigned long long)want);
}

static void expect_pf(uint64_t gva, unsigned int access, uint32_t want)
{
	uint32_t err;
	uint64_t got = xlate(gva, access, &err);

	if (got != ~0ULL)
		fail_msg("gva %#llx access %#x: gpa %#llx, want #PF %#x",
			 (unsigned long long)gva, access,
			 (unsigned long long)got, want);
	if (err != want)
		fail_msg("gva %#llx access %#x: #PF %#x, want %#x",
			 (unsigned long long)gva, access, err, want);
}

#define W	GPT_WRITE
#define U	GPT_USER
#define F	GPT_FETCH
#define EP	PF_ERR_P
#define EW	PF_ERR_W
#define EU	PF_ERR_U
#define ER	PF_ERR_RSVD
#define EI	PF_ERR_I

static void test_paging_off(void **state)
{
	uint32_t err;
	uint64_t gpa;

	ctx.cr0 = CR0_PE;
	/* outside long mode, linear addresses are 32 bits */
	expect(0x123456789ULL, 0, 0x23456789);
	expect(0xfffff000, W | U | F, 0xfffff000);
	assert_int_equal(mem.reads, 0);
	/* never a fault, whatever the access */
	assert_int_equal(gpt_translate(&ctx, 0, W | U, &gpa, &err), 0);
	assert_int_equal(gpa, 0);
}

/* ---- 32-bit paging ---- */

static void build32(void)
{
	ctx.cr0 = CR0_PE | GPT_CR0_PG;
	ctx.cr4 = 0;
	ctx.efer = 0;
	ctx.cr3 = 0x1000 | 0x18;		/* PWT/PCD: not address */
	/* 0x00400000: PT at 0x2000 */
	put32(0x1000 + 4 * 1, 0x2000 | P | RW | US);
	put32(0x2000 + 4 * 1, 0x00abc000 | P | RW | US);	/* 0x00401000 */
	put32(0x2000 + 4 * 2, 0x00abd000 | P | US);		/* RO */
	put32(0x2000 + 4 * 3, 0x00abe000 | P | RW);		/* supervisor */
	/* 0x00800000: PT at 0x3000, PDE read-only and supervisor */
	put32(0x1000 + 4 * 2, 0x3000 | P);
	put32(0x3000 + 4 * 0, 0x00def000 | P | RW | US);
	/* 0x00c00000: 4 MiB page at 0x01000000, or PT 0x01000000 w/o PSE */
	put32(0x1000 + 4 * 3, 0x01000000 | PS | P | RW | US);
}

static void test_32bit_4k(void **state)
{
	build32();
	expect(0x00401234, 0, 0x00abc234);
	expect(0x00401234, W | U, 0x00abc234);
	/* bits 63:32 of the address do not exist here */
	expect(0xffffffff00401234ULL, 0, 0x00abc234);
	expect(0x00401fff, F | U, 0x00abcfff);

	/* not present: PTE, PDE; the access bits still describe it */
	expect_pf(0x00404000, 0, 0);
	expect_pf(0x00404000, W | U, EW | EU);
	expect_pf(0x01400000, W, EW);
	/* no I/D bit without SMEP in 32-bit paging (no NX there) */
	expect_pf(0x00404000, F, 0);
	ctx.cr4 |= GPT_CR4_SMEP;
	expect_pf(0x00404000, F, EI);
	ctx.cr4 &= ~GPT_CR4_SMEP;

	/* read-only page: CR0.WP decides for the supervisor */
	expect(0x00402000, W, 0x00abd000);
	ctx.cr0 |= GPT_CR0_WP;
	expect_pf(0x00402000, W, EP | EW);
	ctx.cr0 &= ~GPT_CR0_WP;
	expect_pf(0x00402000, W | U, EP | EW | EU);
	expect(0x00402000, U, 0x00abd000);

	/* supervisor page */
	expect(0x00403000, W, 0x00abe000);
	expect_pf(0x00403000, U, EP | EU);
	expect_pf(0x00403000, U | W, EP | EW | EU);

	/* rights combine: the PDE is read-only supervisor, the PTE not */
	expect(0x00800010, 0, 0x00def010);
	expect_pf(0x00800010, U, EP | EU);
	ctx.cr0 |= GPT_CR0_WP;
	expect_pf(0x00800010, W, EP | EW);
}

static void test_32bit_4m(void **state)
{
	build32();
	/* without CR4.PSE, PS is ignored: the PDE points to a table */
	put32(0x01000000 + 4 * 1, 0x00555000 | P);
	expect(0x00c01234, 0, 0x00555234);

	ctx.cr4 = GPT_CR4_PSE;
	expect(0x00c01234, 0, 0x01001234);
	expect(0x00ffffff, W | U, 0x013fffff);

	/* PAT (bit 12) is not an address bit */
	put32(0x1000 + 4 * 3, 0x01000000 | 0x1000 | PS | P | RW | US);
	expect(0x00c01234, 0, 0x01001234);

	/* PSE-36: bits 20:13 are physical address bits 39:32 */
	put32(0x1000 + 4 * 3, 0x01000000 | (0x3u << 13) | PS | P | RW);
	expect(0x00c01234, 0, 0x301001234ULL);
	put32(0x1000 + 4 * 3, 0x01000000 | (0x80u << 13) | PS | P | RW);
	expect(0x00c01234, 0, 0x8001001234ULL);
	/* ... but only up to MAXPHYADDR */
	ctx.maxphyaddr = 36;
	expect_pf(0x00c01234, 0, EP | ER);
	put32(0x1000 + 4 * 3, 0x01000000 | (0xfu << 13) | PS | P | RW);
	expect(0x00c01234, W, 0xf01001234ULL);
	put32(0x1000 + 4 * 3, 0x01000000 | (0x10u << 13) | PS | P | RW);
	expect_pf(0x00c01234, W | U, EP | ER | EW | EU);
	/* bit 21 is always reserved */
	ctx.maxphyaddr = 0;
	put32(0x1000 + 4 * 3, 0x01000000 | (1u << 21) | PS | P | RW);
	expect_pf(0x00c01234, 0, EP | ER);
	/* a reserved bit in a not-present entry does not count */
	put32(0x1000 + 4 * 3, 0x01000000 | (1u << 21) | PS);
	expect_pf(0x00c01234, 0, 0);
	/* a large page's U/S and R/W are the only rights */
	put32(0x1000 + 4 * 3, 0x01000000 | PS | P);
	expect_pf(0x00c01234, U, EP | EU);
}

/* ---- PAE paging ---- */

static void build_pae(void)
{
	ctx.cr0 = CR0_PE | GPT_CR0_PG | GPT_CR0_WP;
	ctx.cr4 = GPT_CR4_PAE;
	ctx.efer = 0;
	ctx.cr3 = 0x1020;		/* 32-byte aligned PDPT */
	put64(0x1020 + 8 * 0, 0x2000 | P);
	/* 0x00400000 (PD[2]): PT at 0x3000 */
	put64(0x2000 + 8 * 2, 0x3000 | P | RW | US);
	put64(0x3000 + 8 * 5, 0x123456000ULL | P | RW | US);	/* > 4 GiB */
	put64(0x3000 + 8 * 6, 0x0000a000 | P | RW | US | XD);
	/* 0x00600000 (PD[3]): 2 MiB page */
	put64(0x2000 + 8 * 3, 0x400600000ULL | PS | P | RW);
	/* PDPT[3]: 0xc0000000 */
	put64(0x1020 + 8 * 3, 0x4000 | P);
	put64(0x4000 + 8 * 0, 0x00e00000 | PS | P | RW | US);
}

static void test_pae(void **state)
{
	uint64_t pdpte[4] = { 0 };

	build_pae();
	expect(0x00405678, 0, 0x123456678ULL);
	expect(0x006abcde, W, 0x4006abcdeULL);
	expect(0xc0012345, U | W, 0x00e12345);
	/* upper half of the address ignored */
	expect(0x1c0012345ULL, 0, 0x00e12345);

	/* PDPTE not present, PDE not present */
	expect_pf(0x40000000, W, EW);
	expect_pf(0x00000000, U, EU);
	/* the 2 MiB page is supervisor */
	expect_pf(0x006abcde, U, EP | EU);

	/* XD without NXE is a reserved bit; fetches get I/D only with NXE */
	expect_pf(0x00406000, 0, EP | ER);
	expect_pf(0x00406000, F, EP | ER);
	ctx.efer = GPT_EFER_NXE;
	expect(0x00406000, U, 0xa000);
	expect_pf(0x00406000, F, EP | EI);
	expect_pf(0x00406000, F | U, EP | EI | EU);
	expect_pf(0x40000000, F, EI);	/* not present, still I/D */
	expect(0x00405000, F, 0x123456000ULL);

	/* reserved: 2 MiB page bits 20:13, bits 62:MAXPHYADDR */
	put64(0x2000 + 8 * 3, 0x400600000ULL | (1ULL << 13) | PS | P | RW);
	expect_pf(0x006abcde, 0, EP | ER);
	put64(0x2000 + 8 * 3, 0x400600000ULL | (1ULL << 12) | PS | P | RW);
	expect(0x006a0cde, 0, 0x4006a0cdeULL);		/* PAT bit */
	put64(0x3000 + 8 * 5, 0x123456000ULL | (1ULL << 52) | P | RW | US);
	expect_pf(0x00405678, W, EP | ER | EW);	/* 62:52 too, unlike IA-32e */
	put64(0x3000 + 8 * 5, 0x123456000ULL | P | RW | US);
	ctx.maxphyaddr = 32;
	expect_pf(0x00405678, 0, EP | ER);
	ctx.maxphyaddr = 36;
	expect(0x00405678, 0, 0x123456678ULL);

	/* PDPTE: R/W and U/S positions are reserved, no rights there */
	put64(0x1020, 0x2000 | P | RW);
	expect_pf(0x00405678, 0, EP | ER);
	put64(0x1020, 0x2000 | P | (1ULL << 5));
	expect_pf(0x00405678, 0, EP | ER);
	put64(0x1020, 0x2000 | P | (1ULL << 9) | (1ULL << 3));	/* AVL, PWT */
	expect(0x00405678, U | W, 0x123456678ULL);

	/* PDPTEs from the VMCS win over guest memory */
	put64(0x5000 + 8 * 2, 0x6000 | P | RW);
	put64(0x6000 + 8 * 5, 0x77000 | P | RW);
	pdpte[0] = 0x5000 | P;
	ctx.pdpte = pdpte;
	expect(0x00405678, 0, 0x77678);
	expect_pf(0xc0012345, 0, 0);
	pdpte[3] = 0x4000 | P | RW;
	expect_pf(0xc0012345, 0, EP | ER);
}

/* ---- 4-level and 5-level paging ---- */

#define HI	0xffff800000000000ULL

static void build_long(void)
{
	ctx.cr0 = CR0_PE | GPT_CR0_PG | GPT_CR0_WP;
	ctx.cr4 = GPT_CR4_PAE;
	ctx.efer = EFER_LME | GPT_EFER_LMA | GPT_EFER_NXE;
	ctx.cr3 = 0x10000;
	/* PML4[256] -> PDPT 0x11000 */
	put64(0x10000 + 8 * 256, 0x11000 | P | RW | US);
	/* PDPT[0] -> PD 0x12000; PDPT[1]: 1 GiB page */
	put64(0x11000 + 8 * 0, 0x12000 | P | RW | US);
	put64(0x11000 + 8 * 1, 0x8000000000ULL | PS | P | RW | US);
	/* PD[2] -> PT 0x13000; PD[3]: 2 MiB page, supervisor, XD */
	put64(0x12000 + 8 * 2, 0x13000 | P | RW | US);
	put64(0x12000 + 8 * 3, 0x7fe00000ULL | PS | P | RW | XD);
	/* PT[1]: user RW; PT[2]: user RO; PT[3]: supervisor RW */
	put64(0x13000 + 8 * 1, 0x789abc000ULL | P | RW | US);
	put64(0x13000 + 8 * 2, 0x00015000 | P | US);
	put64(0x13000 + 8 * 3, 0x00016000 | P | RW);
	/* PML4[0] -> PDPT 0x14000, supervisor only at the top */
	put64(0x10000 + 8 * 0, 0x14000 | P | RW);
	put64(0x14000 + 8 * 0, 0x00000000 | PS | P | RW | US);
}

static void test_long_pages(void **state)
{
	build_long();
	/* 4 KiB */
	expect(HI | 0x00401234, 0, 0x789abc234ULL);
	expect(HI | 0x00401234, W | U, 0x789abc234ULL);
	/* 2 MiB */
	expect(HI | 0x006abcde, W, 0x7feabcdeULL);
	/* 1 GiB */
	expect(HI | 0x52345678, U, 0x8012345678ULL);
	expect(HI | 0x7fffffff, F | U, 0x803fffffffULL);
	/* low half, 1 GiB identity page */
	expect(0x3fffffff, 0, 0x3fffffff);

	/* CR3 bits 11:0 (PCID) and above MAXPHYADDR are not address */
	ctx.cr3 = 0x10000 | 0xabc;
	ctx.cr4 |= (1ULL << 17);	/* PCIDE */
	expect(HI | 0x00401234, 0, 0x789abc234ULL);

	/* bits 62:52 are ignored in IA-32e paging (unlike PAE) */
	put64(0x13000 + 8 * 1, 0x789abc000ULL | (0x7fULL << 52) | P | RW | US);
	expect(HI | 0x00401234, 0, 0x789abc234ULL);

	/* non-canonical: #GP, not #PF */
	{
		uint64_t gpa;
		uint32_t err;

		assert_int_equal(gpt_translate(&ctx, 0x0000800000000000ULL, 0,
					       &gpa, &err), -EINVAL);
		assert_int_equal(gpt_translate(&ctx, 0xfff0000000000000ULL, 0,
					       &gpa, &err), -EINVAL);
	}
}

static void test_long_faults(void **state)
{
	build_long();

	/* not present at each level */
	expect_pf(HI | (1ULL << 39), 0, 0);			/* PML4E */
	expect_pf(HI | (2ULL << 30), W, EW);			/* PDPTE */
	expect_pf(HI | (4ULL << 21), U, EU);			/* PDE */
	expect_pf(HI | 0x00404000, F | U, EI | EU);		/* PTE */

	/* user read-only page */
	expect(HI | 0x00402000, U, 0x15000);
	expect_pf(HI | 0x00402000, W | U, EP | EW | EU);
	expect_pf(HI | 0x00402000, W, EP | EW);			/* WP = 1 */
	ctx.cr0 &= ~GPT_CR0_WP;
	expect(HI | 0x00402000, W, 0x15000);
	expect_pf(HI | 0x00402000, W | U, EP | EW | EU);
	ctx.cr0 |= GPT_CR0_WP;

	/* supervisor page */
	expect(HI | 0x00403000, W, 0x16000);
	expect_pf(HI | 0x00403000, U, EP | EU);

	/* rights from the top level: PML4[0] has no U/S */
	expect_pf(0x1000, U, EP | EU);
	expect(0x1000, W, 0x1000);
	/* ... and from the middle: a read-only PDE over a RW PTE */
	put64(0x12000 + 8 * 2, 0x13000 | P | US);
	expect(HI | 0x00401000, U, 0x789abc000ULL);
	expect_pf(HI | 0x00401000, U | W, EP | EW | EU);
	expect_pf(HI | 0x00401000, W, EP | EW);
	put64(0x12000 + 8 * 2, 0x13000 | P | RW | US);

	/* XD 2 MiB page */
	expect(HI | 0x006abcde, 0, 0x7feabcdeULL);
	expect_pf(HI | 0x006abcde, F, EP | EI);
	/* without NXE bit 63 is reserved; no I/D then */
	ctx.efer &= ~GPT_EFER_NXE;
	expect_pf(HI | 0x006abcde, 0, EP | ER);
	expect_pf(HI | 0x006abcde, F, EP | ER);
	expect_pf(HI | 0x00404000, F, 0);
	ctx.efer |= GPT_EFER_NXE;

	/* SMEP: supervisor fetch from a user page */
	expect(HI | 0x00401000, F, 0x789abc000ULL);
	ctx.cr4 |= GPT_CR4_SMEP;
	expect_pf(HI | 0x00401000, F, EP | EI);
	expect(HI | 0x00401000, F | U, 0x789abc000ULL);
	expect(HI | 0x00403000, F, 0x16000);
	ctx.cr4 &= ~GPT_CR4_SMEP;

	/* SMAP: supervisor data access to a user page unless RFLAGS.AC */
	ctx.cr4 |= GPT_CR4_SMAP;
	expect_pf(HI | 0x00401000, 0, EP);
	expect_pf(HI | 0x00401000, W, EP | EW);
	expect(HI | 0x00401000, U | W, 0x789abc000ULL);
	expect(HI | 0x00403000, W, 0x16000);
	expect(HI | 0x00401000, F, 0x789abc000ULL);	/* fetch: SMEP's job */
	ctx.rflags = GPT_RFLAGS_AC;
	expect(HI | 0x00401000, W, 0x789abc000ULL);
	expect_pf(HI | 0x00402000, W, EP | EW);		/* still WP */
	ctx.rflags = 0;
	ctx.cr4 &= ~GPT_CR4_SMAP;
}

static void test_long_reserved(void **state)
{
	build_long();

	/* PS in a PML4E */
	put64(0x10000 + 8 * 256, 0x11000 | PS | P | RW | US);
	expect_pf(HI | 0x00401234, W | U, EP | ER | EW | EU);
	put64(0x10000 + 8 * 256, 0x11000 | P | RW | US);

	/* 1 GiB page: bits 29:13 reserved, 12 is PAT */
	put64(0x11000 + 8 * 1, 0x8000000000ULL | (1ULL << 29) | PS | P | RW);
	expect_pf(HI | 0x52345678, 0, EP | ER);
	put64(0x11000 + 8 * 1, 0x8000000000ULL | (1ULL << 13) | PS | P | RW);
	expect_pf(HI | 0x52345678, 0, EP | ER);
	put64(0x11000 + 8 * 1, 0x8000000000ULL | (1ULL << 12) | PS | P | RW);
	expect(HI | 0x52340678, 0, 0x8012340678ULL);	/* PAT bit */

	/* 2 MiB page: bits 20:13 */
	put64(0x12000 + 8 * 3, 0x7fe00000ULL | (1ULL << 20) | PS | P | RW);
	expect_pf(HI | 0x006abcde, 0, EP | ER);
	put64(0x12000 + 8 * 3, 0x7fe00000ULL | PS | P | RW);

	/* address bits above MAXPHYADDR, at a leaf and in a table pointer */
	ctx.maxphyaddr = 34;
	expect(HI | 0x006abcde, 0, 0x7feabcdeULL);
	expect_pf(HI | 0x00401234, 0, EP | ER);		/* 0x7_89ab_c000 */
	expect_pf(HI | 0x52345678, F, EP | ER | EI);	/* 0x80_0000_0000 */
	ctx.maxphyaddr = 40;
	expect(HI | 0x52345678, 0, 0x8012345678ULL);
	put64(0x10000 + 8 * 256, 0x11000 | (1ULL << 45) | P | RW | US);
	expect_pf(HI | 0x52345678, 0, EP | ER);
	ctx.maxphyaddr = 0;				/* 52: allowed */
	put64(0x10000 + 8 * 256, 0x11000 | P | RW | US);

	/* PTE bit 7 is PAT, not PS */
	put64(0x13000 + 8 * 1, 0x789abc000ULL | PS | P | RW | US);
	expect(HI | 0x00401234, 0, 0x789abc234ULL);
}

static void test_la57(void **state)
{
	uint64_t gva = 0x00ff800000401234ULL, gpa;
	uint32_t err;

	ctx.cr0 = CR0_PE | GPT_CR0_PG;
	ctx.cr4 = GPT_CR4_PAE | GPT_CR4_LA57;
	ctx.efer = EFER_LME | GPT_EFER_LMA;
	ctx.cr3 = 0x20000;
	put64(0x20000 + 8 * 0xff, 0x21000 | P | RW | US);	/* PML5 */
	put64(0x21000 + 8 * 0x100, 0x22000 | P | RW | US);	/* PML4 */
	put64(0x22000 + 8 * 0, 0x23000 | P | RW | US);		/* PDPT */
	put64(0x23000 + 8 * 2, 0x24000 | P | RW | US);		/* PD */
	put64(0x24000 + 8 * 1, 0x25000 | P | RW | US);		/* PT */
	expect(gva, W | U, 0x25234);
	/* canonical with 57 bits, not with 48 */
	assert_int_equal(gpt_translate(&ctx, 0x0100000000000000ULL, 0, &gpa,
				       &err), -EINVAL);
	expect_pf(0x0000800000000000ULL, 0, 0);
	/* PS in a PML5E is reserved */
	put64(0x20000 + 8 * 0xff, 0x21000 | PS | P | RW | US);
	expect_pf(gva, 0, EP | ER);
	/* the same tables without LA57: that address is not canonical */
	ctx.cr4 &= ~GPT_CR4_LA57;
	assert_int_equal(gpt_translate(&ctx, gva, 0, &gpa, &err), -EINVAL);
}

/* A paging structure outside guest RAM is the caller's problem, not #PF. */
static void test_table_read_error(void **state)
{
	uint64_t gpa;
	uint32_t err;

	build_long();
	mem.fail_gpa = 0x12000;
	assert_int_equal(gpt_translate(&ctx, HI | 0x00401234, 0, &gpa, &err),
			 -EIO);
	build32();
	ctx.cr3 = 0x1f000;		/* no page there */
	assert_int_equal(gpt_translate(&ctx, 0x00401234, 0, &gpa, &err),
			 -EIO);
	ctx.cr4 = GPT_CR4_PAE;
	ctx.efer = 0;
	assert_int_equal(gpt_translate(&ctx, 0x00401234, 0, &gpa, &err),
			 -EIO);
}

static void test_read_virt(void **state)
{
	static const char text[] = "0123456789abcde";	/* 15 bytes */
	uint8_t buf[16];
	uint32_t err;
	uint64_t addr;

	build_long();
	/* HI|0x401000 -> 0x789abc000: put the pages where data can live */
	put64(0x13000 + 8 * 1, 0x00030000 | P | RW | US);
	put64(0x13000 + 8 * 0, 0x00050000 | P | RW | US);	/* 0x400000 */
	memcpy(page(0x50ffb, true) + 0xffb, text, 5);
	memcpy(page(0x30000, true), text + 5, 10);

	/* 5 bytes on one page, 10 on the next, elsewhere in memory */
	memset(buf, 0, sizeof(buf));
	assert_int_equal(gpt_read_virt(&ctx, HI | 0x00400ffb, buf, 15,
				       GPT_FETCH, &err, &addr), 0);
	assert_memory_equal(buf, text, 15);
	/* within one page */
	memset(buf, 0, sizeof(buf));
	assert_int_equal(gpt_read_virt(&ctx, HI | 0x00401002, buf, 3, 0, &err,
				       NULL), 0);
	assert_memory_equal(buf, "789", 3);
	/* nothing asked, nothing read */
	mem.reads = 0;
	assert_int_equal(gpt_read_virt(&ctx, 0x1234, buf, 0, 0, &err, &addr),
			 0);
	assert_int_equal(mem.reads, 0);

	/* second page not present: #PF at its first byte, I/D set */
	put64(0x13000 + 8 * 1, 0);
	memset(buf, 0, sizeof(buf));
	addr = 0;
	assert_int_equal(gpt_read_virt(&ctx, HI | 0x00400ffb, buf, 15,
				       GPT_FETCH, &err, &addr), -EFAULT);
	assert_int_equal(addr, HI | 0x00401000);
	assert_int_equal(err, EI);
	assert_memory_equal(buf, text, 5);
	/* first page not present: CR2 is the start */
	assert_int_equal(gpt_read_virt(&ctx, HI | 0x00404ff0, buf, 4,
				       GPT_FETCH | GPT_USER, &err, &addr),
			 -EFAULT);
	assert_int_equal(addr, HI | 0x00404ff0);
	assert_int_equal(err, EU | EI);
}

static void test_read_virt_rights(void **state)
{
	uint8_t buf[8];
	uint32_t err;
	uint64_t addr;

	build_long();
	page(0x15000, true)[0xffe] = 0x5a;
	/* 0x402000 user RO, 0x403000 supervisor: a user read crossing them
	 * faults on the second page with P|U */
	assert_int_equal(gpt_read_virt(&ctx, HI | 0x00402ffe, buf, 4, GPT_USER,
				       &err, &addr), -EFAULT);
	assert_int_equal(addr, HI | 0x00403000);
	assert_int_equal(err, EP | EU);
	assert_int_equal(buf[0], 0x5a);

	/* the data page itself unreadable: the callback's error */
	mem.fail_gpa = 0x15000;
	assert_int_equal(gpt_read_virt(&ctx, HI | 0x00402ffe, buf, 1, 0, &err,
				       &addr), -EIO);
}

static void test_read_virt_wrap32(void **state)
{
	uint8_t buf[4];
	uint32_t err;

	/* paging off, 32-bit: a read at 0xfffffffe wraps to 0 */
	ctx.cr0 = CR0_PE;
	page(0xfffff000, true)[0xffe] = 1;
	page(0xfffff000, true)[0xfff] = 2;
	page(0, true)[0] = 3;
	page(0, true)[1] = 4;
	assert_int_equal(gpt_read_virt(&ctx, 0xfffffffe, buf, 4, 0, &err,
				       NULL), 0);
	assert_memory_equal(buf, ((uint8_t[]){ 1, 2, 3, 4 }), 4);
}

static void test_read_virt_wrap32_fault(void **state)
{
	uint8_t buf[4];
	uint32_t err;
	uint64_t addr;

	/* 32-bit paging: the top page mapped, page 0 not: CR2 must be 0 */
	build32();
	put32(0x1000 + 4 * 1023, 0x4000 | P | RW | US);
	put32(0x4000 + 4 * 1023, 0x00777000 | P | RW | US);
	page(0x00777000, true)[0xfff] = 9;
	addr = 1;
	assert_int_equal(gpt_read_virt(&ctx, 0xffffffff, buf, 2, GPT_USER,
				       &err, &addr), -EFAULT);
	assert_int_equal(addr, 0);
	assert_int_equal(err, PF_ERR_U);
	assert_int_equal(buf[0], 9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_paging_off, setup),
		cmocka_unit_test_setup(test_32bit_4k, setup),
		cmocka_unit_test_setup(test_32bit_4m, setup),
		cmocka_unit_test_setup(test_pae, setup),
		cmocka_unit_test_setup(test_long_pages, setup),
		cmocka_unit_test_setup(test_long_faults, setup),
		cmocka_unit_test_setup(test_long_reserved, setup),
		cmocka_unit_test_setup(test_la57, setup),
		cmocka_unit_test_setup(test_table_read_error, setup),
		cmocka_unit_test_setup(test_read_virt, setup),
		cmocka_unit_test_setup(test_read_virt_rights, setup),
		cmocka_unit_test_setup(test_read_virt_wrap32, setup),
		cmocka_unit_test_setup(test_read_virt_wrap32_fault, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
