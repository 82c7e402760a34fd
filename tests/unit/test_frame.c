// SPDX-License-Identifier: GPL-2.0
/* Unit tests for the physical frame allocator (mm/frame.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "mm/frame.h"

#define KiB	0x400ULL
#define MiB	0x100000ULL
#define GiB	0x40000000ULL
#define PG	0x1000ULL

static struct boot_info bi;
static struct frame_pool pool;

static void bi_reset(void)
{
	memset(&bi, 0, sizeof(bi));
}

static void add_region(uint64_t base, uint64_t len, uint32_t type)
{
	assert_true(bi.n_mmap < BOOT_MMAP_MAX);
	bi.mmap[bi.n_mmap].base = base;
	bi.mmap[bi.n_mmap].len = len;
	bi.mmap[bi.n_mmap].type = type;
	bi.n_mmap++;
}

static void add_module(const char *name, uint64_t base, uint64_t size)
{
	struct boot_module *m = &bi.mods[bi.n_mods++];

	strcpy(m->name, name);
	m->base = base;
	m->size = size;
}

/* The pool must hold exactly these [base, end) ranges, in order. */
static void expect_ranges(const struct frame_pool *p, const uint64_t (*exp)[2],
			  unsigned n)
{
	unsigned i;

	assert_int_equal(p->n, n);
	for (i = 0; i < n; i++) {
		assert_int_equal(p->r[i].base, exp[i][0]);
		assert_int_equal(p->r[i].end, exp[i][1]);
	}
}

/* The invariant every operation must keep: sorted, disjoint, not touching,
 * page aligned, non-empty. */
static void check_invariants(const struct frame_pool *p)
{
	unsigned i;

	assert_true(p->n <= FRAME_POOL_MAX);
	for (i = 0; i < p->n; i++) {
		assert_true(p->r[i].base < p->r[i].end);
		assert_int_equal(p->r[i].base & (PG - 1), 0);
		assert_int_equal(p->r[i].end & (PG - 1), 0);
		if (i)
			assert_true(p->r[i - 1].end < p->r[i].base);
	}
}

static void test_simple_map(void **state)
{
	static const uint64_t exp[][2] = {
		{ 2 * MiB, 512 * MiB },
	};

	bi_reset();
	add_region(0, 640 * KiB, BOOT_MEM_RAM);
	add_region(640 * KiB, 384 * KiB, BOOT_MEM_RESERVED);
	add_region(1 * MiB, 511 * MiB, BOOT_MEM_RAM);
	bi.image_start = 1 * MiB;
	bi.image_end = 2 * MiB - 100;	/* unaligned end rounds up */
	assert_int_equal(frame_pool_init(&pool, &bi), 0);
	expect_ranges(&pool, exp, 1);
	assert_int_equal(frame_pool_free_bytes(&pool), 510 * MiB);
	assert_int_equal(frame_pool_largest(&pool), 510 * MiB);
	assert_int_equal(pool.dropped, 0);
}

/* Unsorted, overlapping, zero-length, sub-page and unaligned entries. */
static void test_messy_map(void **state)
{
	static const uint64_t exp[][2] = {
		{ 16 * MiB, 0x1203000 },	/* two halves of a page join */
		{ 32 * MiB, 40 * MiB },		/* overlaps join */
		{ 48 * MiB, 49 * MiB },		/* adjacent RAM merges */
		{ 0x3202000, 0x3203000 },	/* ACPI 0x3200ffe eats two */
		{ 0x3204000, 64 * MiB },	/* reserved listed first */
		{ 4 * GiB, 4 * GiB + 0x2000 },	/* partial last page */
	};

	bi_reset();
	add_region(4 * GiB, 0x2fff, BOOT_MEM_RAM);
	add_region(0x3203000, 0x800, BOOT_MEM_RESERVED);
	add_region(36 * MiB, 4 * MiB, BOOT_MEM_RAM);
	add_region(32 * MiB, 6 * MiB, BOOT_MEM_RAM);
	add_region(0x1200800, 0x2800, BOOT_MEM_RAM);
	add_region(16 * MiB, 0x200800, BOOT_MEM_RAM);
	add_region(100 * MiB, 0, BOOT_MEM_RAM);		/* zero length */
	add_region(200 * MiB, 0x800, BOOT_MEM_RAM);	/* under a page */
	add_region(201 * MiB + 0x800, 0x1000, BOOT_MEM_RAM); /* straddles */
	add_region(48 * MiB + 512 * KiB, 512 * KiB, BOOT_MEM_RAM);
	add_region(48 * MiB, 512 * KiB, BOOT_MEM_RAM);
	add_region(0x3200ffe, 4, BOOT_MEM_ACPI);
	add_region(48 * MiB, 16 * MiB, BOOT_MEM_RAM);
	add_region(49 * MiB, 1 * MiB, BOOT_MEM_NVS);
	add_region(0, 0, BOOT_MEM_RESERVED);
	assert_int_equal(frame_pool_init(&pool, &bi), 0);
	check_invariants(&pool);
	expect_ranges(&pool, exp, 6);
}

