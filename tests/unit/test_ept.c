// SPDX-License-Identifier: GPL-2.0
/* Unit tests for the EPT builder (mm/ept.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdlib.h>
#include <setjmp.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "mm/ept.h"

#define KiB	0x400ULL
#define MiB	0x100000ULL
#define GiB	0x40000000ULL
#define PG	0x1000ULL

/*
 * Fake physical memory: table pages are malloc'd and named by made-up
 * physical addresses, so the builder can never get away with using a
 * physical address as a pointer. Slots are never reused, so a freed table
 * that is touched again trips an assertion, and ASan sees the rest.
 */
#define FAKE_BASE	0x7650000000ULL
#define FAKE_MAX	8192

struct fake_mem {
	void *page[FAKE_MAX];
	bool live[FAKE_MAX];
	unsigned next;
	unsigned n_alloc, n_free;
	int fail_after;		/* allocations to grant, -1: all */
};

static struct fake_mem fm;

static uint64_t fake_alloc(void *ctx)
{
	struct fake_mem *f = ctx;
	void *p;

	if (f->fail_after == 0)
		return 0;
	if (f->fail_after > 0)
		f->fail_after--;
	assert_true(f->next < FAKE_MAX);
	p = aligned_alloc(PG, PG);
	assert_non_null(p);
	memset(p, 0, PG);
	f->page[f->next] = p;
	f->live[f->next] = true;
	f->n_alloc++;
	return FAKE_BASE + PG * f->next++;
}

static unsigned fake_slot(struct fake_mem *f, uint64_t pa)
{
	unsigned i;

	assert_true(pa >= FAKE_BASE);
	assert_int_equal(pa & (PG - 1), 0);
	i = (pa - FAKE_BASE) / PG;
	assert_true(i < f->next);
	assert_true(f->live[i]);
	return i;
}

static void fake_free(void *ctx, uint64_t pa)
{
	struct fake_mem *f = ctx;
	unsigned i = fake_slot(f, pa);

	free(f->page[i]);
	f->page[i] = NULL;
	f->live[i] = false;
	f->n_free++;
}

static void *fake_virt(void *ctx, uint64_t pa)
{
	struct fake_mem *f = ctx;

	return f->page[fake_slot(f, pa)];
}

static const struct ept_ops fake_ops = {
	.alloc_table = fake_alloc,
	.free_table = fake_free,
	.phys_to_virt = fake_virt,
	.ctx = &fm,
};

static unsigned tables_live(void)
{
	return fm.n_alloc - fm.n_free;
}

static int setup(void **state)
{
	memset(&fm, 0, sizeof(fm));
	fm.fail_after = -1;
	return 0;
}

/* Every test must give back every table it took. */
static int teardown(void **state)
{
	assert_int_equal(tables_live(), 0);
	return 0;
}

static struct ept ept;

static void start(unsigned caps)
{
	assert_int_equal(ept_init(&ept, &fake_ops, caps), 0);
	assert_int_equal(tables_live(), 1);
}

static void finish(void)
{
	ept_destroy(&ept);
	assert_int_equal(ept.root, 0);
	assert_int_equal(tables_live(), 0);
	ept_destroy(&ept);	/* twice is harmless */
}

/* The raw entry at a level for gpa, read through the fake memory. */
static uint64_t raw_entry(uint64_t gpa, int want)
{
	uint64_t *t = fake_virt(&fm, ept.root);
	int level;

	for (level = 4; ; level--) {
		uint64_t pte = t[(gpa >> (12 + 9 * (level - 1))) & 511];

		if (level == want)
			return pte;
		assert_true(pte & EPT_RWX);
		assert_false(pte & EPT_ENTRY_LARGE);
		t = fake_virt(&fm, pte & EPT_ENTRY_ADDR);
	}
}

