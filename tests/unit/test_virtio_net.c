// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the virtio network device (dev/virtio_net.c) on the
 * virtio-pci transport, driven as Linux's virtio_net does (vdrv.h):
 * configuration, sending and receiving frames with their 12-byte
 * header, in one descriptor or several, and the frames and chains that
 * must be dropped or break the queue.
 */
#include <errno.h>
#include "dev/virtio_net.h"
#include "vdrv.h"

#define HDR	0x30000
#define DATA	0x31000
#define RXBUF	0x40000

static struct virtio_net net;
static struct virtio_pci vp;
static int kicks;
static uint8_t out[VNET_FRAME_MAX];
static const uint8_t mac[6] = { 0x02, 0x68, 0x76, 0x01, 0x02, 0x03 };

static void kick(void *ctx, struct virtio_net *n)
{
	assert_ptr_equal(n, &net);
	kicks++;
}

static void setup(void)
{
	memset(ram, 0, sizeof(ram));
	assert_int_equal(virtio_net_init(&net, &mem, mac, kick, NULL), 0);
	vdrv_plug(&vp, &net.vd);
	vdrv_up(VIRTIO_NET_F_MAC | VIRTIO_NET_F_STATUS);
	kicks = 0;
}

/* A frame of @len bytes at DATA (byte i is i * 3), header at HDR. */
static void fill(uint32_t len)
{
	memset(ram + HDR, 0, VNET_HDR_LEN);
	for (uint32_t i = 0; i < len; i++)
		ram[DATA + i] = (uint8_t)(i * 3);
}

static void test_config(void **state)
{
	setup();
	assert_int_equal(cfg_rd(0, 4), 0x1041 << 16 | 0x1af4);
	assert_int_equal(cfg_rd(0x08, 4) >> 8, 0x020000);
	wr(0x00, 4, 0);
	assert_int_equal(rd(0x04, 4), (1 << 5) | (1 << 16) | (1 << 28));
	for (int i = 0; i < 6; i++)
		assert_int_equal(rd(VPCI_DEVICE + i, 1), mac[i]);
	assert_int_equal(rd(VPCI_DEVICE + 6, 2), VIRTIO_NET_S_LINK_UP);
}

static void test_send(void **state)
{
	setup();
	/* Header and frame in one descriptor, as Linux sends small frames. */
	fill(60);
	memmove(ram + HDR + VNET_HDR_LEN, ram + DATA, 60);
	vdrv_desc(VNET_TX, 0, HDR, VNET_HDR_LEN + 60, 0, 0);
	vdrv_kick(VNET_TX, 0);
	assert_int_equal(kicks, 1);
	/* Nothing moved until the caller takes it. */
	assert_int_equal(vdrv_used(VNET_TX), 0);
	assert_int_equal(virtio_net_tx(&net, out), 60);
	assert_memory_equal(out, ram + HDR + VNET_HDR_LEN, 60);
	/* Header and data apart. */
	fill(1514);
	vdrv_desc(VNET_TX, 1, HDR, VNET_HDR_LEN, VIRTQ_DESC_F_NEXT, 2);
	vdrv_desc(VNET_TX, 2, DATA, 1514, 0, 0);
	vdrv_kick(VNET_TX, 1);
	assert_int_equal(virtio_net_tx(&net, out), 1514);
	assert_memory_equal(out, ram + DATA, 1514);
	assert_int_equal(n_sent, 0);
	/* Then none: both given back, one interrupt on queue 1's vector. */
	assert_int_equal(virtio_net_tx(&net, out), 0);
	assert_int_equal(vdrv_used(VNET_TX), 2);
	assert_int_equal(n_sent, 1);
	assert_int_equal(sent[0].vector, 0x42);
	assert_int_equal(net.tx_frames, 2);
	assert_int_equal(net.tx_bytes, 1574);
	assert_int_equal(virtio_net_tx(&net, out), 0);
	assert_int_equal(n_sent, 1);
}

static void test_send_dropped(void **state)
{
	setup();
	fill(VNET_FRAME_MAX + 1);
	/* A header alone; a frame over 1518 bytes. */
	vdrv_desc(VNET_TX, 0, HDR, VNET_HDR_LEN, 0, 0);
	vdrv_kick(VNET_TX, 0);
	vdrv_desc(VNET_TX, 1, HDR, VNET_HDR_LEN, VIRTQ_DESC_F_NEXT, 2);
	vdrv_desc(VNET_TX, 2, DATA, VNET_FRAME_MAX + 1, 0, 0);
	vdrv_kick(VNET_TX, 1);
	assert_int_equal(virtio_net_tx(&net, out), -EAGAIN);
	assert_int_equal(virtio_net_tx(&net, out), -EAGAIN);
	assert_int_equal(virtio_net_tx(&net, out), 0);
	assert_int_equal(net.tx_dropped, 2);
	assert_int_equal(net.tx_frames, 0);
	assert_int_equal(vdrv_used(VNET_TX), 2);
	assert_false(net.vd.status & VIRTIO_S_NEEDS_RESET);
}

