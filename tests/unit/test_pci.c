// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for PCI configuration space (dev/pci.c) and the host
 * bridge's access mechanisms (dev/pci_host.c): 0xCF8/0xCFC, ECAM, and the
 * reset register that shares 0xCF9.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "dev/pci.h"
#include "dev/pci_host.h"

#define WIN	0xc0000000ull
#define WIN_SZ	0x00100000ull

static struct pci_bus bus;
static struct pci_host host;

struct update {
	int bar;
	uint64_t gpa;
	bool on;
};

static struct update upd[32];
static int n_upd, n_cap_writes;
static uint32_t cap_off;
static unsigned int cap_size;

static void f_bar_update(struct pci_dev *d, int bar, uint64_t gpa, bool on)
{
	assert_true(n_upd < 32);
	upd[n_upd++] = (struct update){ bar, gpa, on };
}

static void f_cap_write(struct pci_dev *d, uint32_t off, unsigned int size)
{
	n_cap_writes++;
	cap_off = off;
	cap_size = size;
}

static int n_bar_io, last_bar;
static uint64_t last_off;

static int f_bar_read(struct pci_dev *d, int bar, uint64_t off,
		      unsigned int size, uint64_t *val)
{
	n_bar_io++;
	last_bar = bar;
	last_off = off;
	*val = 0x1234;
	return 0;
}

static int f_bar_write(struct pci_dev *d, int bar, uint64_t off,
		       unsigned int size, uint64_t val)
{
	n_bar_io++;
	last_bar = bar;
	last_off = off;
	return 0;
}

static const struct pci_dev_ops ops = {
	.bar_update = f_bar_update,
	.cap_write = f_cap_write,
	.bar_read = f_bar_read,
	.bar_write = f_bar_write,
};

/* The reset register's fake: what reached it through 0xCF9. */
static uint32_t cf9_last = 0x100;

static uint32_t f_cf9_read(void *dev, uint16_t port, unsigned int size)
{
	assert_int_equal(port, 0xcf9);
	assert_int_equal(size, 1);
	return 0x0a;
}

static void f_cf9_write(void *dev, uint16_t port, unsigned int size, uint32_t v)
{
	assert_int_equal(port, 0xcf9);
	assert_int_equal(size, 1);
	cf9_last = v;
}

static const struct pio_ops cf9 = {
	.name = "cf9", .read = f_cf9_read, .write = f_cf9_write,
};

static void setup(void)
{
	pci_bus_init(&bus, WIN, WIN_SZ);
	assert_int_equal(pci_host_init(&host, &bus, &cf9, NULL), 0);
	n_upd = n_cap_writes = 0;
	cf9_last = 0x100;
}

static uint32_t rd(unsigned int dev, uint32_t off, unsigned int size)
{
	return pci_cfg_read(&bus, dev, 0, off, size);
}

static void wr(unsigned int dev, uint32_t off, unsigned int size, uint32_t v)
{
	pci_cfg_write(&bus, dev, 0, off, size, v);
}

/* Mechanism #1, as Linux's pci_conf1_read() does it. */
static uint32_t cf8_read(unsigned int dev, unsigned int fn, uint32_t off,
			 unsigned int size)
{
	pci_host_pio_ops.write(&host, 0xcf8, 4,
			       0x80000000u | dev << 11 | fn << 8 | (off & 0xfc));
	return pci_host_pio_ops.read(&host, 0xcfc + (off & 3), size);
}

static void test_absent(void **state)
{
	setup();
	assert_int_equal(rd(1, 0, 4), 0xffffffff);
	assert_int_equal(rd(31, 0, 2), 0xffff);
	assert_int_equal(rd(5, 0x3c, 1), 0xff);
	/* Function 1 of the bridge, and a device number past 31. */
	assert_int_equal(pci_cfg_read(&bus, 0, 1, 0, 4), 0xffffffff);
	assert_int_equal(rd(32, 0, 4), 0xffffffff);
	wr(1, 4, 2, 0xffff);				/* dropped */
	assert_int_equal(rd(1, 4, 2), 0xffff);
}