/* gpa maps to hpa with prot in a page of page_size. */
static void expect_map(uint64_t gpa, uint64_t hpa, unsigned prot,
		       unsigned page_size)
{
	uint64_t got_hpa = 0;
	unsigned got_prot = 0, got_size = 0;

	assert_int_equal(ept_lookup(&ept, gpa, &got_hpa, &got_prot, &got_size),
			 0);
	assert_int_equal(got_hpa, hpa);
	assert_int_equal(got_prot, prot);
	assert_int_equal(got_size, page_size);
}

/* Both ends of every byte range [gpa, gpa + len), and its page size. */
static void expect_range(uint64_t gpa, uint64_t hpa, uint64_t len,
			 unsigned prot, unsigned page_size)
{
	uint64_t off;

	for (off = 0; off < len; off += page_size) {
		expect_map(gpa + off, hpa + off, prot, page_size);
		expect_map(gpa + off + page_size - 1, hpa + off + page_size - 1,
			   prot, page_size);
	}
}

static void expect_none(uint64_t gpa)
{
	assert_int_equal(ept_lookup(&ept, gpa, NULL, NULL, NULL), -ENOENT);
}

static void test_init_eptp(void **state)
{
	struct ept_ops bad = fake_ops;
	uint64_t eptp;

	start(EPT_CAP_2M | EPT_CAP_1G | 0xff000000u);
	eptp = ept_eptp(&ept);
	assert_int_equal(eptp & ~0xfffULL, ept.root);
	assert_int_equal(eptp & 7, 6);			/* WB */
	assert_int_equal((eptp >> 3) & 7, 3);		/* 4 levels */
	assert_int_equal(eptp & (1 << 6), 0);		/* no A/D */
	assert_int_equal(eptp & 0xf80, 0);
	assert_int_equal(eptp, ept.root | 0x1e);
	/* Unknown capability bits are dropped. */
	assert_int_equal(ept.caps, EPT_CAP_2M | EPT_CAP_1G);
	/* The root is zeroed and lookups see nothing. */
	expect_none(0);
	expect_none(EPT_GPA_LIMIT - 1);
	assert_int_equal(ept_lookup(&ept, EPT_GPA_LIMIT, NULL, NULL, NULL),
			 -EINVAL);
	finish();

	assert_int_equal(ept_init(NULL, &fake_ops, 0), -EINVAL);
	assert_int_equal(ept_init(&ept, NULL, 0), -EINVAL);
	bad.alloc_table = NULL;
	assert_int_equal(ept_init(&ept, &bad, 0), -EINVAL);
	bad = fake_ops;
	bad.free_table = NULL;
	assert_int_equal(ept_init(&ept, &bad, 0), -EINVAL);
	bad = fake_ops;
	bad.phys_to_virt = NULL;
	assert_int_equal(ept_init(&ept, &bad, 0), -EINVAL);
	fm.fail_after = 0;
	assert_int_equal(ept_init(&ept, &fake_ops, 0), -ENOMEM);
	assert_int_equal(tables_live(), 0);
}

static void test_4k_only(void **state)
{
	start(0);
	/* Aligned for 1 GiB, but the CPU offers no large pages. */
	assert_int_equal(ept_map(&ept, 0, 1 * GiB, 4 * MiB, EPT_RWX,
				 EPT_MT_WB), 0);
	expect_range(0, 1 * GiB, 4 * MiB, EPT_RWX, PG);
	expect_none(4 * MiB);
	/* Root, PDPT, PD and two page tables. */
	assert_int_equal(tables_live(), 5);
	finish();
}

