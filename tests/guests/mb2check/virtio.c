// SPDX-License-Identifier: GPL-2.0
/*
 * mb2check's virtio-mmio items: hvisor's devices found and driven the way
 * Asterinas's virtio-mmio transport does it (../shared/REFERENCE.md):
 * 512-byte slots from 0xFEB0_0000 scanned until the first without the
 * magic, version 2 (modern) only, slot i's interrupt on IOAPIC GSI 16 + i,
 * edge-triggered. Run only when the command line says how many devices
 * to expect (virtio=N); each prints one result:
 *
 *	virtio-scan	N slots from slot 0 with magic "virt", version 2 and
 *			a device ID; the slot after them reads no magic
 *	virtio-console	a line sent on transmitq0 ("virtio-mmio PASS
 *			console", which hvisor prints as this guest's) comes
 *			back used, with an interrupt
 *	virtio-blk	sector 1 written, read back the same, flushed; then
 *			"virtio-mmio PASS blk" on the console
 *	virtio-net	answers ARP for netip=HEX (e.g. 0a004c02, 10.0.76.2)
 *			and ICMP echo requests until it has answered three,
 *			or netwait=S seconds (default 300) pass: the peer
 *			(Linux's ping, through hvisor's switch) comes later
 *	virtio-restart	only with restarts=N: sector 2 counts the boots.
 *			Below N restarts it writes the next count, flushes
 *			and triple-faults on purpose (hvisor's on_crash =
 *			restart brings it back); at N it passes: the disk
 *			kept every count across the restarts
 *
 * One request is in flight per queue (descriptors 0..n-1); receive
 * buffers are single descriptors. Waits sleep in HLT with the TSC-
 * deadline timer armed, so a missing interrupt is a timeout, not a hang.
 */
#include "mb2check.h"

#define MMIO_BASE		0xfeb00000ul
#define MMIO_SIZE		0x200
#define MMIO_GSI		16

#define R_MAGIC			0x000
#define R_VERSION		0x004
#define R_DEVICE_ID		0x008
#define R_DEV_FEAT		0x010
#define R_DEV_FEAT_SEL		0x014
#define R_DRV_FEAT		0x020
#define R_DRV_FEAT_SEL		0x024
#define R_QUEUE_SEL		0x030
#define R_QUEUE_NUM_MAX		0x034
#define R_QUEUE_NUM		0x038
#define R_QUEUE_READY		0x044
#define R_QUEUE_NOTIFY		0x050
#define R_INT_STATUS		0x060
#define R_INT_ACK		0x064
#define R_STATUS		0x070
#define R_QUEUE_DESC		0x080
#define R_QUEUE_DRIVER		0x090
#define R_QUEUE_DEVICE		0x0a0
#define R_CONFIG		0x100

#define MAGIC			0x74726976	/* "virt" */
#define S_ACK			1
#define S_DRIVER		2
#define S_DRIVER_OK		4
#define S_FEATURES_OK		8

#define ID_NET			1
#define ID_BLK			2
#define ID_CONSOLE		3

#define D_NEXT			1
#define D_WRITE			2

#define QSZ			8
#define NET_F_MAC		BIT(5)
#define NET_HDR			12
#define NET_BUF			1526	/* header and a 1514-byte frame */
#define NET_RX_BUFS		4

struct vdesc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

struct vq {
	struct vdesc desc[QSZ];
	struct {
		uint16_t flags, idx, ring[QSZ], used_event;
	} avail;
	struct {
		uint16_t flags, idx;
		struct {
			uint32_t id, len;
		} ring[QSZ];
		uint16_t avail_event;
	} used __attribute__((aligned(4)));
	uint16_t last_used;
} __attribute__((aligned(4096)));

struct vdev {
	uint64_t base;
	unsigned int slot;
	uint32_t id;
	bool live;
	volatile uint32_t irqs;
	struct vq q[2];
};

struct seg {
	const void *p;
	uint32_t len;
	bool write;
};

static struct vdev devs[VIRTIO_SLOTS];
static unsigned int n_devs;
static bool scanned;

