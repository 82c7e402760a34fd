// SPDX-License-Identifier: GPL-2.0
/*
 * EPT builder.
 *
 * Levels are numbered as the SDM walks them: 4 is the PML4 (the root), 3 the
 * PDPT (1 GiB leaves), 2 the PD (2 MiB leaves), 1 the PT (4 KiB leaves).
 *
 * Both ept_map() and ept_unmap() either succeed or leave every translation
 * as it was:
 *  - map checks the whole range first (-EEXIST before touching anything)
 *    and on -ENOMEM clears what it mapped and frees the tables it added;
 *  - unmap first splits the large pages that straddle its two ends (a split
 *    keeps every translation), then clears, which needs no memory.
 * Tables that become empty are freed, so an empty tree is just the root.
 */
#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <errno.h>

#include "mm/ept.h"

#define EPT_ENTRIES	512
#define PAGE_MASK	(EPT_PAGE_4K - 1)

static unsigned level_shift(int level)
{
	return 12 + 9 * (level - 1);
}

/* Bytes one entry at this level covers. */
static uint64_t level_span(int level)
{
	return 1ULL << level_shift(level);
}

static unsigned level_index(uint64_t gpa, int level)
{
	return (gpa >> level_shift(level)) & (EPT_ENTRIES - 1);
}

static bool pte_present(uint64_t pte)
{
	return pte & EPT_RWX;
}

static bool pte_leaf(uint64_t pte, int level)
{
	return level == 1 || (pte & EPT_ENTRY_LARGE);
}

static uint64_t *table_va(const struct ept *e, uint64_t pa)
{
	return e->ops.phys_to_virt(e->ops.ctx, pa);
}

/* Entries may be live for a running guest: store whole, and only after the
 * table they point to is filled. */
static void pte_set(uint64_t *pte, uint64_t val)
{
	__atomic_store_n(pte, val, __ATOMIC_RELEASE);
}

static uint64_t table_new(struct ept *e)
{
	uint64_t pa = e->ops.alloc_table(e->ops.ctx);

	if (!pa)
		return 0;
	/* Cheap insurance: a stale entry here would map random memory. */
	memset(table_va(e, pa), 0, EPT_PAGE_4K);
	return pa;
}

static bool table_empty(const uint64_t *t)
{
	unsigned i;

	for (i = 0; i < EPT_ENTRIES; i++)
		if (t[i])
			return false;
	return true;
}

/* The entry where a walk for gpa stops: a leaf or a non-present entry. */
static uint64_t *walk(const struct ept *e, uint64_t gpa, int *levelp)
{
	uint64_t *t = table_va(e, e->root);
	int level = 4;

	for (;;) {
		uint64_t *pte = &t[level_index(gpa, level)];

		if (!pte_present(*pte) || pte_leaf(*pte, level)) {
			*levelp = level;
			return pte;
		}
		t = table_va(e, *pte & EPT_ENTRY_ADDR);
		level--;
	}
}

/* The level of the largest page that fits at gpa/hpa with left bytes to go. */
static int pick_level(const struct ept *e, uint64_t gpa, uint64_t hpa,
		      uint64_t left)
{
	if ((e->caps & EPT_CAP_1G) && !((gpa | hpa) & (EPT_PAGE_1G - 1)) &&
	    left >= EPT_PAGE_1G)
		return 3;
	if ((e->caps & EPT_CAP_2M) && !((gpa | hpa) & (EPT_PAGE_2M - 1)) &&
	    left >= EPT_PAGE_2M)
		return 2;
	return 1;
}

static int map_one(struct ept *e, uint64_t gpa, uint64_t leaf, int leaf_level)
{
	uint64_t *t = table_va(e, e->root);
	uint64_t *pte;
	int level;

	for (level = 4; level > leaf_level; level--) {
		pte = &t[level_index(gpa, level)];
		if (!pte_present(*pte)) {
			uint64_t pa = table_new(e);

			if (!pa)
				return -ENOMEM;
			pte_set(pte, pa | EPT_RWX);
		} else if (pte_leaf(*pte, level)) {
			return -EEXIST;
		}
		t = table_va(e, *pte & EPT_ENTRY_ADDR);
	}
	pte = &t[level_index(gpa, leaf_level)];
	if (pte_present(*pte))
		return -EEXIST;
	pte_set(pte, leaf);
	return 0;
}

/*
 * Clear [start, end) in the table at tpa (at level, first entry mapping
 * base). Every leaf met must lie wholly inside the range: callers split
 * first. Child tables left empty are freed. True if this table is empty.
 */
static bool clear_range(struct ept *e, uint64_t tpa, int level, uint64_t base,
			uint64_t start, uint64_t end)
{
	uint64_t *t = table_va(e, tpa);
	uint64_t span = level_span(level);
	unsigned i = (start - base) >> level_shift(level);
	unsigned last = (end - 1 - base) >> level_shift(level);

	for (; i <= last; i++) {
		uint64_t eb = base + i * span;
		uint64_t s = start > eb ? start : eb;
		uint64_t x = end < eb + span ? end : eb + span;
		uint64_t child;

		if (!pte_present(t[i]))
			continue;
		if (pte_leaf(t[i], level)) {
			pte_set(&t[i], 0);
			continue;
		}
		child = t[i] & EPT_ENTRY_ADDR;
		if (clear_range(e, child, level - 1, eb, s, x)) {
			pte_set(&t[i], 0);
			e->ops.free_table(e->ops.ctx, child);
		}
	}
	return table_empty(t);
}

