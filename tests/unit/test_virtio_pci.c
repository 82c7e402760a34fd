// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the virtio-pci modern transport (dev/virtio_pci.c) and
 * the console on it (dev/virtio_console.c), driven the way Linux's
 * virtio_pci_modern and virtio_console drivers drive them: find the
 * capabilities in config space, negotiate, set up both queues with
 * MSI-X vectors, send a line, take the interrupt. And what a broken or
 * hostile driver gets: no FEATURES_OK, NEEDS_RESET, nothing outside RAM.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "dev/pci.h"
#include "dev/virtio_console.h"

#define RAM		(256 * 1024)
#define WIN		0xc0000000ull
#define SLOT		1

static uint8_t ram[RAM];
static const struct virtq_mem mem = { ram, RAM };
static struct pci_bus bus;
static struct virtio_console con;
static uint64_t bar;

static char lines[8][LINEBUF_MAX + 1];
static int n_lines;
static struct apic_msg sent[16];
static int n_sent;

static void f_emit(void *ctx, const char *line, unsigned int len)
{
	assert_true(n_lines < 8);
	memcpy(lines[n_lines], line, len);
	lines[n_lines++][len] = 0;
}

static void f_send(void *ctx, const struct apic_msg *m)
{
	assert_true(n_sent < 16);
	sent[n_sent++] = *m;
}

static uint32_t cfg_rd(uint32_t off, unsigned int size)
{
	return pci_cfg_read(&bus, SLOT, 0, off, size);
}

static void cfg_wr(uint32_t off, unsigned int size, uint32_t v)
{
	pci_cfg_write(&bus, SLOT, 0, off, size, v);
}

/* The BAR through its address, as the guest's MMIO does. */
static uint64_t rd(uint64_t off, unsigned int size)
{
	uint64_t v = ~0ull;

	assert_int_equal(virtio_pci_bar_read(&con.vp, off, size, &v), 0);
	return v;
}

static void wr(uint64_t off, unsigned int size, uint64_t v)
{
	assert_int_equal(virtio_pci_bar_write(&con.vp, off, size, v), 0);
}

/* Linux's virtio_pci_find_capability(): the vendor cap of @type. */
static uint32_t find_cap(uint8_t type, uint32_t *off, uint32_t *len)
{
	for (uint32_t c = cfg_rd(PCI_CAP_PTR, 1); c; c = cfg_rd(c + 1, 1)) {
		if (cfg_rd(c, 1) == 0x09 && cfg_rd(c + 3, 1) == type) {
			assert_int_equal(cfg_rd(c + 4, 1), VIRTIO_PCI_BAR);
			*off = cfg_rd(c + 8, 4);
			*len = cfg_rd(c + 12, 4);
			return c;
		}
	}
	return 0;
}

static void setup(void)
{
	memset(ram, 0, sizeof(ram));
	n_lines = n_sent = 0;
	pci_bus_init(&bus, WIN, 0x100000);
	assert_int_equal(virtio_console_init(&con, &mem, f_emit, f_send, NULL), 0);
	assert_int_equal(pci_plug(&bus, SLOT, &con.vp.pci), 0);
	bar = pci_bar_addr(&con.vp.pci, VIRTIO_PCI_BAR);
}

/* Rings for queue q at 0x10000 + q * 0x4000: desc, avail +0x1000, used +0x2000. */
#define RING(q)		(0x10000 + (q) * 0x4000)

static void setup_queue(unsigned int q, uint16_t vec)
{
	wr(0x16, 2, q);
	assert_int_equal(rd(0x18, 2), VCON_QUEUE_MAX);
	wr(0x18, 2, 16);				/* the driver's size */
	wr(0x1a, 2, vec);
	assert_int_equal(rd(0x1a, 2), vec);		/* accepted */
	wr(0x20, 8, RING(q));
	wr(0x28, 4, RING(q) + 0x1000);			/* twopart */
	wr(0x2c, 4, 0);
	wr(0x30, 4, RING(q) + 0x2000);
	wr(0x34, 4, 0);
	assert_int_equal(rd(0x1e, 2), q);		/* notify offset */
	wr(0x1c, 2, 1);
	assert_int_equal(rd(0x1c, 2), 1);
}

/* The probe Linux does, up to DRIVER_OK, with MSI-X vectors 0 (config),
 * 1 (rx), 2 (tx). */