static void test_bridge(void **state)
{
	setup();
	assert_int_equal(rd(0, PCI_VENDOR_ID, 2), PCI_HOST_VENDOR);
	assert_int_equal(rd(0, PCI_DEVICE_ID, 2), PCI_HOST_DEVICE);
	assert_int_equal(rd(0, 0x08, 4) >> 8, PCI_CLASS_HOST_BRIDGE);
	assert_int_equal(rd(0, PCI_HEADER_TYPE, 1), 0);	/* single function */
	assert_int_equal(rd(0, PCI_CAP_PTR, 1), 0);
	assert_int_equal(rd(0, PCI_STATUS, 2) & PCI_STS_CAP_LIST, 0);
	/* No BARs: sizing reads 0 back. */
	wr(0, PCI_BAR0, 4, 0xffffffff);
	assert_int_equal(rd(0, PCI_BAR0, 4), 0);
	/* Read-only IDs, class and header; beyond 256 bytes reads 0. */
	wr(0, 0, 4, 0x12345678);
	wr(0, 0x08, 4, 0);
	assert_int_equal(rd(0, 0, 4), PCI_HOST_DEVICE << 16 | PCI_HOST_VENDOR);
	assert_int_equal(rd(0, 0x0b, 1), 0x06);
	assert_int_equal(rd(0, 0x100, 4), 0);
}

static void test_command_mask(void **state)
{
	setup();
	wr(0, PCI_COMMAND, 2, 0xffff);
	assert_int_equal(rd(0, PCI_COMMAND, 2),
			 PCI_CMD_IO | PCI_CMD_MEM | PCI_CMD_MASTER |
			 PCI_CMD_PARITY | PCI_CMD_SERR | PCI_CMD_INTX_OFF);
	/* Status is read-only here: a dword write leaves it. */
	wr(0, PCI_COMMAND, 4, 0xffff0000);
	assert_int_equal(rd(0, PCI_COMMAND, 4), 0);
	/* Misaligned or odd sizes: all ones, and nothing written. */
	assert_int_equal(rd(0, 1, 2), 0xffff);
	assert_int_equal(rd(0, 2, 4), 0xffffffff);
	assert_int_equal(rd(0, 0, 3), 0xffffff);
	wr(0, PCI_LATENCY, 1, 0x40);
	wr(0, PCI_CACHE_LINE - 1, 2, 0xffff);
	assert_int_equal(rd(0, PCI_LATENCY, 1), 0x40);
}

static void test_cf8(void **state)
{
	setup();
	assert_int_equal(cf8_read(0, 0, 0, 4),
			 PCI_HOST_DEVICE << 16 | PCI_HOST_VENDOR);
	assert_int_equal(cf8_read(0, 0, 2, 2), PCI_HOST_DEVICE);
	assert_int_equal(cf8_read(0, 0, 0x0b, 1), 0x06);
	assert_int_equal(cf8_read(3, 0, 0, 4), 0xffffffff);
	assert_int_equal(cf8_read(0, 2, 0, 4), 0xffffffff);
	/* The latch reads back without its reserved bits. */
	pci_host_pio_ops.write(&host, 0xcf8, 4, 0xff000003);
	assert_int_equal(pci_host_pio_ops.read(&host, 0xcf8, 4), 0x80000000);
	/* Disabled, or another bus: nothing answers. */
	pci_host_pio_ops.write(&host, 0xcf8, 4, 0);
	assert_int_equal(pci_host_pio_ops.read(&host, 0xcfc, 4), 0xffffffff);
	pci_host_pio_ops.write(&host, 0xcf8, 4, 0x80010000);
	assert_int_equal(pci_host_pio_ops.read(&host, 0xcfc, 2), 0xffff);
	/* Data through 0xCFC-0xCFF writes the register the latch names. */
	pci_host_pio_ops.write(&host, 0xcf8, 4, 0x8000000c);
	pci_host_pio_ops.write(&host, 0xcfd, 1, 0x20);	/* latency timer */
	assert_int_equal(rd(0, PCI_LATENCY, 1), 0x20);
	assert_int_equal(pci_host_pio_ops.read(&host, 0xcfd, 1), 0x20);
	/* A 2-byte access at 0xCFD would cross the dword: all ones. */
	assert_int_equal(pci_host_pio_ops.read(&host, 0xcfd, 2), 0xffff);
	/* Linux's probe writes a byte to 0xCFB: the latch keeps its value. */
	pci_host_pio_ops.write(&host, 0xcfb, 1, 0x01);
	assert_int_equal(pci_host_pio_ops.read(&host, 0xcf8, 4), 0x8000000c);
	assert_int_equal(pci_host_pio_ops.read(&host, 0xcf8, 2), 0xffff);
}