static void test_2m_selection(void **state)
{
	start(EPT_CAP_2M);
	/* Both aligned: three 2 MiB pages. */
	assert_int_equal(ept_map(&ept, 2 * MiB, 1 * GiB + 2 * MiB, 6 * MiB,
				 EPT_R | EPT_X, EPT_MT_WB), 0);
	expect_range(2 * MiB, 1 * GiB + 2 * MiB, 6 * MiB, EPT_R | EPT_X,
		     2 * MiB);
	/* Root, PDPT, PD: no page tables. */
	assert_int_equal(tables_live(), 3);

	/* The host side only 4 KiB aligned: 4 KiB pages. */
	assert_int_equal(ept_map(&ept, 16 * MiB, 3 * GiB + PG, 2 * MiB,
				 EPT_R, EPT_MT_WB), 0);
	expect_range(16 * MiB, 3 * GiB + PG, 2 * MiB, EPT_R, PG);

	/* Unaligned start and end: 4 KiB, 2 MiB, 4 KiB. */
	assert_int_equal(ept_map(&ept, 32 * MiB - PG, 2 * GiB - PG,
				 2 * MiB + 2 * PG, EPT_R | EPT_W,
				 EPT_MT_WB), 0);
	expect_range(32 * MiB - PG, 2 * GiB - PG, PG, EPT_R | EPT_W, PG);
	expect_range(32 * MiB, 2 * GiB, 2 * MiB, EPT_R | EPT_W, 2 * MiB);
	expect_range(34 * MiB, 2 * GiB + 2 * MiB, PG, EPT_R | EPT_W, PG);
	expect_none(32 * MiB - 2 * PG);
	expect_none(34 * MiB + PG);

	/* Shorter than 2 MiB though aligned: 4 KiB. */
	assert_int_equal(ept_map(&ept, 64 * MiB, 64 * MiB, 2 * MiB - PG,
				 EPT_RWX, EPT_MT_UC), 0);
	expect_range(64 * MiB, 64 * MiB, 2 * MiB - PG, EPT_RWX, PG);
	expect_none(66 * MiB - PG);

	/* 1 GiB aligned without the 1 GiB capability: 2 MiB pages. */
	assert_int_equal(ept_map(&ept, 1 * GiB, 4 * GiB, 1 * GiB, EPT_RWX,
				 EPT_MT_WB), 0);
	expect_range(1 * GiB, 4 * GiB, 1 * GiB, EPT_RWX, 2 * MiB);
	finish();
}

static void test_1g_selection(void **state)
{
	start(EPT_CAP_2M | EPT_CAP_1G);
	assert_int_equal(ept_map(&ept, 0, 4 * GiB, 1 * GiB + 2 * MiB + PG,
				 EPT_RWX, EPT_MT_WB), 0);
	expect_range(0, 4 * GiB, 1 * GiB, EPT_RWX, 1 * GiB);
	expect_range(1 * GiB, 5 * GiB, 2 * MiB, EPT_RWX, 2 * MiB);
	expect_range(1 * GiB + 2 * MiB, 5 * GiB + 2 * MiB, PG, EPT_RWX, PG);
	expect_none(1 * GiB + 2 * MiB + PG);
	/* Root, PDPT, one PD, one PT. */
	assert_int_equal(tables_live(), 4);

	/* Guest side only 2 MiB aligned: 2 MiB pages. */
	assert_int_equal(ept_map(&ept, 8 * GiB + 2 * MiB, 16 * GiB, 1 * GiB,
				 EPT_RWX, EPT_MT_WB), 0);
	expect_range(8 * GiB + 2 * MiB, 16 * GiB, 1 * GiB, EPT_RWX, 2 * MiB);

	/* Across a 512 GiB boundary (a second PML4 entry), near the top. */
	assert_int_equal(ept_map(&ept, 512 * GiB - 1 * GiB, 0, 2 * GiB,
				 EPT_R, EPT_MT_WB), 0);
	expect_range(511 * GiB, 0, 2 * GiB, EPT_R, 1 * GiB);
	assert_int_equal(ept_map(&ept, EPT_GPA_LIMIT - 1 * GiB, 1 * GiB,
				 1 * GiB, EPT_R, EPT_MT_WB), 0);
	expect_range(EPT_GPA_LIMIT - 1 * GiB, 1 * GiB, 1 * GiB, EPT_R,
		     1 * GiB);
	/* The highest host address the entry can hold. */
	assert_int_equal(ept_map(&ept, 20 * GiB, EPT_HPA_LIMIT - 1 * GiB,
				 1 * GiB, EPT_R, EPT_MT_WB), 0);
	expect_range(20 * GiB, EPT_HPA_LIMIT - 1 * GiB, 1 * GiB, EPT_R,
		     1 * GiB);
	finish();
}