/* Split large leaves until gpa starts a leaf; translations do not change. */
static int split_at(struct ept *e, uint64_t gpa)
{
	for (;;) {
		int level;
		uint64_t *pte = walk(e, gpa, &level);
		uint64_t old = *pte, addr, flags, child_span, npa;
		uint64_t *t;
		unsigned i;

		if (!pte_present(old) || level == 1 ||
		    !(gpa & (level_span(level) - 1)))
			return 0;
		npa = table_new(e);
		if (!npa)
			return -ENOMEM;
		t = table_va(e, npa);
		addr = old & EPT_ENTRY_ADDR;
		flags = old & ~(EPT_ENTRY_ADDR | EPT_ENTRY_LARGE);
		if (level - 1 > 1)
			flags |= EPT_ENTRY_LARGE;
		child_span = level_span(level - 1);
		for (i = 0; i < EPT_ENTRIES; i++)
			t[i] = (addr + i * child_span) | flags;
		pte_set(pte, npa | EPT_RWX);
	}
}

static bool range_ok(uint64_t addr, uint64_t size, uint64_t limit)
{
	return !(addr & PAGE_MASK) && !(size & PAGE_MASK) && size &&
	       addr < limit && size <= limit - addr;
}

static bool prot_ok(const struct ept *e, unsigned prot)
{
	if (!prot || (prot & ~EPT_RWX))
		return false;
	/* Write without read is a misconfiguration to the CPU. */
	if ((prot & EPT_W) && !(prot & EPT_R))
		return false;
	if (!(prot & EPT_R) && !(e->caps & EPT_CAP_XONLY))
		return false;
	return true;
}

static bool memtype_ok(unsigned memtype)
{
	unsigned mt = memtype & 7;

	if (memtype & ~(7u | EPT_MT_IPAT))
		return false;
	return mt == EPT_MT_UC || mt == EPT_MT_WC || mt == EPT_MT_WT ||
	       mt == EPT_MT_WP || mt == EPT_MT_WB;
}

int ept_init(struct ept *e, const struct ept_ops *ops, unsigned caps)
{
	if (!e || !ops || !ops->alloc_table || !ops->free_table ||
	    !ops->phys_to_virt)
		return -EINVAL;
	memset(e, 0, sizeof(*e));
	e->ops = *ops;
	e->caps = caps & (EPT_CAP_XONLY | EPT_CAP_2M | EPT_CAP_1G);
	e->root = table_new(e);
	return e->root ? 0 : -ENOMEM;
}

int ept_map(struct ept *e, uint64_t gpa, uint64_t hpa, uint64_t size,
	    unsigned prot, unsigned memtype)
{
	uint64_t end, a, h;
	int level, ret;

	if (!e || !e->root || !range_ok(gpa, size, EPT_GPA_LIMIT) ||
	    !range_ok(hpa, size, EPT_HPA_LIMIT) || !prot_ok(e, prot) ||
	    !memtype_ok(memtype))
		return -EINVAL;
	end = gpa + size;

	/* Nothing may be mapped yet: skip empty subtrees whole. */
	for (a = gpa; a < end; ) {
		uint64_t *pte = walk(e, a, &level);

		if (pte_present(*pte))
			return -EEXIST;
		a = (a & ~(level_span(level) - 1)) + level_span(level);
	}

	for (a = gpa, h = hpa; a < end; a += level_span(level),
	     h += level_span(level)) {
		uint64_t leaf;

		level = pick_level(e, a, h, end - a);
		leaf = h | prot | ((uint64_t)memtype << EPT_ENTRY_MT_SHIFT);
		if (level > 1)
			leaf |= EPT_ENTRY_LARGE;
		ret = map_one(e, a, leaf, level);
		if (ret) {
			/* Everything in the range is ours: drop it all. */
			clear_range(e, e->root, 4, 0, gpa, end);
			return ret;
		}
	}
	return 0;
}

int ept_unmap(struct ept *e, uint64_t gpa, uint64_t size)
{
	uint64_t end;
	int ret;

	if (!e || !e->root || !range_ok(gpa, size, EPT_GPA_LIMIT))
		return -EINVAL;
	end = gpa + size;
	ret = split_at(e, gpa);
	if (!ret && end < EPT_GPA_LIMIT)
		ret = split_at(e, end);
	if (ret)
		return ret;
	clear_range(e, e->root, 4, 0, gpa, end);
	return 0;
}

int ept_lookup(const struct ept *e, uint64_t gpa, uint64_t *hpa,
	       unsigned *prot, unsigned *page_size)
{
	uint64_t *pte, span;
	int level;

	if (!e || !e->root || gpa >= EPT_GPA_LIMIT)
		return -EINVAL;
	pte = walk(e, gpa, &level);
	if (!pte_present(*pte))
		return -ENOENT;
	span = level_span(level);
	if (hpa)
		*hpa = (*pte & EPT_ENTRY_ADDR & ~(span - 1)) |
		       (gpa & (span - 1));
	if (prot)
		*prot = *pte & EPT_RWX;
	if (page_size)
		*page_size = span;
	return 0;
}

uint64_t ept_eptp(const struct ept *e)
{
	return e->root | EPTP_WALK_4 | EPTP_MT_WB;
}

static void free_tree(struct ept *e, uint64_t tpa, int level)
{
	uint64_t *t = table_va(e, tpa);
	unsigned i;

	for (i = 0; level > 1 && i < EPT_ENTRIES; i++)
		if (pte_present(t[i]) && !pte_leaf(t[i], level))
			free_tree(e, t[i] & EPT_ENTRY_ADDR, level - 1);
	e->ops.free_table(e->ops.ctx, tpa);
}

void ept_destroy(struct ept *e)
{
	if (!e || !e->root)
		return;
	free_tree(e, e->root, 4);
	e->root = 0;
}