static void test_cf9_is_reset(void **state)
{
	setup();
	pci_host_pio_ops.write(&host, 0xcf9, 1, 0x06);
	assert_int_equal(cf9_last, 0x06);
	assert_int_equal(pci_host_pio_ops.read(&host, 0xcf9, 1), 0x0a);
	/* Without a reset device the byte floats and writes vanish. */
	assert_int_equal(pci_host_init(&host, &bus, NULL, NULL), -EBUSY);
	host.cf9_ops = NULL;
	pci_host_pio_ops.write(&host, 0xcf9, 1, 0x0e);
	assert_int_equal(cf9_last, 0x06);
	assert_int_equal(pci_host_pio_ops.read(&host, 0xcf9, 1), 0xff);
}

static void test_ecam(void **state)
{
	uint64_t v = 0;

	setup();
	assert_int_equal(pci_host_ecam_ops.read(&host, 0, 4, &v), 0);
	assert_int_equal(v, PCI_HOST_DEVICE << 16 | PCI_HOST_VENDOR);
	assert_int_equal(pci_host_ecam_ops.read(&host, 0xb, 1, &v), 0);
	assert_int_equal(v, 0x06);
	/* Device 1, function 0 and device 0, function 1: absent. */
	assert_int_equal(pci_host_ecam_ops.read(&host, 1 << 15, 4, &v), 0);
	assert_int_equal(v, 0xffffffff);
	assert_int_equal(pci_host_ecam_ops.read(&host, 1 << 12, 2, &v), 0);
	assert_int_equal(v, 0xffff);
	assert_int_equal(pci_host_ecam_ops.write(&host, 0xd, 1, 0x30), 0);
	assert_int_equal(rd(0, PCI_LATENCY, 1), 0x30);
	/* Extended space of a present function reads 0. */
	assert_int_equal(pci_host_ecam_ops.read(&host, 0x100, 4, &v), 0);
	assert_int_equal(v, 0);
	/* 8-byte accesses are not config cycles. */
	assert_int_equal(pci_host_ecam_ops.read(&host, 0, 8, &v), -EINVAL);
	assert_int_equal(pci_host_ecam_ops.write(&host, 0, 8, 0), -EINVAL);
}

static struct pci_dev dev_a, dev_b;

static void test_bars(void **state)
{
	setup();
	pci_dev_init(&dev_a, 0x1af4, 0x1043, 0x078000, 1, &ops, NULL);
	assert_int_equal(pci_add_bar(&dev_a, 0, 0x1000, false), 0);
	assert_int_equal(pci_add_bar(&dev_a, 2, 0x4000, true), 0);
	/* Taken, the high half of a 64-bit one, bad sizes, past the end. */
	assert_int_equal(pci_add_bar(&dev_a, 0, 0x1000, false), -EINVAL);
	assert_int_equal(pci_add_bar(&dev_a, 3, 0x1000, false), -EINVAL);
	assert_int_equal(pci_add_bar(&dev_a, 1, 0x1800, false), -EINVAL);
	assert_int_equal(pci_add_bar(&dev_a, 1, 8, false), -EINVAL);
	assert_int_equal(pci_add_bar(&dev_a, 5, 0x1000, true), -EINVAL);
	assert_int_equal(pci_add_bar(&dev_a, 1, 0x2000, true), -EINVAL);
	assert_int_equal(pci_plug(&bus, 3, &dev_a), 0);
	/* Assigned in order, naturally aligned, decoding on. */
	assert_int_equal(pci_bar_addr(&dev_a, 0), WIN);
	assert_int_equal(pci_bar_addr(&dev_a, 2), WIN + 0x4000);
	assert_int_equal(rd(3, PCI_BAR0 + 8, 4), (WIN + 0x4000) | PCI_BAR_MEM64);
	assert_int_equal(rd(3, PCI_BAR0 + 12, 4), 0);
	assert_true(rd(3, PCI_COMMAND, 2) & PCI_CMD_MEM);
	assert_int_equal(n_upd, 2);
	assert_int_equal(upd[0].bar, 0);
	assert_int_equal(upd[0].gpa, WIN);
	assert_true(upd[0].on);
	assert_int_equal(upd[1].bar, 2);

	/* Sizing, as Linux does it: decoding off, all ones, read, restore. */
	n_upd = 0;
	wr(3, PCI_COMMAND, 2, 0);
	assert_int_equal(n_upd, 2);
	assert_false(upd[0].on);
	wr(3, PCI_BAR0, 4, 0xffffffff);
	assert_int_equal(rd(3, PCI_BAR0, 4), 0xfffff000);
	wr(3, PCI_BAR0 + 8, 4, 0xffffffff);
	wr(3, PCI_BAR0 + 12, 4, 0xffffffff);
	assert_int_equal(rd(3, PCI_BAR0 + 8, 4), 0xffffc000 | PCI_BAR_MEM64);
	assert_int_equal(rd(3, PCI_BAR0 + 12, 4), 0xffffffff);
	/* Unused BARs and the ROM BAR size to 0. */
	wr(3, PCI_BAR0 + 4, 4, 0xffffffff);
	assert_int_equal(rd(3, PCI_BAR0 + 4, 4), 0);
	wr(3, PCI_ROM, 4, 0xffffffff);
	assert_int_equal(rd(3, PCI_ROM, 4), 0);
	/* Each BAR write was told, with decoding off. */
	assert_int_equal(n_upd, 2 + 3);
	assert_int_equal(upd[3].bar, 2);
	assert_false(upd[4].on);
	/* The guest moves BAR 0 and turns decoding on. */
	wr(3, PCI_BAR0, 4, 0xd0001000);
	wr(3, PCI_BAR0 + 8, 4, 0xd0008000);
	wr(3, PCI_BAR0 + 12, 4, 0x1);
	n_upd = 0;
	wr(3, PCI_COMMAND, 2, PCI_CMD_MEM | PCI_CMD_MASTER);
	assert_int_equal(n_upd, 2);
	assert_int_equal(upd[0].gpa, 0xd0001000);
	assert_true(upd[0].on);
	assert_int_equal(upd[1].gpa, 0x1d0008000ull);
	/* Bus master alone: no BAR news. */
	n_upd = 0;
	wr(3, PCI_COMMAND, 2, PCI_CMD_MEM);
	assert_int_equal(n_upd, 0);
}