/* A RAM region overlapped by a reserved one loses exactly the overlap,
 * whichever comes first in the map and however they overlap. */
static void test_reserved_wins(void **state)
{
	static const uint64_t exp[][2] = {
		{ 8 * MiB, 9 * MiB },
		{ 10 * MiB, 11 * MiB },
		{ 12 * MiB, 13 * MiB },
	};

	bi_reset();
	add_region(6 * MiB, 2 * MiB, BOOT_MEM_BAD);
	add_region(8 * MiB, 6 * MiB, BOOT_MEM_RAM);
	add_region(9 * MiB, 1 * MiB, BOOT_MEM_RESERVED);
	add_region(11 * MiB, 1 * MiB, 77);	/* unknown: reserved */
	add_region(13 * MiB, 2 * MiB, BOOT_MEM_ACPI);
	add_region(7 * MiB, 1 * MiB, BOOT_MEM_RAM);
	add_region(8 * MiB, 0, BOOT_MEM_RESERVED);	/* zero: no effect */
	assert_int_equal(frame_pool_init(&pool, &bi), 0);
	expect_ranges(&pool, exp, 3);
}

static void test_exclusions(void **state)
{
	static const uint64_t exp[][2] = {
		{ 1 * MiB, 2 * MiB },
		{ 3 * MiB, 0x400000 },
		{ 0x402000, 5 * MiB },
		{ 6 * MiB + PG, 7 * MiB },
		{ 8 * MiB, 64 * MiB },
	};

	bi_reset();
	add_region(0, 64 * MiB, BOOT_MEM_RAM);
	bi.image_start = 2 * MiB;
	bi.image_end = 3 * MiB;
	add_module("hvisor.ini", 0x400010, 0x1000);	/* two pages */
	add_module("linux", 5 * MiB, 1 * MiB);
	add_module("empty", 6 * MiB, 1);		/* one page */
	add_module("zero", 7 * MiB, 0);			/* nothing */
	add_module("rootfs", 7 * MiB, 1 * MiB);
	bi.trampoline = 0x8000;
	assert_int_equal(frame_pool_init(&pool, &bi), 0);
	expect_ranges(&pool, exp, 5);
	/* Nothing below 1 MiB, in particular neither page 0 nor 0x8000. */
	assert_int_equal(frame_pool_alloc_low(&pool, 0), 1 * MiB);
}

/* The trampoline page is excluded even where it is not under 1 MiB. */
static void test_trampoline_page(void **state)
{
	static const uint64_t exp[][2] = {
		{ 1 * MiB, 0x180000 },
		{ 0x181000, 2 * MiB },
	};

	bi_reset();
	add_region(0, 2 * MiB, BOOT_MEM_RAM);
	bi.trampoline = 0x180abc;
	assert_int_equal(frame_pool_init(&pool, &bi), 0);
	expect_ranges(&pool, exp, 2);
}