static inline void barrier(void)
{
	asm volatile("" : : : "memory");
}

static uint32_t rd(const struct vdev *d, uint32_t off)
{
	return rd32(d->base + off);
}

static void wr(const struct vdev *d, uint32_t off, uint32_t v)
{
	wr32(d->base + off, v);
}

void virtio_irq(unsigned int slot)
{
	struct vdev *d = &devs[slot];
	uint32_t st;

	if (slot >= n_devs)
		return;
	st = rd(d, R_INT_STATUS);
	wr(d, R_INT_ACK, st);
	d->irqs++;
}

/* Sleep in HLT until an interrupt, or @us from now at most. */
static void nap(uint64_t us)
{
	if (wakeup_at(rdtsc() + us_to_ticks(us))) {
		asm volatile("sti; hlt; cli" : : : "memory");
		return;
	}
	/* No timer to wake a HLT: poll, interrupts on. */
	asm volatile("sti" : : : "memory");
	cpu_relax();
	asm volatile("cli" : : : "memory");
}

static struct vdev *find(uint32_t id)
{
	for (unsigned int i = 0; i < n_devs; i++)
		if (devs[i].id == id)
			return &devs[i];
	return NULL;
}

static void set_addr(const struct vdev *d, uint32_t reg, const void *p)
{
	wr(d, reg, (uint32_t)(uint64_t)p);
	wr(d, reg + 4, (uint32_t)((uint64_t)p >> 32));
}

/*
 * Reset, negotiate VERSION_1 and @want of the low features, set up @nq
 * queues, route the slot's GSI and go live. NULL, or what went wrong.
 */
