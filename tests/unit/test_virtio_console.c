// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the virtio console's second port (dev/virtio_console.c,
 * VIRTIO_CONSOLE_F_MULTIPORT), driven over virtio-pci as Linux's
 * virtio_console does (vdrv.h): DEVICE_READY brings DEVICE_ADD for both
 * ports, PORT_READY brings CONSOLE_PORT for port 0 and PORT_NAME and
 * PORT_OPEN for port 1; then bytes flow both ways on port 1, replies
 * wait for receive buffers, and a reset forgets the port's state.
 */
#include "dev/virtio_console.h"
#include "vdrv.h"

static struct virtio_console con;
static struct virtio_pci vp;
static uint8_t got[256];
static size_t n_got;
static int opens, closes;

static void f_emit(void *ctx, const char *line, unsigned int len)
{
}

static void f_input(void *ctx, const uint8_t *buf, size_t len)
{
	assert_ptr_equal(ctx, &con);
	assert_true(n_got + len <= sizeof(got));
	memcpy(got + n_got, buf, len);
	n_got += len;
}

static void f_opened(void *ctx, bool open)
{
	if (open)
		opens++;
	else
		closes++;
}

static const struct vcon_port_ops ctl_port = {
	.name = "hvisor.ctl", .input = f_input, .opened = f_opened, .ctx = &con,
};

/* Buffers at 0x30000 + 0x100 * slot. */
#define BUF(slot)	(0x30000u + 0x100u * (slot))

static void setup(void)
{
	memset(ram, 0, sizeof(ram));
	n_got = 0;
	opens = closes = 0;
	assert_int_equal(virtio_console_init(&con, &mem, f_emit, NULL, &ctl_port),
			 0);
	vdrv_plug(&vp, &con.vd);
}

/* A control message from the driver, in slot @slot. */
static void ctrl_send(uint16_t slot, uint32_t id, uint16_t event, uint16_t value)
{
	put32(BUF(slot), id);
	put16(BUF(slot) + 4, event);
	put16(BUF(slot) + 6, value);
	vdrv_desc(VCON_CTRL_TX, slot, BUF(slot), 8, 0, 0);
	vdrv_kick(VCON_CTRL_TX, slot);
}

/* Control receive buffers in slots 16.. of RAM, descriptors 0..n-1. */
static void ctrl_buffers(uint16_t n)
{
	for (uint16_t i = 0; i < n; i++) {
		vdrv_desc(VCON_CTRL_RX, i, BUF(16 + i), 64, VIRTQ_DESC_F_WRITE, 0);
		vdrv_kick(VCON_CTRL_RX, i);
	}
}

/* Used control message @i: its event, id, value and name bytes. */
static void expect_ctrl(uint16_t i, uint32_t id, uint16_t event,
			uint16_t value, const char *name)
{
	uint32_t at = BUF(16 + i);
	uint32_t len = vdrv_used_len(VCON_CTRL_RX, i);

	assert_int_equal(get32(at), id);
	assert_int_equal(ram[at + 4] | ram[at + 5] << 8, event);
	assert_int_equal(ram[at + 6] | ram[at + 7] << 8, value);
	assert_int_equal(len, 8 + (name ? strlen(name) : 0));
	if (name)
		assert_memory_equal(ram + at + 8, name, strlen(name));
}

static void bring_up(void)
{
	setup();
	assert_int_equal(con.vd.ops->n_queues, 6);
	assert_int_equal(rd(VPCI_DEVICE + 4, 4), 2);	/* max_nr_ports */
	wr(0x00, 4, 0);
	assert_true(rd(0x04, 4) & VCON_F_MULTIPORT);
	vdrv_up(VCON_F_MULTIPORT);
	ctrl_buffers(8);
	ctrl_send(0, 0, VCON_DEVICE_READY, 1);
	assert_int_equal(vdrv_used(VCON_CTRL_RX), 2);
	expect_ctrl(0, 0, VCON_DEVICE_ADD, 0, NULL);
	expect_ctrl(1, 1, VCON_DEVICE_ADD, 0, NULL);
	ctrl_send(1, 0, VCON_PORT_READY, 1);
	ctrl_send(2, 1, VCON_PORT_READY, 1);
	assert_int_equal(vdrv_used(VCON_CTRL_RX), 6);
	expect_ctrl(2, 0, VCON_CONSOLE_PORT, 1, NULL);
	expect_ctrl(3, 0, VCON_PORT_OPEN, 1, NULL);
	expect_ctrl(4, 1, VCON_PORT_NAME, 0, "hvisor.ctl");
	expect_ctrl(5, 1, VCON_PORT_OPEN, 1, NULL);
	assert_int_equal(vdrv_used(VCON_CTRL_TX), 3);
}