static int breaks;

static void broken(void *owner, struct virtio_dev *vd)
{
	assert_ptr_equal(owner, &net);
	assert_ptr_equal(vd, &net.vd);
	breaks++;
}

static void test_send_bad_chain(void **state)
{
	setup();
	breaks = 0;
	net.vd.broken = broken;
	net.vd.owner = &net;
	/* Outside guest RAM: the queue breaks, the device needs a reset. */
	vdrv_desc(VNET_TX, 0, VDRV_RAM - 8, 64, 0, 0);
	vdrv_kick(VNET_TX, 0);
	assert_int_equal(virtio_net_tx(&net, out), -EINVAL);
	assert_true(net.vd.status & VIRTIO_S_NEEDS_RESET);
	assert_int_equal(virtio_net_tx(&net, out), 0);
	assert_int_equal(virtio_net_rx(&net, out, 60), -ENODEV);
	/* The owner heard once, and a configuration interrupt went out. */
	assert_int_equal(breaks, 1);
	assert_int_equal(net.vd.breaks, 1);
	assert_int_equal(sent[n_sent - 1].vector, 0x40);
	/* Another broken rule before the reset: counted, not told again. */
	virtio_fail(&net.vd);
	assert_int_equal(breaks, 1);
	assert_int_equal(net.vd.failures, 2);
}

static void test_receive(void **state)
{
	uint8_t frame[100];

	setup();
	for (int i = 0; i < 100; i++)
		frame[i] = (uint8_t)(0xa0 + i);
	/* No buffer yet: dropped. */
	assert_int_equal(virtio_net_rx(&net, frame, 100), -ENOSPC);
	assert_int_equal(net.rx_dropped, 1);
	memset(ram + RXBUF, 0xee, 2048);
	vdrv_desc(VNET_RX, 0, RXBUF, 1526, VIRTQ_DESC_F_WRITE, 0);
	vdrv_kick(VNET_RX, 0);
	assert_int_equal(virtio_net_rx(&net, frame, 100), 0);
	assert_int_equal(vdrv_used(VNET_RX), 1);
	assert_int_equal(vdrv_used_len(VNET_RX, 0), VNET_HDR_LEN + 100);
	/* A zero header but num_buffers = 1, then the frame. */
	for (int i = 0; i < 10; i++)
		assert_int_equal(ram[RXBUF + i], 0);
	assert_int_equal(ram[RXBUF + 10], 1);
	assert_int_equal(ram[RXBUF + 11], 0);
	assert_memory_equal(ram + RXBUF + VNET_HDR_LEN, frame, 100);
	assert_int_equal(ram[RXBUF + VNET_HDR_LEN + 100], 0xee);
	assert_int_equal(n_sent, 1);
	assert_int_equal(sent[0].vector, 0x41);
	assert_int_equal(net.rx_frames, 1);
	assert_int_equal(net.rx_bytes, 100);
}

static void test_receive_short_buffer(void **state)
{
	uint8_t frame[200] = { 0 };

	setup();
	/* 100 bytes of room for a 200-byte frame: given back empty. */
	vdrv_desc(VNET_RX, 0, RXBUF, 100, VIRTQ_DESC_F_WRITE, 0);
	vdrv_kick(VNET_RX, 0);
	assert_int_equal(virtio_net_rx(&net, frame, 200), -ENOSPC);
	assert_int_equal(vdrv_used(VNET_RX), 1);
	assert_int_equal(vdrv_used_len(VNET_RX, 0), 0);
	assert_int_equal(net.rx_short, 1);
	assert_int_equal(net.rx_frames, 0);
	/* A device-readable receive buffer breaks the queue. */
	vdrv_desc(VNET_RX, 1, RXBUF, 1526, 0, 0);
	vdrv_kick(VNET_RX, 1);
	assert_int_equal(virtio_net_rx(&net, frame, 200), -ENODEV);
	assert_true(net.vd.status & VIRTIO_S_NEEDS_RESET);
}

static void test_not_running(void **state)
{
	uint8_t frame[60] = { 0 };

	memset(ram, 0, sizeof(ram));
	assert_int_equal(virtio_net_init(&net, &mem, mac, kick, NULL), 0);
	vdrv_plug(&vp, &net.vd);
	assert_int_equal(virtio_net_rx(&net, frame, 60), -ENODEV);
	assert_int_equal(virtio_net_tx(&net, out), 0);
	assert_int_equal(net.rx_dropped, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_send),
		cmocka_unit_test(test_send_dropped),
		cmocka_unit_test(test_send_bad_chain),
		cmocka_unit_test(test_receive),
		cmocka_unit_test(test_receive_short_buffer),
		cmocka_unit_test(test_not_running),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