static const char *dev_setup(struct vdev *d, uint32_t want, unsigned int nq)
{
	uint32_t pin = MMIO_GSI + d->slot - ioapic_gsi_base, st;

	wr(d, R_STATUS, 0);
	if (rd(d, R_STATUS))
		return "status did not read 0 after the reset";
	wr(d, R_STATUS, S_ACK);
	wr(d, R_STATUS, S_ACK | S_DRIVER);
	wr(d, R_DEV_FEAT_SEL, 1);
	if (!(rd(d, R_DEV_FEAT) & 1))
		return "VERSION_1 not offered";
	wr(d, R_DEV_FEAT_SEL, 0);
	want &= rd(d, R_DEV_FEAT);
	wr(d, R_DRV_FEAT_SEL, 0);
	wr(d, R_DRV_FEAT, want);
	wr(d, R_DRV_FEAT_SEL, 1);
	wr(d, R_DRV_FEAT, 1);
	wr(d, R_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK);
	if (!(rd(d, R_STATUS) & S_FEATURES_OK))
		return "FEATURES_OK did not stick";
	for (unsigned int q = 0; q < nq; q++) {
		struct vq *vq = &d->q[q];

		memset(vq, 0, sizeof(*vq));
		wr(d, R_QUEUE_SEL, q);
		if (rd(d, R_QUEUE_READY))
			return "a queue is ready before it was set up";
		if (rd(d, R_QUEUE_NUM_MAX) < QSZ)
			return "a queue is smaller than 8";
		wr(d, R_QUEUE_NUM, QSZ);
		set_addr(d, R_QUEUE_DESC, vq->desc);
		set_addr(d, R_QUEUE_DRIVER, &vq->avail);
		set_addr(d, R_QUEUE_DEVICE, &vq->used);
		wr(d, R_QUEUE_READY, 1);
	}
	/* Edge, active high, fixed, to APIC ID 0: as Asterinas routes it. */
	ioapic_write(IOAPIC_REG_RTE(pin) + 1, 0);
	ioapic_write(IOAPIC_REG_RTE(pin), VEC_VIRTIO + d->slot);
	wr(d, R_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
	st = rd(d, R_STATUS);
	if (st != (S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK))
		return "status is not DRIVER_OK (NEEDS_RESET?)";
	d->live = true;
	return NULL;
}

/* Make descriptor @head available on queue @q and notify. */
static void post(struct vdev *d, unsigned int q, uint16_t head)
{
	struct vq *vq = &d->q[q];

	vq->avail.ring[vq->avail.idx % QSZ] = head;
	barrier();
	vq->avail.idx++;
	barrier();
	wr(d, R_QUEUE_NOTIFY, q);
}

/* The chain @s[0..n) in descriptors 0..n-1 of queue @q. */
static void submit(struct vdev *d, unsigned int q, const struct seg *s,
		   unsigned int n)
{
	struct vq *vq = &d->q[q];

	for (unsigned int i = 0; i < n; i++) {
		vq->desc[i].addr = (uint64_t)s[i].p;
		vq->desc[i].len = s[i].len;
		vq->desc[i].flags = (uint16_t)((i + 1 < n ? D_NEXT : 0) |
					       (s[i].write ? D_WRITE : 0));
		vq->desc[i].next = (uint16_t)(i + 1);
	}
	post(d, q, 0);
}

/* The next used entry of queue @q within @us: its id, or -1. */
static int reap(struct vdev *d, unsigned int q, uint64_t us, uint32_t *len)
{
	struct vq *vq = &d->q[q];
	uint64_t end = rdtsc() + us_to_ticks(us);
	uint32_t id;

	while (*(volatile uint16_t *)&vq->used.idx == vq->last_used) {
		if (rdtsc() >= end)
			return -1;
		nap(10000);
	}
	barrier();
	id = vq->used.ring[vq->last_used % QSZ].id;
	if (len)
		*len = vq->used.ring[vq->last_used % QSZ].len;
	vq->last_used++;
	return (int)id;
}

/*
 * The device's interrupt within 100 ms. A request is served during its
 * notify exit, so the used entry is there before we look, interrupts
 * off: its interrupt waits in the local APIC for the next STI.
 */
static bool irq_seen(struct vdev *d)
{
	uint64_t end = rdtsc() + us_to_ticks(100000);

	while (!d->irqs && rdtsc() < end)
		nap(10000);
	return d->irqs;
}

static void t_scan(void)
{
	unsigned int ids = 0;
	uint64_t want;
	uint32_t magic;

	scanned = true;
	NEED(ioapic_addr, "no IOAPIC with GSI base 0");
	for (n_devs = 0; n_devs < VIRTIO_SLOTS; n_devs++) {
		struct vdev *d = &devs[n_devs];

		d->base = MMIO_BASE + MMIO_SIZE * n_devs;
		d->slot = n_devs;
		if (rd(d, R_MAGIC) != MAGIC)
			break;
		if (rd(d, R_VERSION) != 2)
			FAIL("slot %u: version %u, want 2 (no legacy devices)",
			     n_devs, rd(d, R_VERSION));
		d->id = rd(d, R_DEVICE_ID);
		if (!d->id)
			FAIL("slot %u: device ID 0 behind the magic", n_devs);
		ids = ids * 10 + d->id;
	}
	arg_u64("virtio", false, &want);
	if (n_devs != want)
		FAIL("%u device(s) from %lx, want %lu", n_devs, MMIO_BASE, want);
	magic = n_devs < VIRTIO_SLOTS ? rd(&devs[n_devs], R_MAGIC) : 0;
	PASS("%u slot(s) from %lx, version 2, device IDs %u in slot order; "
	     "slot %u reads magic %x (the end)", n_devs, MMIO_BASE, ids, n_devs,
	     magic);
}

static char con_line[64];

/* A line on the console's transmitq0; NULL when it came back used. */
static const char *con_send(struct vdev *d, const char *text)
{
	struct seg s;
	size_t n = str_len(text);

	if (n >= sizeof(con_line))
		n = sizeof(con_line) - 1;
	memcpy(con_line, text, n);
	s = (struct seg){ con_line, (uint32_t)n, false };
	submit(d, 1, &s, 1);
	return reap(d, 1, 1000000, NULL) == 0 ? NULL :
	       "the line was not used within 1 s";
}

static void t_console(void)
{
	struct vdev *d = find(ID_CONSOLE);
	const char *why;

	if (!d)
		SKIP("no console among the slots");
	why = dev_setup(d, 0, 2);
	if (why)
		FAIL("slot %u: %s", d->slot, why);
	why = con_send(d, "virtio-mmio PASS console\n");
	if (why)
		FAIL("slot %u: %s", d->slot, why);
	if (!irq_seen(d))
		FAIL("slot %u: the line came back used, but no interrupt on "
		     "GSI %u within 100 ms", d->slot, MMIO_GSI + d->slot);
	PASS("slot %u: 'virtio-mmio PASS console' sent on transmitq0, used, "
	     "%u interrupt(s) on GSI %u", d->slot, d->irqs, MMIO_GSI + d->slot);
}

struct blk_hdr {
	uint32_t type, reserved;
	uint64_t sector;
};

static struct blk_hdr bhdr;
static uint8_t bdata[512], bback[512], bstatus;

/* One request of @type on @sector: the status byte, or 0xff. */
static uint8_t blk_req(struct vdev *d, uint32_t type, uint64_t sector,
		       uint8_t *data)
{
	struct seg s[3];
	unsigned int n = 0;

	bhdr = (struct blk_hdr){ type, 0, sector };
	bstatus = 0xff;
	s[n++] = (struct seg){ &bhdr, sizeof(bhdr), false };
	if (data)
		s[n++] = (struct seg){ data, 512, type == 0 };
	s[n++] = (struct seg){ &bstatus, 1, true };
	submit(d, 0, s, n);
	if (reap(d, 0, 1000000, NULL) != 0)
		return 0xff;
	return *(volatile uint8_t *)&bstatus;
}

static void t_blk(void)
{
	struct vdev *d = find(ID_BLK), *con = find(ID_CONSOLE);
	uint64_t cap;
	const char *why;
	uint8_t st;

	if (!d)
		SKIP("no block device among the slots");
	why = dev_setup(d, 0, 1);
	if (why)
		FAIL("slot %u: %s", d->slot, why);
	cap = rd(d, R_CONFIG) | (uint64_t)rd(d, R_CONFIG + 4) << 32;
	if (cap < 2)
		FAIL("slot %u: capacity %lu sectors", d->slot, cap);
	for (unsigned int i = 0; i < sizeof(bdata); i++)
		bdata[i] = (uint8_t)(i * 7 + 3);
	st = blk_req(d, 1, 1, bdata);
	if (st)
		FAIL("slot %u: writing sector 1: status %x", d->slot, st);
	memset(bback, 0, sizeof(bback));
	st = blk_req(d, 0, 1, bback);
	if (st)
		FAIL("slot %u: reading sector 1: status %x", d->slot, st);
	if (!mem_eq(bdata, bback, sizeof(bdata)))
		FAIL("slot %u: sector 1 read back differs from what was written",
		     d->slot);
	st = blk_req(d, 4, 0, NULL);
	if (st)
		FAIL("slot %u: flush: status %x", d->slot, st);
	if (!irq_seen(d))
		FAIL("slot %u: no interrupt on GSI %u within 100 ms", d->slot,
		     MMIO_GSI + d->slot);
	if (con && con->live && (why = con_send(con, "virtio-mmio PASS blk\n")))
		FAIL("console: %s", why);
	PASS("slot %u: %lu sectors; sector 1 written, read back the same, "
	     "flushed; %u interrupt(s) on GSI %u", d->slot, cap, d->irqs,
	     MMIO_GSI + d->slot);
}

/* ---- restart ------------------------------------------------------------ */

#define BOOTS_MAGIC	0x53525648u	/* "HVRS" */

/* Lose the machine on purpose: no IDT for int3, #GP or #DF. */
static void __attribute__((noreturn)) triple_fault(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) none = { 0, 0 };

	asm volatile("lidt %0; int3" : : "m"(none) : "memory");
	for (;;)
		asm volatile("hlt");
}