static void test_init_errors(void **state)
{
	bi_reset();
	assert_int_equal(frame_pool_init(NULL, &bi), -EINVAL);
	assert_int_equal(frame_pool_init(&pool, NULL), -EINVAL);
	bi.n_mmap = BOOT_MMAP_MAX + 1;
	assert_int_equal(frame_pool_init(&pool, &bi), -EINVAL);
	bi_reset();
	bi.n_mods = BOOT_MOD_MAX + 1;
	assert_int_equal(frame_pool_init(&pool, &bi), -EINVAL);

	/* No RAM at all is not an error, just an empty pool. */
	bi_reset();
	add_region(0, 1 * GiB, BOOT_MEM_RESERVED);
	assert_int_equal(frame_pool_init(&pool, &bi), 0);
	assert_int_equal(pool.n, 0);
	assert_int_equal(frame_pool_free_bytes(&pool), 0);
	assert_int_equal(frame_pool_largest(&pool), 0);
	assert_int_equal(frame_pool_alloc(&pool, 1, PG, 0), 0);
	assert_int_equal(frame_pool_alloc_low(&pool, 0), 0);
}

/* Regions that run to the very top of the address space saturate. */
static void test_top_of_address_space(void **state)
{
	static const uint64_t exp[][2] = {
		{ 0xfffffffffff00000ULL, 0xfffffffffffff000ULL },
	};

	bi_reset();
	add_region(0xfffffffffff00000ULL, 0x200000, BOOT_MEM_RAM);
	add_region(0xfffffffffffffff0ULL, 0x100, BOOT_MEM_RESERVED);
	assert_int_equal(frame_pool_init(&pool, &bi), 0);
	expect_ranges(&pool, exp, 1);
	assert_int_equal(frame_pool_alloc(&pool, 1, PG, 0),
			 0xffffffffffffe000ULL);
}

static void init_one(uint64_t base, uint64_t len)
{
	bi_reset();
	add_region(base, len, BOOT_MEM_RAM);
	assert_int_equal(frame_pool_init(&pool, &bi), 0);
}

static void test_alloc_high_first(void **state)
{
	init_one(1 * MiB, 15 * MiB);
	assert_int_equal(frame_pool_alloc(&pool, 1, PG, 0), 16 * MiB - PG);
	assert_int_equal(frame_pool_alloc(&pool, 2, PG, 0), 16 * MiB - 3 * PG);
	assert_int_equal(frame_pool_free_bytes(&pool), 15 * MiB - 3 * PG);
	assert_int_equal(pool.n, 1);
	assert_int_equal(pool.r[0].end, 16 * MiB - 3 * PG);
}

static void test_alloc_align(void **state)
{
	uint64_t pa;

	init_one(1 * MiB, 15 * MiB);
	/* Take a page off the top so the 2 MiB alignment leaves a gap. */
	assert_int_equal(frame_pool_alloc(&pool, 1, PG, 0), 16 * MiB - PG);
	pa = frame_pool_alloc(&pool, 1, 2 * MiB, 0);
	assert_int_equal(pa, 14 * MiB);
	assert_int_equal(pool.n, 2);
	assert_int_equal(pool.r[1].base, 14 * MiB + PG);
	assert_int_equal(pool.r[1].end, 16 * MiB - PG);

	/* 3 pages at 64 KiB alignment from the gap above 14 MiB. */
	pa = frame_pool_alloc(&pool, 3, 64 * KiB, 0);
	assert_int_equal(pa, 16 * MiB - 64 * KiB);
	assert_int_equal(pa % (64 * KiB), 0);
	check_invariants(&pool);

	/* Bad alignments. */
	assert_int_equal(frame_pool_alloc(&pool, 1, 0, 0), 0);
	assert_int_equal(frame_pool_alloc(&pool, 1, 2048, 0), 0);
	assert_int_equal(frame_pool_alloc(&pool, 1, 3 * PG, 0), 0);
	assert_int_equal(frame_pool_alloc(&pool, 0, PG, 0), 0);
	assert_int_equal(frame_pool_alloc(&pool, UINT64_MAX, PG, 0), 0);
	assert_int_equal(frame_pool_alloc(NULL, 1, PG, 0), 0);
	/* Alignment larger than any fit. */
	assert_int_equal(frame_pool_alloc(&pool, 1, 1 * GiB, 0), 0);
}