/* Leaf and non-leaf entries hold exactly the bits the SDM describes. */
static void test_entry_bits(void **state)
{
	uint64_t pte;

	start(EPT_CAP_2M | EPT_CAP_1G);
	assert_int_equal(ept_map(&ept, 2 * MiB, 6 * MiB, 2 * MiB,
				 EPT_R | EPT_X, EPT_MT_WB), 0);
	assert_int_equal(ept_map(&ept, 0xfee00000, 0xfee00000, PG,
				 EPT_R | EPT_W, EPT_MT_UC | EPT_MT_IPAT), 0);
	assert_int_equal(ept_map(&ept, 2 * GiB, 2 * GiB, 1 * GiB, EPT_RWX,
				 EPT_MT_WT), 0);

	pte = raw_entry(2 * MiB, 2);
	assert_int_equal(pte, 6 * MiB | EPT_R | EPT_X | (6 << 3) | (1 << 7));
	pte = raw_entry(0xfee00000, 1);
	assert_int_equal(pte, 0xfee00000 | EPT_R | EPT_W | (0 << 3) | (1 << 6));
	pte = raw_entry(2 * GiB, 3);
	assert_int_equal(pte, 2 * GiB | EPT_RWX | (4 << 3) | (1 << 7));

	/* Non-leaf: address and RWX only; bits 7:3 must be zero. */
	pte = raw_entry(0, 4);
	assert_int_equal(pte & ~EPT_ENTRY_ADDR, EPT_RWX);
	pte = raw_entry(0, 3);
	assert_int_equal(pte & ~EPT_ENTRY_ADDR, EPT_RWX);
	pte = raw_entry(0xfee00000, 2);
	assert_int_equal(pte & ~EPT_ENTRY_ADDR, EPT_RWX);
	finish();
}