static void t_restart(void)
{
	struct vdev *d = find(ID_BLK);
	uint32_t *rec = (uint32_t *)bdata;
	uint64_t want, done;
	uint8_t st;

	if (arg_u64("restarts", false, &want) != 1)
		FAIL("bad restarts= on the command line");
	if (!d || !d->live)
		FAIL("no working block device to count the boots on");
	memset(bdata, 0, sizeof(bdata));
	st = blk_req(d, 0, 2, bdata);
	if (st)
		FAIL("slot %u: reading sector 2: status %x", d->slot, st);
	done = rec[0] == BOOTS_MAGIC ? rec[1] : 0;
	if (done > want)
		FAIL("sector 2 counts %lu restart(s), more than the %lu asked for",
		     done, want);
	if (done == want)
		PASS("boot %lu: sector 2 kept the count of %lu restart(s) "
		     "(written before each crash)", done + 1, done);
	rec[0] = BOOTS_MAGIC;
	rec[1] = (uint32_t)(done + 1);
	st = blk_req(d, 1, 2, bdata);
	if (!st)
		st = blk_req(d, 4, 0, NULL);
	if (st)
		FAIL("slot %u: writing sector 2: status %x", d->slot, st);
	print("mb2check: boot %lu of %lu: counted on the disk; triple-faulting "
	      "on purpose\n", done + 1, want + 1);
	triple_fault();
}