static void test_alloc_max_addr(void **state)
{
	bi_reset();
	add_region(1 * MiB, 3 * MiB, BOOT_MEM_RAM);
	add_region(8 * GiB, 1 * GiB, BOOT_MEM_RAM);
	assert_int_equal(frame_pool_init(&pool, &bi), 0);

	assert_int_equal(frame_pool_alloc(&pool, 1, PG, 0), 9 * GiB - PG);
	/* Below 4 GiB: the low region's top. */
	assert_int_equal(frame_pool_alloc(&pool, 1, PG, 4 * GiB),
			 4 * MiB - PG);
	/* max_addr is the highest allowed end, in the middle of a range. */
	assert_int_equal(frame_pool_alloc(&pool, 2, PG, 2 * MiB),
			 2 * MiB - 2 * PG);
	/* An unaligned limit still keeps the end below it. */
	assert_int_equal(frame_pool_alloc(&pool, 1, PG, 2 * MiB - PG - 1),
			 2 * MiB - 3 * PG);
	/* Nothing fits below 1 MiB + 1 page... except exactly one page. */
	assert_int_equal(frame_pool_alloc(&pool, 2, PG, 1 * MiB + PG), 0);
	assert_int_equal(frame_pool_alloc(&pool, 1, PG, 1 * MiB + PG), 1 * MiB);
	assert_int_equal(frame_pool_alloc(&pool, 1, PG, 1 * MiB + PG), 0);
	assert_int_equal(frame_pool_alloc(&pool, 1, PG, 1), 0);
	check_invariants(&pool);
	assert_int_equal(frame_pool_free_bytes(&pool),
			 3 * MiB - 5 * PG + 1 * GiB - PG);
}

static void test_alloc_low(void **state)
{
	bi_reset();
	add_region(0, 1 * MiB + 2 * PG, BOOT_MEM_RAM);
	add_region(3 * MiB, 1 * MiB, BOOT_MEM_RAM);
	assert_int_equal(frame_pool_init(&pool, &bi), 0);

	assert_int_equal(frame_pool_alloc_low(&pool, 4 * GiB), 1 * MiB);
	assert_int_equal(frame_pool_alloc_low(&pool, 4 * GiB), 1 * MiB + PG);
	/* The first range is gone; the next lowest page is too high. */
	assert_int_equal(pool.n, 1);
	assert_int_equal(frame_pool_alloc_low(&pool, 3 * MiB), 0);
	assert_int_equal(frame_pool_alloc_low(&pool, 3 * MiB + PG - 1), 0);
	assert_int_equal(frame_pool_alloc_low(&pool, 3 * MiB + PG), 3 * MiB);
	assert_int_equal(frame_pool_alloc_low(&pool, 0), 3 * MiB + PG);
	assert_int_equal(frame_pool_alloc_low(NULL, 0), 0);
	assert_int_equal(frame_pool_free_bytes(&pool), 1 * MiB - 2 * PG);
}

static void test_exhaustion(void **state)
{
	uint64_t n = 0, pa, total;

	bi_reset();
	add_region(1 * MiB, 64 * PG, BOOT_MEM_RAM);
	add_region(2 * MiB, 3 * PG, BOOT_MEM_RAM);
	add_region(5 * MiB, 1 * PG, BOOT_MEM_RAM);
	assert_int_equal(frame_pool_init(&pool, &bi), 0);
	total = frame_pool_free_bytes(&pool);
	assert_int_equal(total, 68 * PG);

	/* A 4-page request cannot come out of the 3- or 1-page ranges. */
	assert_int_equal(frame_pool_alloc(&pool, 65, PG, 0), 0);
	while ((pa = frame_pool_alloc(&pool, 4, PG, 0)) != 0) {
		assert_true(pa >= 1 * MiB && pa + 4 * PG <= 1 * MiB + 64 * PG);
		n++;
	}
	assert_int_equal(n, 16);
	assert_int_equal(frame_pool_free_bytes(&pool), 4 * PG);
	assert_int_equal(frame_pool_largest(&pool), 3 * PG);
	while (frame_pool_alloc(&pool, 1, PG, 0))
		n++;
	assert_int_equal(n, 20);
	assert_int_equal(pool.n, 0);
	assert_int_equal(frame_pool_free_bytes(&pool), 0);
	assert_int_equal(frame_pool_alloc(&pool, 1, PG, 0), 0);
	assert_int_equal(frame_pool_alloc_low(&pool, 0), 0);
}

