// SPDX-License-Identifier: GPL-2.0
/* MSI-X for PCI device models (see msix.h). */
#include <errno.h>
#include <string.h>
#include "dev/msix.h"

/* MSI address (SDM 11.11.1): 0xFEE, destination ID 19:12, RH 3, DM 2. */
#define MSI_ADDR_BASE		0xfee00000u
#define MSI_ADDR_MASK		0xfff00000u
#define MSI_ADDR_DEST(a)	(((a) >> 12) & 0xff)
#define MSI_ADDR_LOGICAL	(1u << 2)
/* MSI data (11.11.2): vector 7:0, delivery mode 10:8, level 14, trigger 15. */
#define MSI_DATA_LEVEL_TRIG	(1u << 15)

bool msi_decode(uint64_t addr, uint32_t data, struct apic_msg *m)
{
	if ((addr >> 32) || ((uint32_t)addr & MSI_ADDR_MASK) != MSI_ADDR_BASE)
		return false;
	memset(m, 0, sizeof(*m));
	m->vector = data & 0xff;
	m->mode = (data >> 8) & 7;
	m->shorthand = APIC_SH_NONE;
	m->logical = addr & MSI_ADDR_LOGICAL;
	m->level = data & MSI_DATA_LEVEL_TRIG;
	m->assert = true;		/* an MSI is an edge, always asserted */
	m->dest = MSI_ADDR_DEST(addr);
	return true;
}

static uint16_t ctrl(const struct msix *x)
{
	return (uint16_t)pci_get(x->dev, x->cap + 2, 2);
}

int msix_init(struct msix *x, struct pci_dev *d, unsigned int n, int bar,
	      uint32_t table_off, uint32_t pba_off,
	      void (*send)(void *ctx, const struct apic_msg *m), void *ctx)
{
	int cap;

	if (!n || n > MSIX_MAX_VECTORS || bar < 0 || bar >= PCI_BARS ||
	    (table_off & 7) || (pba_off & 7))
		return -EINVAL;
	cap = pci_add_cap(d, PCI_CAP_ID_MSIX, MSIX_CAP_LEN, true);
	if (cap < 0)
		return cap;
	memset(x, 0, sizeof(*x));
	x->dev = d;
	x->cap = (uint8_t)cap;
	x->n = (uint16_t)n;
	x->send = send;
	x->ctx = ctx;
	for (unsigned int i = 0; i < n; i++)
		x->tab[i].ctrl = MSIX_VEC_MASKED;
	pci_put(d, cap + 2, 2, n - 1);			/* table size */
	pci_put(d, cap + 4, 4, table_off | (uint32_t)bar);
	pci_put(d, cap + 8, 4, pba_off | (uint32_t)bar);
	d->wmask[cap + 3] = (MSIX_CTRL_ENABLE | MSIX_CTRL_MASKALL) >> 8;
	return 0;
}

bool msix_enabled(const struct msix *x)
{
	return ctrl(x) & MSIX_CTRL_ENABLE;
}

static bool masked(const struct msix *x, unsigned int vec)
{
	return (ctrl(x) & MSIX_CTRL_MASKALL) ||
	       (x->tab[vec].ctrl & MSIX_VEC_MASKED);
}

static void send(struct msix *x, unsigned int vec)
{
	const struct msix_entry *e = &x->tab[vec];
	struct apic_msg m;

	if (msi_decode((uint64_t)e->addr_hi << 32 | e->addr_lo, e->data, &m))
		x->send(x->ctx, &m);
	else
		x->dropped++;
}

bool msix_notify(struct msix *x, unsigned int vec)
{
	if (!msix_enabled(x) || vec >= x->n)
		return false;
	if (masked(x, vec))
		x->pending |= 1u << vec;
	else
		send(x, vec);
	return true;
}

/* Sends each pending vector that is no longer masked. */
static void release(struct msix *x)
{
	if (!msix_enabled(x))
		return;
	for (unsigned int i = 0; i < x->n; i++) {
		if ((x->pending & (1u << i)) && !masked(x, i)) {
			x->pending &= ~(1u << i);
			send(x, i);
		}
	}
}

void msix_cap_written(struct msix *x)
{
	release(x);
}

static bool access_ok(uint64_t off, unsigned int size, uint64_t limit)
{
	return (size == 4 || size == 8) && !(off & (size - 1)) &&
	       off + size <= limit;
}

int msix_table_read(struct msix *x, uint64_t off, unsigned int size,
		    uint64_t *val)
{
	const uint32_t *e;
	unsigned int w;

	if (!access_ok(off, size, (uint64_t)x->n * MSIX_ENTRY_SIZE))
		return -EINVAL;
	e = &x->tab[off / MSIX_ENTRY_SIZE].addr_lo;
	w = (off % MSIX_ENTRY_SIZE) / 4;
	*val = e[w];
	if (size == 8)
		*val |= (uint64_t)e[w + 1] << 32;
	return 0;
}

static void write_word(struct msix *x, unsigned int vec, unsigned int w,
		       uint32_t v)
{
	struct msix_entry *e = &x->tab[vec];

	switch (w) {
	case 0: e->addr_lo = v & ~3u; break;	/* dword aligned */
	case 1: e->addr_hi = v; break;
	case 2: e->data = v; break;
	default: e->ctrl = v & MSIX_VEC_MASKED; break;
	}
}

int msix_table_write(struct msix *x, uint64_t off, unsigned int size,
		     uint64_t val)
{
	unsigned int vec, w;

	if (!access_ok(off, size, (uint64_t)x->n * MSIX_ENTRY_SIZE))
		return -EINVAL;
	vec = (unsigned int)(off / MSIX_ENTRY_SIZE);
	w = (off % MSIX_ENTRY_SIZE) / 4;
	write_word(x, vec, w, (uint32_t)val);
	if (size == 8)
		write_word(x, vec, w + 1, (uint32_t)(val >> 32));
	if (w + (size == 8) >= 3)
		release(x);
	return 0;
}

int msix_pba_read(struct msix *x, uint64_t off, unsigned int size,
		  uint64_t *val)
{
	if (!access_ok(off, size, 8))
		return -EINVAL;
	*val = off ? 0 : x->pending;	/* up to 32 vectors: the low dword */
	return 0;
}