/* ---- net -------------------------------------------------------------- */

static uint8_t rxbuf[NET_RX_BUFS][NET_BUF];
static uint8_t txbuf[NET_BUF];
static uint8_t my_mac[6], my_ip[4], peer_mac[6];
static unsigned int n_arp, n_echo, n_frames, n_other;

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* The Internet checksum (RFC 1071) of @n bytes. */
static uint16_t csum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		s += be16(p + i);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* Send txbuf's frame of @len bytes (behind its zero header). */
static bool net_send(struct vdev *d, size_t len)
{
	struct seg s = { txbuf, (uint32_t)(NET_HDR + len), false };

	memset(txbuf, 0, NET_HDR);
	submit(d, 1, &s, 1);
	return reap(d, 1, 1000000, NULL) == 0;
}

/* An ARP request for my_ip: answer it. */
static bool arp(struct vdev *d, const uint8_t *f, size_t len)
{
	uint8_t *o = txbuf + NET_HDR;
	const uint8_t *a = f + 14;

	if (len < 42 || be16(a) != 1 || be16(a + 2) != 0x0800 || a[4] != 6 ||
	    a[5] != 4 || be16(a + 6) != 1 || !mem_eq(a + 24, my_ip, 4))
		return false;
	memcpy(o, f + 6, 6);
	memcpy(o + 6, my_mac, 6);
	put_be16(o + 12, 0x0806);
	memcpy(o + 14, a, 6);			/* htype, ptype, hlen, plen */
	put_be16(o + 20, 2);			/* reply */
	memcpy(o + 22, my_mac, 6);
	memcpy(o + 28, my_ip, 4);
	memcpy(o + 32, a + 8, 10);		/* the asker's MAC and IP */
	n_arp++;
	return net_send(d, 42);
}

/* An ICMP echo request to my_ip: send it back as the reply. */
static bool echo(struct vdev *d, const uint8_t *f, size_t len)
{
	uint8_t *o = txbuf + NET_HDR, *ip = o + 14, *icmp;
	const uint8_t *i = f + 14;
	size_t ihl, tot;

	if (len < 34 || (i[0] >> 4) != 4 || i[9] != 1 ||
	    !mem_eq(i + 16, my_ip, 4))
		return false;
	ihl = (size_t)(i[0] & 15) * 4;
	tot = be16(i + 2);
	if (ihl < 20 || tot < ihl + 8 || 14 + tot > len || i[ihl] != 8)
		return false;
	memcpy(o, f + 6, 6);
	memcpy(o + 6, my_mac, 6);
	memcpy(o + 12, f + 12, 2 + tot);
	memcpy(ip + 12, i + 16, 4);		/* from me */
	memcpy(ip + 16, i + 12, 4);		/* to the asker */
	ip[8] = 64;
	put_be16(ip + 10, 0);
	put_be16(ip + 10, csum(ip, ihl));
	icmp = ip + ihl;
	icmp[0] = 0;				/* echo reply */
	put_be16(icmp + 2, 0);
	put_be16(icmp + 2, csum(icmp, tot - ihl));
	memcpy(peer_mac, f + 6, 6);
	n_echo++;
	return net_send(d, 14 + tot);
}