static void test_free_merge(void **state)
{
	uint64_t a, b, c;

	init_one(1 * MiB, 1 * MiB);
	a = frame_pool_alloc(&pool, 1, PG, 0);
	b = frame_pool_alloc(&pool, 2, PG, 0);
	c = frame_pool_alloc(&pool, 1, PG, 0);
	assert_int_equal(a, 2 * MiB - PG);
	assert_int_equal(b, 2 * MiB - 3 * PG);
	assert_int_equal(c, 2 * MiB - 4 * PG);
	assert_int_equal(frame_pool_free_bytes(&pool), 1 * MiB - 4 * PG);

	/* Middle first: an island of its own. */
	frame_pool_free(&pool, b, 2);
	assert_int_equal(pool.n, 2);
	assert_int_equal(frame_pool_largest(&pool), 1 * MiB - 4 * PG);
	check_invariants(&pool);
	/* Top: merges with the island. */
	frame_pool_free(&pool, a, 1);
	assert_int_equal(pool.n, 2);
	assert_int_equal(pool.r[1].base, b);
	assert_int_equal(pool.r[1].end, 2 * MiB);
	/* The gap: merges both neighbours into one. */
	frame_pool_free(&pool, c, 1);
	assert_int_equal(pool.n, 1);
	assert_int_equal(pool.r[0].base, 1 * MiB);
	assert_int_equal(pool.r[0].end, 2 * MiB);
	assert_int_equal(frame_pool_free_bytes(&pool), 1 * MiB);
}

static void test_free_bad(void **state)
{
	uint64_t a;

	init_one(1 * MiB, 1 * MiB);
	a = frame_pool_alloc(&pool, 4, PG, 0);
	assert_int_equal(a, 2 * MiB - 4 * PG);

	/* Double free, partial overlap with free memory: ignored whole. */
	frame_pool_free(&pool, 1 * MiB, 1);
	frame_pool_free(&pool, a - PG, 2);
	/* Unaligned, zero pages, overflowing, page 0, NULL: ignored. */
	frame_pool_free(&pool, a + 1, 1);
	frame_pool_free(&pool, a, 0);
	frame_pool_free(&pool, 0xfffffffffffff000ULL, 2);
	frame_pool_free(&pool, a, UINT64_MAX);
	frame_pool_free(&pool, 0, 1);
	frame_pool_free(NULL, a, 1);
	assert_int_equal(pool.n, 1);
	assert_int_equal(frame_pool_free_bytes(&pool), 1 * MiB - 4 * PG);

	/* Good free, then the same again. */
	frame_pool_free(&pool, a + PG, 2);
	assert_int_equal(frame_pool_free_bytes(&pool), 1 * MiB - 2 * PG);
	frame_pool_free(&pool, a + PG, 2);
	frame_pool_free(&pool, a, 4);
	assert_int_equal(frame_pool_free_bytes(&pool), 1 * MiB - 2 * PG);
	assert_int_equal(pool.n, 2);

	/* Memory the pool never had may be given to it (ACPI reclaim). */
	frame_pool_free(&pool, 64 * MiB, 16);
	assert_int_equal(frame_pool_free_bytes(&pool), 1 * MiB + 14 * PG);
	assert_int_equal(frame_pool_alloc(&pool, 1, PG, 0), 64 * MiB + 15 * PG);
	check_invariants(&pool);
}

