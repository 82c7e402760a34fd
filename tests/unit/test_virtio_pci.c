// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the virtio-pci modern transport (dev/virtio_pci.c) and
 * the console on it (dev/virtio_console.c), driven as Linux's
 * virtio_pci_modern and virtio_console drivers drive them (vdrv.h):
 * negotiate, set up both queues with MSI-X vectors, send a line, take
 * the interrupt. And what a broken or hostile driver gets: no
 * FEATURES_OK, NEEDS_RESET, nothing outside RAM.
 */
#include <errno.h>
#include "dev/virtio_console.h"
#include "vdrv.h"

static struct virtio_console con;
static struct virtio_pci vp;
static char lines[8][LINEBUF_MAX + 1];
static int n_lines;

static void f_emit(void *ctx, const char *line, unsigned int len)
{
	assert_true(n_lines < 8);
	memcpy(lines[n_lines], line, len);
	lines[n_lines++][len] = 0;
}

static void setup(void)
{
	memset(ram, 0, sizeof(ram));
	n_lines = 0;
	assert_int_equal(virtio_console_init(&con, &mem, f_emit, NULL, NULL), 0);
	vdrv_plug(&vp, &con.vd);
}

/* One readable descriptor for @text in slot @slot of the tx queue. */
static void send_text(uint16_t slot, const char *text, uint64_t at)
{
	memcpy(ram + at, text, strlen(text));
	vdrv_desc(VCON_TX, slot, at, (uint32_t)strlen(text), 0, 0);
	vdrv_kick(VCON_TX, slot);
}

static void test_console_line(void **state)
{
	uint32_t off, len;

	setup();
	assert_int_equal(cfg_rd(0, 4), 0x1043 << 16 | 0x1af4);
	assert_int_equal(cfg_rd(PCI_REVISION, 1), 1);
	assert_int_equal(cfg_rd(PCI_SUBSYS_ID, 2), 0x43);
	assert_int_not_equal(find_cap(4, &off, &len), 0);	/* device */
	assert_int_equal(len, 12);
	wr(0x00, 4, 0);
	assert_int_equal(rd(0x04, 4), 1 << 28);	/* INDIRECT_DESC alone */
	wr(0x00, 4, 1);
	assert_int_equal(rd(0x04, 4), 1);		/* VERSION_1 */
	vdrv_up(0);
	send_text(0, "hello from hvc0\nand a ", 0x30000);
	send_text(1, "second line\n", 0x30100);
	assert_int_equal(n_lines, 2);
	assert_string_equal(lines[0], "hello from hvc0");
	assert_string_equal(lines[1], "and a second line");
	assert_int_equal(con.tx_bytes, 22 + 12);
	/* Both buffers back in the used ring, and tx's vector sent twice. */
	assert_int_equal(vdrv_used(VCON_TX), 2);
	assert_int_equal(n_sent, 2);
	assert_int_equal(sent[0].vector, 0x42);
	/* An rx kick holds its buffers: nothing used, no interrupt. */
	vdrv_desc(VCON_RX, 0, 0x31000, 64, VIRTQ_DESC_F_WRITE, 0);
	vdrv_kick(VCON_RX, 0);
	assert_int_equal(vdrv_used(VCON_RX), 0);
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
	vdrv_up(0);
	/* A chain pointing outside RAM: NEEDS_RESET, config vector 0x40. */
	vdrv_desc(VCON_TX, 0, VDRV_RAM - 1, 2, 0, 0);
	vdrv_kick(VCON_TX, 0);
	assert_true(rd(0x14, 1) & VIRTIO_S_NEEDS_RESET);
	assert_false(virtio_dev_live(&con.vd));
	assert_int_equal(n_sent, 1);
	assert_int_equal(sent[0].vector, 0x40);
	assert_int_equal(n_lines, 0);
	assert_int_equal(con.vd.failures, 1);
	/* Kicks do nothing until a reset; the reset brings it back. */
	vdrv_kick(VCON_TX, 0);
	assert_int_equal(con.vd.failures, 1);
	wr(0x14, 1, 0);
	assert_int_equal(rd(0x14, 1), 0);
	memset(ram, 0, sizeof(ram));
	vdrv_up(0);
	send_text(0, "again\n", 0x30000);
	assert_string_equal(lines[0], "again");

	/* Enabling a queue whose rings lie outside RAM also fails it. */
	setup();
	wr(0x14, 1, 0x0b);
	wr(0x16, 2, 0);
	wr(0x20, 8, VDRV_RAM);
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
	/* A bad length does nothing. */
	cfg_wr(c + 12, 4, 3);
	cfg_wr(c + 16, 1, 0);
	assert_int_equal(rd(0x14, 1), VIRTIO_S_ACKNOWLEDGE);
}

static void test_intx_isr(void **state)
{
	setup();
	/* INTA, its GSI in the line register as firmware leaves it. */
	assert_int_equal(cfg_rd(PCI_INT_PIN, 1), 1);
	assert_int_equal(cfg_rd(PCI_INT_LINE, 1), 18);
	vdrv_up(0);
	assert_int_equal(intx_level, 0);		/* reset lowered it */
	cfg_wr(vp.msix.cap + 2, 2, 0);		/* MSI-X off */
	send_text(0, "y\n", 0x30000);
	assert_int_equal(n_sent, 0);
	assert_int_equal(intx_level, 1);		/* asserted... */
	assert_int_equal(intx_gsi, 18);
	assert_int_equal(rd(VPCI_ISR, 1), 1);		/* queue interrupt */
	assert_int_equal(intx_level, 0);		/* ...until the read */
	assert_int_equal(rd(VPCI_ISR, 1), 0);		/* read clears */
	/* The driver asked for no interrupt: none. */
	put16(AVAIL(VCON_TX), VIRTQ_AVAIL_F_NO_INTERRUPT);
	send_text(1, "z\n", 0x30100);
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