static void test_plug_errors(void **state)
{
	setup();
	pci_dev_init(&dev_a, 0x1af4, 0x1041, 0x020000, 1, NULL, NULL);
	assert_int_equal(pci_add_bar(&dev_a, 0, 0x80000, false), 0);
	pci_dev_init(&dev_b, 0x1af4, 0x1042, 0x010000, 1, NULL, NULL);
	assert_int_equal(pci_add_bar(&dev_b, 0, 0x1000, false), 0);
	assert_int_equal(pci_add_bar(&dev_b, 1, 0x80000, false), 0);
	assert_int_equal(pci_plug(&bus, 0, &dev_a), -EBUSY);	/* the bridge */
	assert_int_equal(pci_plug(&bus, 32, &dev_a), -EINVAL);
	assert_int_equal(pci_plug(&bus, 1, &dev_a), 0);
	/* 0x1000 fits, 0x80000 aligned does not: nothing changes. */
	assert_int_equal(pci_plug(&bus, 2, &dev_b), -ENOSPC);
	assert_null(bus.slot[2]);
	assert_int_equal(bus.win_next, WIN + 0x80000);
	assert_int_equal(rd(2, 0, 4), 0xffffffff);
	/* Without ops, plugging and writes still work. */
	wr(1, PCI_COMMAND, 2, 0);
	assert_int_equal(rd(1, PCI_COMMAND, 2), 0);
}