static void test_reserve(void **state)
{
	static const uint64_t exp[][2] = {
		{ 1 * MiB, 0x180000 },
		{ 0x182000, 2 * MiB },
	};

	init_one(1 * MiB, 1 * MiB);
	/* An MBI of 0x1000 bytes at an unaligned address spans two pages. */
	assert_int_equal(frame_pool_reserve(&pool, 0x180800, 0x1000), 0);
	expect_ranges(&pool, exp, 2);
	/* Again, and outside the pool: no error, no change. */
	assert_int_equal(frame_pool_reserve(&pool, 0x180800, 0x1000), 0);
	assert_int_equal(frame_pool_reserve(&pool, 8 * GiB, 1), 0);
	assert_int_equal(frame_pool_reserve(&pool, 0x100000, 0), 0);
	expect_ranges(&pool, exp, 2);
	/* Across a hole, swallowing one range and clipping the other. */
	assert_int_equal(frame_pool_reserve(&pool, 0x17f000, 0x10000), 0);
	assert_int_equal(pool.n, 2);
	assert_int_equal(pool.r[0].end, 0x17f000);
	assert_int_equal(pool.r[1].base, 0x18f000);
	/* To the top of the address space. */
	assert_int_equal(frame_pool_reserve(&pool, 0x1c0000, UINT64_MAX), 0);
	assert_int_equal(pool.r[1].end, 0x1c0000);
	assert_int_equal(frame_pool_reserve(NULL, 0, 1), -EINVAL);
	check_invariants(&pool);
}

/* A full range array: splits fail cleanly, allocation loses a tail. */
static void test_capacity(void **state)
{
	uint64_t before, pa;
	unsigned i;

	bi_reset();
	for (i = 0; i < BOOT_MMAP_MAX; i++)
		add_region(1 * GiB + i * 4 * MiB, 2 * MiB, BOOT_MEM_RAM);
	assert_int_equal(frame_pool_init(&pool, &bi), 0);
	assert_int_equal(pool.n, BOOT_MMAP_MAX);
	/* Split ranges until the array is full. */
	for (i = 0; i < FRAME_POOL_MAX - BOOT_MMAP_MAX; i++)
		assert_int_equal(frame_pool_reserve(&pool, 1 * GiB + i * 4 * MiB
						    + 1 * MiB, PG), 0);
	assert_int_equal(pool.n, FRAME_POOL_MAX);
	before = frame_pool_free_bytes(&pool);
	assert_int_equal(frame_pool_reserve(&pool, 1 * GiB + i * 4 * MiB +
					    1 * MiB, PG), -ENOSPC);
	assert_int_equal(frame_pool_free_bytes(&pool), before);
	/* Trimming an end still works when full. */
	assert_int_equal(frame_pool_reserve(&pool, 1 * GiB, PG), 0);
	assert_int_equal(frame_pool_free_bytes(&pool), before - PG);
	before -= PG;

	/* A max_addr inside the top range forces a middle split. */
	pa = frame_pool_alloc(&pool, 1, PG, 1 * GiB + 159 * 4 * MiB + 1 * MiB);
	assert_int_equal(pa, 1 * GiB + 159 * 4 * MiB + 1 * MiB - PG);
	assert_int_equal(pool.dropped, 1 * MiB);
	assert_int_equal(frame_pool_free_bytes(&pool), before - PG - 1 * MiB);
	check_invariants(&pool);

	/* Freeing an island into a full array is counted as dropped. */
	assert_int_equal(pool.n, FRAME_POOL_MAX);
	frame_pool_free(&pool, 64 * GiB, 1);
	assert_int_equal(pool.dropped, 1 * MiB + PG);
	check_invariants(&pool);
}

static void test_find_low_page(void **state)
{
	bi_reset();
	add_region(0, 0x9f000, BOOT_MEM_RAM);
	add_region(0, 0x1000, BOOT_MEM_RESERVED);	/* real mode IVT */
	add_region(0x1000, 0x800, BOOT_MEM_ACPI);
	add_region(0x2000, 0x2000, BOOT_MEM_RAM);	/* overlaps first */
	add_module("tiny", 0x2000, 0x10);
	bi.image_start = 0x3000;
	bi.image_end = 0x3001;
	assert_int_equal(frame_find_low_page(&bi, 1 * MiB), 0x4000);
	assert_int_equal(frame_find_low_page(&bi, 0x4fff), 0);
	assert_int_equal(frame_find_low_page(&bi, 0x5000), 0x4000);
	/* No limit. */
	assert_int_equal(frame_find_low_page(&bi, 0), 0x4000);

	/* Unsorted regions: the lowest one wins. */
	bi_reset();
	add_region(0x90000, 0x10000, BOOT_MEM_RAM);
	add_region(0x10800, 0x2000, BOOT_MEM_RAM);
	assert_int_equal(frame_find_low_page(&bi, 1 * MiB), 0x11000);
	/* Never page 0. */
	bi_reset();
	add_region(0, 0x2000, BOOT_MEM_RAM);
	assert_int_equal(frame_find_low_page(&bi, 1 * MiB), 0x1000);
	bi_reset();
	add_region(0, 0x1000, BOOT_MEM_RAM);
	assert_int_equal(frame_find_low_page(&bi, 1 * MiB), 0);
	assert_int_equal(frame_find_low_page(NULL, 1 * MiB), 0);
}