static void test_bad_args(void **state)
{
	start(EPT_CAP_2M);
	assert_int_equal(ept_map(&ept, 1, 0, PG, EPT_R, EPT_MT_WB), -EINVAL);
	assert_int_equal(ept_map(&ept, 0, 0x800, PG, EPT_R, EPT_MT_WB),
			 -EINVAL);
	assert_int_equal(ept_map(&ept, 0, 0, 0x1800, EPT_R, EPT_MT_WB),
			 -EINVAL);
	assert_int_equal(ept_map(&ept, 0, 0, 0, EPT_R, EPT_MT_WB), -EINVAL);
	assert_int_equal(ept_map(&ept, EPT_GPA_LIMIT - PG, 0, 2 * PG, EPT_R,
				 EPT_MT_WB), -EINVAL);
	assert_int_equal(ept_map(&ept, EPT_GPA_LIMIT, 0, PG, EPT_R,
				 EPT_MT_WB), -EINVAL);
	assert_int_equal(ept_map(&ept, 0xfffffffffffff000ULL, 0, 2 * PG,
				 EPT_R, EPT_MT_WB), -EINVAL);
	assert_int_equal(ept_map(&ept, 0, EPT_HPA_LIMIT - PG, 2 * PG, EPT_R,
				 EPT_MT_WB), -EINVAL);
	/* Rights: none, unknown bits, write without read. */
	assert_int_equal(ept_map(&ept, 0, 0, PG, 0, EPT_MT_WB), -EINVAL);
	assert_int_equal(ept_map(&ept, 0, 0, PG, 8, EPT_MT_WB), -EINVAL);
	assert_int_equal(ept_map(&ept, 0, 0, PG, EPT_W, EPT_MT_WB), -EINVAL);
	assert_int_equal(ept_map(&ept, 0, 0, PG, EPT_W | EPT_X, EPT_MT_WB),
			 -EINVAL);
	/* Execute-only needs the capability. */
	assert_int_equal(ept_map(&ept, 0, 0, PG, EPT_X, EPT_MT_WB), -EINVAL);
	/* Reserved memory types 2, 3, 7 and stray bits. */
	assert_int_equal(ept_map(&ept, 0, 0, PG, EPT_R, 2), -EINVAL);
	assert_int_equal(ept_map(&ept, 0, 0, PG, EPT_R, 3), -EINVAL);
	assert_int_equal(ept_map(&ept, 0, 0, PG, EPT_R, 7), -EINVAL);
	assert_int_equal(ept_map(&ept, 0, 0, PG, EPT_R, 0x16), -EINVAL);
	assert_int_equal(ept_map(NULL, 0, 0, PG, EPT_R, EPT_MT_WB), -EINVAL);
	/* Unmap checks alignment and range as well. */
	assert_int_equal(ept_unmap(&ept, 0x10, PG), -EINVAL);
	assert_int_equal(ept_unmap(&ept, 0, 0x10), -EINVAL);
	assert_int_equal(ept_unmap(&ept, 0, 0), -EINVAL);
	assert_int_equal(ept_unmap(&ept, EPT_GPA_LIMIT - PG, 2 * PG), -EINVAL);
	assert_int_equal(ept_unmap(NULL, 0, PG), -EINVAL);
	/* Nothing was built by all that. */
	assert_int_equal(tables_live(), 1);
	finish();

	/* With the capability, execute-only is fine. */
	start(EPT_CAP_XONLY);
	assert_int_equal(ept_map(&ept, 0, 0, PG, EPT_X, EPT_MT_WB), 0);
	expect_map(0, 0, EPT_X, PG);
	finish();
	/* Calls after destroy. */
	assert_int_equal(ept_map(&ept, 0, 0, PG, EPT_R, EPT_MT_WB), -EINVAL);
	assert_int_equal(ept_lookup(&ept, 0, NULL, NULL, NULL), -EINVAL);
}

static void test_eexist(void **state)
{
	start(EPT_CAP_2M | EPT_CAP_1G);
	assert_int_equal(ept_map(&ept, 4 * MiB, 0, 2 * PG, EPT_R, EPT_MT_WB),
			 0);
	assert_int_equal(ept_map(&ept, 8 * MiB, 8 * MiB, 2 * MiB, EPT_R,
				 EPT_MT_WB), 0);
	assert_int_equal(tables_live(), 4);

	/* Overlap at the start, at the end, inside, around, exactly. */
	assert_int_equal(ept_map(&ept, 4 * MiB + PG, 0, 2 * PG, EPT_R,
				 EPT_MT_WB), -EEXIST);
	assert_int_equal(ept_map(&ept, 4 * MiB - PG, 0, 2 * PG, EPT_R,
				 EPT_MT_WB), -EEXIST);
	assert_int_equal(ept_map(&ept, 8 * MiB + 12 * PG, 0, PG, EPT_R,
				 EPT_MT_WB), -EEXIST);
	assert_int_equal(ept_map(&ept, 0, 0, 1 * GiB, EPT_R, EPT_MT_WB),
			 -EEXIST);
	assert_int_equal(ept_map(&ept, 8 * MiB, 8 * MiB, 2 * MiB, EPT_R,
				 EPT_MT_WB), -EEXIST);
	/* A long range whose last page collides: nothing is left behind. */
	assert_int_equal(ept_map(&ept, 16 * PG, 16 * PG, 4 * MiB - 15 * PG,
				 EPT_R, EPT_MT_WB), -EEXIST);

	assert_int_equal(tables_live(), 4);
	expect_none(4 * MiB - PG);
	expect_none(4 * MiB + 2 * PG);
	expect_none(16 * PG);
	expect_none(2 * MiB);
	expect_range(4 * MiB, 0, 2 * PG, EPT_R, PG);
	expect_range(8 * MiB, 8 * MiB, 2 * MiB, EPT_R, 2 * MiB);

	/* The neighbours still fit. */
	assert_int_equal(ept_map(&ept, 4 * MiB - PG, 0, PG, EPT_R,
				 EPT_MT_WB), 0);
	assert_int_equal(ept_map(&ept, 4 * MiB + 2 * PG, 0, PG, EPT_R,
				 EPT_MT_WB), 0);
	assert_int_equal(ept_map(&ept, 10 * MiB, 0, 2 * MiB, EPT_R,
				 EPT_MT_WB), 0);
	finish();
}