static void test_caps(void **state)
{
	int a, b;

	setup();
	pci_dev_init(&dev_a, 0x1af4, 0x1043, 0x078000, 1, &ops, NULL);
	a = pci_add_cap(&dev_a, 0x09, 16, false);	/* vendor-specific */
	b = pci_add_cap(&dev_a, 0x11, 12, true);	/* MSI-X */
	assert_int_equal(a, 0x40);
	assert_int_equal(b, 0x50);
	dev_a.wmask[b + 3] = 0xc0;			/* enable, mask */
	assert_int_equal(pci_plug(&bus, 4, &dev_a), 0);
	assert_true(rd(4, PCI_STATUS, 2) & PCI_STS_CAP_LIST);
	assert_int_equal(rd(4, PCI_CAP_PTR, 1), 0x40);
	assert_int_equal(rd(4, 0x40, 2), 0x5009);	/* id, next */
	assert_int_equal(rd(4, 0x50, 2), 0x0011);	/* the last */
	/* Writes inside the hooked one reach the device, masked. */
	wr(4, b + 2, 2, 0xffff);
	assert_int_equal(rd(4, b + 2, 2), 0xc000);
	assert_int_equal(n_cap_writes, 1);
	assert_int_equal(cap_off, b + 2);
	assert_int_equal(cap_size, 2);
	/* Not the other one, and the header stays read-only. */
	wr(4, a + 4, 4, 0xffffffff);
	wr(4, b, 2, 0);
	assert_int_equal(n_cap_writes, 2);		/* b's header: hooked */
	assert_int_equal(rd(4, 0x50, 2), 0x0011);
	assert_int_equal(rd(4, a + 4, 4), 0);
	/* The space runs out. */
	assert_int_equal(pci_add_cap(&dev_a, 0x09, 256 - 0x5c + 1, false),
			 -ENOSPC);
	assert_int_equal(pci_add_cap(&dev_a, 0x09, 256 - 0x5c, false), 0x5c);
	assert_int_equal(pci_add_cap(&dev_a, 0x09, 2, false), -ENOSPC);
}

static void test_int_pin(void **state)
{
	setup();
	pci_dev_init(&dev_a, 0x1af4, 0x1043, 0x078000, 1, NULL, NULL);
	wr(0, PCI_INT_LINE, 1, 5);			/* the bridge: no pin */
	assert_int_equal(rd(0, PCI_INT_LINE, 1), 0);
	pci_set_int_pin(&dev_a, 1);
	pci_set_subsys(&dev_a, 0x1af4, 3);
	assert_int_equal(pci_plug(&bus, 2, &dev_a), 0);
	assert_int_equal(rd(2, PCI_INT_PIN, 1), 1);
	wr(2, PCI_INT_LINE, 1, 11);
	wr(2, PCI_INT_PIN, 1, 3);
	assert_int_equal(rd(2, PCI_INT_LINE, 2), 0x010b);
	assert_int_equal(rd(2, PCI_SUBSYS_VENDOR, 4), 3 << 16 | 0x1af4);
}

static void test_window(void **state)
{
	uint64_t v = 0;

	setup();
	pci_dev_init(&dev_a, 0x1af4, 0x1043, 0x078000, 1, &ops, NULL);
	assert_int_equal(pci_add_bar(&dev_a, 0, 0x1000, false), 0);
	assert_int_equal(pci_add_bar(&dev_a, 2, 0x4000, true), 0);
	assert_int_equal(pci_plug(&bus, 3, &dev_a), 0);
	n_bar_io = 0;
	assert_int_equal(pci_window_read(&bus, WIN + 0x4008, 4, &v), 0);
	assert_int_equal(v, 0x1234);
	assert_int_equal(last_bar, 2);
	assert_int_equal(last_off, 8);
	assert_int_equal(pci_window_write(&bus, WIN + 0xffc, 4, 1), 0);
	assert_int_equal(last_bar, 0);
	assert_int_equal(last_off, 0xffc);
	assert_int_equal(n_bar_io, 2);
	/* Straddling the BAR's end, in a gap, or with decoding off: none. */
	assert_int_equal(pci_window_read(&bus, WIN + 0xffe, 4, &v), -ENODEV);
	assert_int_equal(pci_window_read(&bus, WIN + 0x2000, 4, &v), -ENODEV);
	wr(3, PCI_COMMAND, 2, 0);
	assert_int_equal(pci_window_write(&bus, WIN + 0x4008, 4, 1), -ENODEV);
	assert_int_equal(n_bar_io, 2);
	/* Moved by the guest: decoded at the new address only. */
	wr(3, PCI_BAR0, 4, 0xc0080000);
	wr(3, PCI_COMMAND, 2, PCI_CMD_MEM);
	assert_int_equal(pci_window_read(&bus, WIN, 4, &v), -ENODEV);
	assert_int_equal(pci_window_read(&bus, 0xc0080010, 4, &v), 0);
	assert_int_equal(last_off, 0x10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_absent),
		cmocka_unit_test(test_bridge),
		cmocka_unit_test(test_command_mask),
		cmocka_unit_test(test_cf8),
		cmocka_unit_test(test_cf9_is_reset),
		cmocka_unit_test(test_ecam),
		cmocka_unit_test(test_bars),
		cmocka_unit_test(test_plug_errors),
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_int_pin),
		cmocka_unit_test(test_window),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