static void test_global_wrapper(void **state)
{
	uint64_t a, b;

	bi_reset();
	add_region(0, 64 * MiB, BOOT_MEM_RAM);
	assert_int_equal(frame_pool_init(&hv_frames, &bi), 0);
	a = frame_alloc(1);
	assert_int_equal(a, 64 * MiB - PG);
	b = frame_alloc_aligned(4, 2 * MiB);
	assert_int_equal(b, 62 * MiB);
	assert_int_equal(frame_alloc_aligned(1, 12345), 0);
	frame_free(a, 1);
	frame_free(b, 4);
	assert_int_equal(frame_pool_free_bytes(&hv_frames), 63 * MiB);
	assert_int_equal(hv_frames.n, 1);
}

/* Random alloc/free against a shadow bitmap of the same pages. */
static void test_random_shadow(void **state)
{
	enum { NPAGES = 512 };
	static uint8_t used[NPAGES];
	static uint64_t held[4096][2];
	unsigned nheld = 0, i, step;
	uint32_t seed = 12345;

	memset(used, 0, sizeof(used));
	init_one(1 * MiB, NPAGES * PG);
	for (step = 0; step < 20000; step++) {
		seed = seed * 1103515245 + 12345;
		if ((seed >> 16) % 3 && nheld < 4096) {
			uint64_t n = 1 + (seed >> 8) % 5;
			uint64_t align = PG << ((seed >> 4) % 3);
			uint64_t pa = frame_pool_alloc(&pool, n, align, 0);

			if (!pa)
				continue;
			assert_int_equal(pa % align, 0);
			for (i = 0; i < n; i++) {
				uint64_t pg = (pa - 1 * MiB) / PG + i;

				assert_true(pg < NPAGES);
				assert_int_equal(used[pg], 0);
				used[pg] = 1;
			}
			held[nheld][0] = pa;
			held[nheld][1] = n;
			nheld++;
		} else if (nheld) {
			unsigned k = (seed >> 3) % nheld;

			for (i = 0; i < held[k][1]; i++)
				used[(held[k][0] - 1 * MiB) / PG + i] = 0;
			frame_pool_free(&pool, held[k][0], held[k][1]);
			held[k][0] = held[nheld - 1][0];
			held[k][1] = held[nheld - 1][1];
			nheld--;
		}
		check_invariants(&pool);
	}
	while (nheld) {
		nheld--;
		frame_pool_free(&pool, held[nheld][0], held[nheld][1]);
	}
	assert_int_equal(pool.n, 1);
	assert_int_equal(frame_pool_free_bytes(&pool), NPAGES * PG);
	assert_int_equal(pool.dropped, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simple_map),
		cmocka_unit_test(test_messy_map),
		cmocka_unit_test(test_reserved_wins),
		cmocka_unit_test(test_exclusions),
		cmocka_unit_test(test_trampoline_page),
		cmocka_unit_test(test_init_errors),
		cmocka_unit_test(test_top_of_address_space),
		cmocka_unit_test(test_alloc_high_first),
		cmocka_unit_test(test_alloc_align),
		cmocka_unit_test(test_alloc_max_addr),
		cmocka_unit_test(test_alloc_low),
		cmocka_unit_test(test_exhaustion),
		cmocka_unit_test(test_free_merge),
		cmocka_unit_test(test_free_bad),
		cmocka_unit_test(test_reserve),
		cmocka_unit_test(test_capacity),
		cmocka_unit_test(test_find_low_page),
		cmocka_unit_test(test_global_wrapper),
		cmocka_unit_test(test_random_shadow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