static void test_unmap_split_2m(void **state)
{
	start(EPT_CAP_2M);
	assert_int_equal(ept_map(&ept, 2 * MiB, 8 * MiB, 2 * MiB, EPT_RWX,
				 EPT_MT_WB), 0);
	assert_int_equal(tables_live(), 3);

	/* One page out of the middle: a page table appears. */
	assert_int_equal(ept_unmap(&ept, 2 * MiB + PG, PG), 0);
	assert_int_equal(tables_live(), 4);
	expect_map(2 * MiB, 8 * MiB, EPT_RWX, PG);
	expect_map(2 * MiB + PG - 1, 8 * MiB + PG - 1, EPT_RWX, PG);
	expect_none(2 * MiB + PG);
	expect_none(2 * MiB + 2 * PG - 1);
	expect_range(2 * MiB + 2 * PG, 8 * MiB + 2 * PG, 2 * MiB - 2 * PG,
		     EPT_RWX, PG);
	/* The split kept the memory type and rights of every page. */
	assert_int_equal(raw_entry(4 * MiB - PG, 1),
			 (10 * MiB - PG) | EPT_RWX | (6 << 3));

	/* Unmapping a hole again is fine. */
	assert_int_equal(ept_unmap(&ept, 2 * MiB + PG, PG), 0);
	/* The rest, in two pieces; the empty PT and PD and PDPT go. */
	assert_int_equal(ept_unmap(&ept, 2 * MiB, PG), 0);
	assert_int_equal(ept_unmap(&ept, 2 * MiB + 2 * PG, 2 * MiB - 2 * PG),
			 0);
	assert_int_equal(tables_live(), 1);
	expect_none(2 * MiB);
	expect_none(4 * MiB - 1);
	finish();
}

static void test_unmap_split_1g(void **state)
{
	start(EPT_CAP_2M | EPT_CAP_1G);
	assert_int_equal(ept_map(&ept, 1 * GiB, 3 * GiB, 1 * GiB, EPT_R,
				 EPT_MT_WB), 0);
	assert_int_equal(tables_live(), 2);

	/* Both ends of the hole are unaligned: 1G -> 2M -> 4K twice. */
	assert_int_equal(ept_unmap(&ept, 1 * GiB + 3 * MiB, 4 * MiB), 0);
	assert_int_equal(tables_live(), 5);
	expect_range(1 * GiB, 3 * GiB, 2 * MiB, EPT_R, 2 * MiB);
	expect_range(1 * GiB + 2 * MiB, 3 * GiB + 2 * MiB, 1 * MiB, EPT_R,
		     PG);
	expect_none(1 * GiB + 3 * MiB);
	expect_none(1 * GiB + 7 * MiB - 1);
	expect_range(1 * GiB + 7 * MiB, 3 * GiB + 7 * MiB, 1 * MiB, EPT_R,
		     PG);
	expect_range(1 * GiB + 8 * MiB, 3 * GiB + 8 * MiB, 1 * GiB - 8 * MiB,
		     EPT_R, 2 * MiB);

	/* 2 MiB aligned hole: only the 2 MiB level. */
	assert_int_equal(ept_unmap(&ept, 1 * GiB + 10 * MiB, 2 * MiB), 0);
	assert_int_equal(tables_live(), 5);
	expect_none(1 * GiB + 10 * MiB);
	expect_map(1 * GiB + 12 * MiB, 3 * GiB + 12 * MiB, EPT_R, 2 * MiB);

	/* A range wider than everything mapped, with holes: all gone. */
	assert_int_equal(ept_unmap(&ept, 0, 4 * GiB), 0);
	assert_int_equal(tables_live(), 1);
	finish();
}