static void test_ports_announced(void **state)
{
	bring_up();
	/* The guest opens the port, then closes it. */
	ctrl_send(3, 1, VCON_PORT_OPEN, 1);
	assert_int_equal(opens, 1);
	assert_true(con.guest_open);
	ctrl_send(4, 1, VCON_PORT_OPEN, 0);
	assert_int_equal(closes, 1);
	/* Unknown ports and events change nothing. */
	ctrl_send(5, 7, VCON_PORT_READY, 1);
	ctrl_send(6, 1, 99, 1);
	assert_int_equal(vdrv_used(VCON_CTRL_RX), 6);
}

static void test_control_waits_for_buffers(void **state)
{
	setup();
	vdrv_up(VCON_F_MULTIPORT);
	/* No control receive buffers yet: the two DEVICE_ADDs wait. */
	ctrl_send(0, 0, VCON_DEVICE_READY, 1);
	assert_int_equal(con.ctrl_n, 2);
	ctrl_buffers(1);
	assert_int_equal(vdrv_used(VCON_CTRL_RX), 1);
	expect_ctrl(0, 0, VCON_DEVICE_ADD, 0, NULL);
	vdrv_desc(VCON_CTRL_RX, 1, BUF(17), 64, VIRTQ_DESC_F_WRITE, 0);
	vdrv_kick(VCON_CTRL_RX, 1);
	expect_ctrl(1, 1, VCON_DEVICE_ADD, 0, NULL);
	assert_int_equal(con.ctrl_n, 0);
}

static void test_port1_bytes(void **state)
{
	static const char req[] = "a request of some bytes";
	char big[600];

	bring_up();
	/* Guest to hvisor: two descriptors of one chain, in order. */
	memcpy(ram + BUF(40), req, 10);
	memcpy(ram + BUF(41), req + 10, sizeof(req) - 10);
	vdrv_desc(VCON_P1_TX, 0, BUF(40), 10, VIRTQ_DESC_F_NEXT, 1);
	vdrv_desc(VCON_P1_TX, 1, BUF(41), sizeof(req) - 10, 0, 0);
	vdrv_kick(VCON_P1_TX, 0);
	assert_int_equal(n_got, sizeof(req));
	assert_memory_equal(got, req, sizeof(req));
	assert_int_equal(vdrv_used(VCON_P1_TX), 1);

	/* hvisor to guest: waits for a buffer, then fills it; the rest the next. */
	memset(big, 'r', sizeof(big));
	assert_int_equal(virtio_console_port_send(&con, big, sizeof(big)),
			 sizeof(big));
	assert_int_equal(vdrv_used(VCON_P1_RX), 0);
	vdrv_desc(VCON_P1_RX, 0, BUF(50), 512, VIRTQ_DESC_F_WRITE, 0);
	vdrv_kick(VCON_P1_RX, 0);
	assert_int_equal(vdrv_used(VCON_P1_RX), 1);
	assert_int_equal(vdrv_used_len(VCON_P1_RX, 0), 512);
	vdrv_desc(VCON_P1_RX, 1, BUF(60), 512, VIRTQ_DESC_F_WRITE, 0);
	vdrv_kick(VCON_P1_RX, 1);
	assert_int_equal(vdrv_used_len(VCON_P1_RX, 1), sizeof(big) - 512);
	assert_int_equal(con.p1_out_len, 0);
	assert_int_equal(con.p1_out_bytes, sizeof(big));
	/* A buffer with nothing to send stays with the device. */
	vdrv_desc(VCON_P1_RX, 2, BUF(70), 512, VIRTQ_DESC_F_WRITE, 0);
	vdrv_kick(VCON_P1_RX, 2);
	assert_int_equal(vdrv_used(VCON_P1_RX), 2);
	assert_int_equal(virtio_console_port_send(&con, "x", 1), 1);
	assert_int_equal(vdrv_used(VCON_P1_RX), 3);
}

static void test_send_bounded_and_reset(void **state)
{
	static char huge[VCON_OUT_MAX + 100];

	bring_up();
	ctrl_send(3, 1, VCON_PORT_OPEN, 1);
	assert_int_equal(virtio_console_port_send(&con, huge, sizeof(huge)),
			 VCON_OUT_MAX);
	assert_int_equal(con.p1_out_dropped, 100);
	/* A device reset forgets what waited and that the port was open. */
	wr(0x14, 1, 0);
	assert_int_equal(con.p1_out_len, 0);
	assert_false(con.guest_open);
	assert_int_equal(closes, 1);
}

static void test_one_port_without_name(void **state)
{
	assert_int_equal(virtio_console_init(&con, &mem, f_emit, NULL, NULL), 0);
	assert_int_equal(con.vd.ops->n_queues, 2);
	assert_false(virtio_dev_offered(&con.vd) & VCON_F_MULTIPORT);
	assert_int_equal(virtio_console_port_send(&con, "x", 1), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ports_announced),
		cmocka_unit_test(test_control_waits_for_buffers),
		cmocka_unit_test(test_port1_bytes),
		cmocka_unit_test(test_send_bounded_and_reset),
		cmocka_unit_test(test_one_port_without_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