static void driver_up(void)
{
	uint32_t off, len;

	assert_int_equal(cfg_rd(0, 4), 0x1043 << 16 | 0x1af4);
	assert_int_equal(cfg_rd(PCI_REVISION, 1), 1);
	assert_int_equal(cfg_rd(PCI_SUBSYS_ID, 2), 0x43);
	assert_int_not_equal(find_cap(1, &off, &len), 0);	/* common */
	assert_int_equal(off, VPCI_COMMON);
	assert_true(len >= 0x38);
	uint32_t nc = find_cap(2, &off, &len);			/* notify */
	assert_int_equal(off, VPCI_NOTIFY);
	assert_int_equal(cfg_rd(nc + 16, 4), VPCI_NOTIFY_MULT);
	assert_int_not_equal(find_cap(3, &off, &len), 0);	/* ISR */
	assert_int_not_equal(find_cap(4, &off, &len), 0);	/* device */
	assert_int_equal(len, 12);
	assert_int_not_equal(find_cap(5, &off, &len), 0);	/* PCI_CFG */
	wr(0x14, 1, 0);
	assert_int_equal(rd(0x14, 1), 0);
	wr(0x14, 1, VIRTIO_S_ACKNOWLEDGE);
	wr(0x14, 1, VIRTIO_S_ACKNOWLEDGE | VIRTIO_S_DRIVER);
	wr(0x00, 4, 0);
	assert_int_equal(rd(0x04, 4), 0);		/* no console features */
	wr(0x00, 4, 1);
	assert_int_equal(rd(0x04, 4), 1);		/* VERSION_1 */
	wr(0x08, 4, 0);
	wr(0x0c, 4, 0);
	wr(0x08, 4, 1);
	wr(0x0c, 4, 1);
	wr(0x14, 1, 0x0b);				/* FEATURES_OK */
	assert_int_equal(rd(0x14, 1), 0x0b);
	assert_int_equal(rd(0x12, 2), 2);		/* num_queues */
	/* MSI-X: entries 0..2 to APIC 0, vectors 0x40..0x42; enable. */
	for (int i = 0; i < 3; i++) {
		wr(VPCI_MSIX_TABLE + 16 * i, 4, 0xfee00000);
		wr(VPCI_MSIX_TABLE + 16 * i + 8, 4, 0x40 + i);
		wr(VPCI_MSIX_TABLE + 16 * i + 12, 4, 0);
	}
	cfg_wr(con.vp.msix.cap + 2, 2, MSIX_CTRL_ENABLE);
	wr(0x10, 2, 0);
	assert_int_equal(rd(0x10, 2), 0);
	setup_queue(VCON_RX, 1);
	setup_queue(VCON_TX, 2);
	wr(0x14, 1, 0x0f);				/* DRIVER_OK */
	assert_true(virtio_pci_live(&con.vp));
}

static void put16(uint64_t gpa, uint16_t v)
{
	ram[gpa] = (uint8_t)v;
	ram[gpa + 1] = (uint8_t)(v >> 8);
}

static void put32(uint64_t gpa, uint32_t v)
{
	put16(gpa, (uint16_t)v);
	put16(gpa + 2, (uint16_t)(v >> 16));
}

/* One readable descriptor for @text, made available on the tx queue. */
static void send_text(uint16_t slot, const char *text, uint64_t at)
{
	uint64_t d = RING(VCON_TX) + 16 * slot, a = RING(VCON_TX) + 0x1000;
	uint16_t idx = (uint16_t)(ram[a + 2] | ram[a + 3] << 8);

	memcpy(ram + at, text, strlen(text));
	put32(d, (uint32_t)at);
	put32(d + 4, (uint32_t)(at >> 32));
	put32(d + 8, (uint32_t)strlen(text));
	put16(d + 12, 0);
	put16(a + 4 + 2 * (idx % 16), slot);
	put16(a + 2, idx + 1);
}

static void test_console_line(void **state)
{
	setup();
	driver_up();
	send_text(0, "hello from hvc0\nand a ", 0x30000);
	wr(VPCI_NOTIFY + VPCI_NOTIFY_MULT * VCON_TX, 2, VCON_TX);
	send_text(1, "second line\n", 0x30100);
	wr(VPCI_NOTIFY + VPCI_NOTIFY_MULT * VCON_TX, 2, VCON_TX);
	assert_int_equal(n_lines, 2);
	assert_string_equal(lines[0], "hello from hvc0");
	assert_string_equal(lines[1], "and a second line");
	assert_int_equal(con.tx_bytes, 22 + 12);
	/* Both buffers back in the used ring, and tx's vector sent twice. */
	assert_int_equal(ram[RING(VCON_TX) + 0x2000 + 2], 2);
	assert_int_equal(n_sent, 2);
	assert_int_equal(sent[0].vector, 0x42);
	/* An rx kick holds its buffers: nothing used, no interrupt. */
	wr(VPCI_NOTIFY + VPCI_NOTIFY_MULT * VCON_RX, 2, VCON_RX);
	assert_int_equal(n_sent, 2);
	/* The ISR byte is unused with MSI-X. */
	assert_int_equal(rd(VPCI_ISR, 1), 0);
}