/* Out of memory at every possible point: nothing changes, nothing leaks. */
static void test_map_oom(void **state)
{
	static const struct {
		unsigned caps;
		uint64_t len;
		unsigned need;	/* tables the map takes */
	} c[] = {
		{ 0, 4 * MiB + PG, 1 + 3 },		/* PD, 3 PTs */
		{ EPT_CAP_2M, 4 * MiB + PG, 1 + 1 },		/* PD, PT */
		{ EPT_CAP_2M | EPT_CAP_1G, 1 * GiB + 4 * MiB + PG, 2 },
	};
	unsigned i, k, before;

	for (i = 0; i < 3; i++) {
		uint64_t end = 1 * GiB + c[i].len;

		start(c[i].caps);
		/* Something already there shares the upper tables. */
		assert_int_equal(ept_map(&ept, 1 * GiB - PG, 0, PG, EPT_R,
					 EPT_MT_WB), 0);
		before = tables_live();

		for (k = 0; k < c[i].need; k++) {
			fm.fail_after = k;
			assert_int_equal(ept_map(&ept, 1 * GiB, 1 * GiB,
						 c[i].len, EPT_RWX, EPT_MT_WB),
					 -ENOMEM);
			fm.fail_after = -1;
			assert_int_equal(tables_live(), before);
			expect_none(1 * GiB);
			expect_none(end - 2 * MiB - PG);
			expect_none(end - PG);
			expect_map(1 * GiB - PG, 0, EPT_R, PG);
		}
		/* Exactly enough memory. */
		fm.fail_after = c[i].need;
		assert_int_equal(ept_map(&ept, 1 * GiB, 1 * GiB, c[i].len,
					 EPT_RWX, EPT_MT_WB), 0);
		fm.fail_after = -1;
		assert_int_equal(tables_live(), before + c[i].need);
		expect_map(end - 1, end - 1, EPT_RWX, PG);
		expect_map(1 * GiB - PG, 0, EPT_R, PG);
		finish();
	}
}

/* Unmap splits before it clears: out of memory leaves every translation. */
static void test_unmap_oom(void **state)
{
	int k;

	/* Three tables: 1G -> 2M, then 2M -> 4K at each end of the hole. */
	for (k = 0; k < 3; k++) {
		start(EPT_CAP_2M | EPT_CAP_1G);
		assert_int_equal(ept_map(&ept, 0, 1 * GiB, 1 * GiB,
					 EPT_R | EPT_W, EPT_MT_WB), 0);
		fm.fail_after = k;
		assert_int_equal(ept_unmap(&ept, 3 * MiB + PG, 4 * MiB),
				 -ENOMEM);
		fm.fail_after = -1;
		assert_int_equal(tables_live(), 2 + k);
		/* Same translations, maybe in smaller pages. */
		expect_map(0, 1 * GiB, EPT_R | EPT_W, k ? 2 * MiB : 1 * GiB);
		expect_map(3 * MiB + PG, 1 * GiB + 3 * MiB + PG,
			   EPT_R | EPT_W, k >= 2 ? PG : k ? 2 * MiB : 1 * GiB);
		expect_map(7 * MiB + PG, 1 * GiB + 7 * MiB + PG,
			   EPT_R | EPT_W, k ? 2 * MiB : 1 * GiB);
		expect_map(1 * GiB - 1, 2 * GiB - 1, EPT_R | EPT_W,
			   k ? 2 * MiB : 1 * GiB);

		/* The splits made so far stay; the rest need 3 - k. */
		fm.fail_after = 3 - k;
		assert_int_equal(ept_unmap(&ept, 3 * MiB + PG, 4 * MiB), 0);
		fm.fail_after = -1;
		assert_int_equal(tables_live(), 5);
		expect_map(3 * MiB, 1 * GiB + 3 * MiB, EPT_R | EPT_W, PG);
		expect_none(3 * MiB + PG);
		expect_none(7 * MiB);
		expect_map(7 * MiB + PG, 1 * GiB + 7 * MiB + PG, EPT_R | EPT_W,
			   PG);
		expect_map(8 * MiB, 1 * GiB + 8 * MiB, EPT_R | EPT_W, 2 * MiB);
		finish();
	}
}