static void t_net(void)
{
	struct vdev *d = find(ID_NET);
	uint64_t ip = 0, wait_s = 300, end;
	const char *why;
	uint32_t len;
	int id;

	if (!d)
		SKIP("no network device among the slots");
	if (arg_u64("netip", true, &ip) != 1)
		FAIL("no netip=HEX (the address to answer for) on the command line");
	arg_u64("netwait", false, &wait_s);
	for (int k = 0; k < 4; k++)
		my_ip[k] = (uint8_t)(ip >> (24 - 8 * k));
	why = dev_setup(d, NET_F_MAC, 2);
	if (why)
		FAIL("slot %u: %s", d->slot, why);
	for (int k = 0; k < 6; k++)
		my_mac[k] = (uint8_t)(rd(d, R_CONFIG + (uint32_t)(k & ~3)) >> (8 * (k & 3)));
	for (uint16_t b = 0; b < NET_RX_BUFS; b++) {
		d->q[0].desc[b] = (struct vdesc){ (uint64_t)rxbuf[b], NET_BUF,
						  D_WRITE, 0 };
		post(d, 0, b);
	}
	print("mb2check: virtio-net %02x:%02x:%02x:%02x:%02x:%02x answers for "
	      "%u.%u.%u.%u, up to %lu s\n", my_mac[0], my_mac[1], my_mac[2],
	      my_mac[3], my_mac[4], my_mac[5], my_ip[0], my_ip[1], my_ip[2],
	      my_ip[3], wait_s);
	end = rdtsc() + us_to_ticks(wait_s * 1000000);
	while (n_echo < 3) {
		const uint8_t *f;

		if (rdtsc() >= end)
			FAIL("slot %u: %u echo request(s) answered in %lu s (%u ARP, "
			     "%u frame(s) in, %u interrupt(s))", d->slot, n_echo,
			     wait_s, n_arp, n_frames, d->irqs);
		id = reap(d, 0, 100000, &len);
		if (id < 0)
			continue;
		if (id >= NET_RX_BUFS || len < NET_HDR || len > NET_BUF)
			FAIL("slot %u: used entry %d of %u bytes", d->slot, id, len);
		n_frames++;
		f = rxbuf[id] + NET_HDR;
		len -= NET_HDR;
		if (len >= 14 && be16(f + 12) == 0x0806 ? !arp(d, f, len) :
		    len >= 14 && be16(f + 12) == 0x0800 ? !echo(d, f, len) : true)
			n_other++;
		post(d, 0, (uint16_t)id);
	}
	PASS("slot %u: %02x:%02x:%02x:%02x:%02x:%02x answered %u ARP and %u "
	     "echo request(s) from %02x:%02x:%02x:%02x:%02x:%02x (%u frame(s) "
	     "in, %u other), %u interrupt(s) on GSI %u", d->slot, my_mac[0],
	     my_mac[1], my_mac[2], my_mac[3], my_mac[4], my_mac[5], n_arp,
	     n_echo, peer_mac[0], peer_mac[1], peer_mac[2], peer_mac[3],
	     peer_mac[4], peer_mac[5], n_frames, n_other, d->irqs,
	     MMIO_GSI + d->slot);
}

void virtio_items(void (*run)(const char *name, void (*fn)(void)))
{
	uint64_t want;

	/* Only when the configuration gave this guest devices. */
	if (arg_u64("virtio", false, &want) != 1)
		return;
	run("virtio-scan", t_scan);
	run("virtio-console", t_console);
	run("virtio-blk", t_blk);
	run("virtio-net", t_net);
	if (arg_u64("restarts", false, &want) != 0)	/* given, or malformed */
		run("virtio-restart", t_restart);
}