static void test_features_refused(void **state)
{
	setup();
	wr(0x14, 1, VIRTIO_S_ACKNOWLEDGE | VIRTIO_S_DRIVER);
	/* Without VERSION_1: no FEATURES_OK. */
	wr(0x08, 4, 1);
	wr(0x0c, 4, 0);
	wr(0x14, 1, 0x0b);
	assert_int_equal(rd(0x14, 1), 0x03);
	/* A bit never offered: no FEATURES_OK either. */
	wr(0x08, 4, 0);
	wr(0x0c, 4, 1);				/* F_SIZE */
	wr(0x08, 4, 1);
	wr(0x0c, 4, 1);
	wr(0x14, 1, 0x0b);
	assert_int_equal(rd(0x14, 1), 0x03);
	/* A vector past the table reads back as NO_VECTOR. */
	wr(0x10, 2, 3);
	assert_int_equal(rd(0x10, 2), VIRTIO_NO_VECTOR);
	/* A queue past num_queues has size 0. */
	wr(0x16, 2, 2);
	assert_int_equal(rd(0x18, 2), 0);
	/* Fields read and write only at their size. */
	assert_int_equal(rd(0x12, 4), 0);
	assert_int_equal(rd(0x12, 2), 2);
}

static void test_bad_queue_needs_reset(void **state)
{
	setup();
	driver_up();
	/* A chain pointing outside RAM: NEEDS_RESET, config vector 0x40. */
	send_text(0, "x\n", 0x30000);
	put32(RING(VCON_TX), RAM - 1);
	wr(VPCI_NOTIFY + VPCI_NOTIFY_MULT * VCON_TX, 2, VCON_TX);
	assert_true(rd(0x14, 1) & VIRTIO_S_NEEDS_RESET);
	assert_false(virtio_pci_live(&con.vp));
	assert_int_equal(n_sent, 1);
	assert_int_equal(sent[0].vector, 0x40);
	assert_int_equal(n_lines, 0);
	assert_int_equal(con.vp.failures, 1);
	/* Kicks do nothing until a reset; the reset brings it back. */
	wr(VPCI_NOTIFY + VPCI_NOTIFY_MULT * VCON_TX, 2, VCON_TX);
	assert_int_equal(con.vp.failures, 1);
	wr(0x14, 1, 0);
	assert_int_equal(rd(0x14, 1), 0);
	memset(ram, 0, sizeof(ram));
	driver_up();
	send_text(0, "again\n", 0x30000);
	wr(VPCI_NOTIFY + VPCI_NOTIFY_MULT * VCON_TX, 2, VCON_TX);
	assert_string_equal(lines[0], "again");

	/* Enabling a queue whose rings lie outside RAM also fails it. */
	setup();
	wr(0x14, 1, 0x0b);
	wr(0x16, 2, 0);
	wr(0x20, 8, RAM);
	wr(0x1c, 2, 1);
	assert_int_equal(rd(0x1c, 2), 0);
	assert_true(rd(0x14, 1) & VIRTIO_S_NEEDS_RESET);
}

static void test_pci_cfg_window(void **state)
{
	uint32_t off, len, c;

	setup();
	c = find_cap(5, &off, &len);
	/* Read num_queues (common + 0x12, 2 bytes) through config space. */
	cfg_wr(c + 8, 4, VPCI_COMMON + 0x12);
	cfg_wr(c + 12, 4, 2);
	assert_int_equal(cfg_rd(c + 16, 2), 2);
	/* Write device_status through it. */
	cfg_wr(c + 8, 4, VPCI_COMMON + 0x14);
	cfg_wr(c + 12, 4, 1);
	cfg_wr(c + 16, 1, VIRTIO_S_ACKNOWLEDGE);
	assert_int_equal(rd(0x14, 1), VIRTIO_S_ACKNOWLEDGE);
	/* A bad length or a misaligned offset does nothing. */
	cfg_wr(c + 12, 4, 3);
	cfg_wr(c + 16, 1, 0);
	assert_int_equal(rd(0x14, 1), VIRTIO_S_ACKNOWLEDGE);
}

static void test_intx_isr(void **state)
{
	setup();
	driver_up();
	cfg_wr(con.vp.msix.cap + 2, 2, 0);		/* MSI-X off */
	send_text(0, "y\n", 0x30000);
	wr(VPCI_NOTIFY + VPCI_NOTIFY_MULT * VCON_TX, 2, VCON_TX);
	assert_int_equal(n_sent, 0);
	assert_int_equal(rd(VPCI_ISR, 1), 1);		/* queue interrupt */
	assert_int_equal(rd(VPCI_ISR, 1), 0);		/* read clears */
	/* The driver asked for no interrupt: none. */
	put16(RING(VCON_TX) + 0x1000, VIRTQ_AVAIL_F_NO_INTERRUPT);
	send_text(1, "z\n", 0x30100);
	wr(VPCI_NOTIFY + VPCI_NOTIFY_MULT * VCON_TX, 2, VCON_TX);
	assert_int_equal(rd(VPCI_ISR, 1), 0);
	assert_int_equal(n_lines, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_console_line),
		cmocka_unit_test(test_features_refused),
		cmocka_unit_test(test_bad_queue_needs_reset),
		cmocka_unit_test(test_pci_cfg_window),
		cmocka_unit_test(test_intx_isr),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