/* Random maps and unmaps over 64 MiB, checked page by page against a
 * shadow of what should be there. */
static void test_random_shadow(void **state)
{
	enum { NPG = 64 * MiB / PG };
	static uint64_t shadow[NPG];	/* hpa | prot, 0 = unmapped */
	uint32_t seed = 777;
	unsigned step, i;

	memset(shadow, 0, sizeof(shadow));
	start(EPT_CAP_2M | EPT_CAP_1G);
	for (step = 0; step < 3000; step++) {
		uint64_t first, n, hpa;
		bool free_run = true;
		int ret;

		seed = seed * 1103515245 + 12345;
		/* Sizes and places that favour 2 MiB alignment. */
		if ((seed >> 20) & 1) {
			first = ((seed >> 8) % 32) * 512;
			n = (1 + (seed >> 4) % 3) * 512;
		} else {
			first = (seed >> 8) % NPG;
			n = 1 + (seed >> 3) % 700;
		}
		if (first + n > NPG)
			n = NPG - first;
		if ((seed >> 24) % 3) {
			hpa = ((seed >> 1) & 1) ? 8 * GiB + first * PG :
				4 * GiB + ((seed >> 5) % 1024) * PG;
			for (i = 0; i < n; i++)
				if (shadow[first + i])
					free_run = false;
			ret = ept_map(&ept, first * PG, hpa, n * PG,
				      EPT_R | (seed & EPT_X), EPT_MT_WB);
			if (!free_run) {
				assert_int_equal(ret, -EEXIST);
				continue;
			}
			assert_int_equal(ret, 0);
			for (i = 0; i < n; i++)
				shadow[first + i] = (hpa + i * PG) |
					EPT_R | (seed & EPT_X);
		} else {
			assert_int_equal(ept_unmap(&ept, first * PG,
						   n * PG), 0);
			for (i = 0; i < n; i++)
				shadow[first + i] = 0;
		}
		if (step % 50)
			continue;
		for (i = 0; i < NPG; i++) {
			uint64_t h;
			unsigned prot;

			if (!shadow[i]) {
				expect_none(i * PG);
				continue;
			}
			assert_int_equal(ept_lookup(&ept, i * PG + 5, &h,
						    &prot, NULL), 0);
			assert_int_equal(h, (shadow[i] & ~(PG - 1)) + 5);
			assert_int_equal(prot, shadow[i] & EPT_RWX);
		}
	}
	assert_int_equal(ept_unmap(&ept, 0, 64 * MiB), 0);
	assert_int_equal(tables_live(), 1);
	finish();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_init_eptp, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_4k_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_2m_selection, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_1g_selection, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_entry_bits, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bad_args, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_eexist, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unmap_split_2m, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unmap_split_1g, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_map_oom, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unmap_oom, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_random_shadow, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
