/* SPDX-License-Identifier: GPL-2.0 */
/*
 * EPT builder (Intel SDM Vol. 3C, "EPT"): 4-level tables mapping guest
 * physical to host physical addresses, with 2 MiB and 1 GiB pages where the
 * CPU has them.
 *
 * Tables are reached through ops so the host tests can back "physical" pages
 * with malloc. Nothing here flushes TLBs: after ept_unmap() or a change to a
 * live tree the caller runs INVEPT. Nothing here locks either.
 */
#ifndef HV_MM_EPT_H
#define HV_MM_EPT_H

#include <stdint.h>

/* Access rights (bits 2:0 of every entry). */
#define EPT_R		0x1u
#define EPT_W		0x2u
#define EPT_X		0x4u
#define EPT_RWX		(EPT_R | EPT_W | EPT_X)

/* Memory types (leaf bits 5:3). */
#define EPT_MT_UC	0u
#define EPT_MT_WC	1u
#define EPT_MT_WT	4u
#define EPT_MT_WP	5u
#define EPT_MT_WB	6u
/* OR into the memory type to set "ignore PAT" (leaf bit 6). */
#define EPT_MT_IPAT	0x8u

/*
 * Capabilities, at their bit positions in IA32_VMX_EPT_VPID_CAP (MSR 0x48c)
 * so the caller can pass the low half of the MSR as it is.
 */
#define EPT_CAP_XONLY	(1u << 0)	/* execute-only pages allowed */
#define EPT_CAP_2M	(1u << 16)
#define EPT_CAP_1G	(1u << 17)

/* Entry layout. */
#define EPT_ENTRY_LARGE		(1ULL << 7)
#define EPT_ENTRY_IPAT		(1ULL << 6)
#define EPT_ENTRY_MT_SHIFT	3
#define EPT_ENTRY_ADDR		0x000ffffffffff000ULL

/* EPTP: memory type WB, page-walk length 4, A/D flags enable. */
#define EPTP_MT_WB		6ULL
#define EPTP_WALK_4		(3ULL << 3)
#define EPTP_AD			(1ULL << 6)

#define EPT_PAGE_4K	0x1000ULL
#define EPT_PAGE_2M	0x200000ULL
#define EPT_PAGE_1G	0x40000000ULL
/* A 4-level walk translates 48-bit guest-physical addresses. */
#define EPT_GPA_LIMIT	(1ULL << 48)
#define EPT_HPA_LIMIT	(1ULL << 52)

struct ept_ops {
	/* A zeroed 4 KiB page; its physical address, or 0 on failure. */
	uint64_t (*alloc_table)(void *ctx);
	void (*free_table)(void *ctx, uint64_t pa);
	void *(*phys_to_virt)(void *ctx, uint64_t pa);
	void *ctx;
};

struct ept {
	struct ept_ops ops;	/* a copy: callers may pass a stack object */
	uint64_t root;		/* physical address of the PML4 */
	unsigned caps;		/* EPT_CAP_* */
};

int ept_init(struct ept *e, const struct ept_ops *ops, unsigned caps);
/* Tables from the hypervisor's frame pool (mm/ept_host.c). */
extern const struct ept_ops ept_host_ops;
int ept_map(struct ept *e, uint64_t gpa, uint64_t hpa, uint64_t size,
	    unsigned prot, unsigned memtype);
int ept_unmap(struct ept *e, uint64_t gpa, uint64_t size);
int ept_lookup(const struct ept *e, uint64_t gpa, uint64_t *hpa,
	       unsigned *prot, unsigned *page_size);
uint64_t ept_eptp(const struct ept *e);
void ept_destroy(struct ept *e);

#endif
