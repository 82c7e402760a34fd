// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the virtio-mmio transport, version 2 (dev/virtio_mmio.c),
 * driven the way Asterinas's and Linux's virtio-mmio drivers do: check
 * the magic, version and device ID, negotiate, set up the queues through
 * the register window, kick, take the interrupt line and acknowledge it.
 * The rings and descriptors come from vdrv.h's fake RAM.
 */
#include <errno.h>
#include "dev/virtio_blk.h"
#include "dev/virtio_console.h"
#include "dev/virtio_mmio.h"
#include "vdrv.h"

static struct virtio_console con;
static struct virtio_blk blk;
static struct virtio_mmio m;
static uint8_t disk[8192];
static char line0[LINEBUF_MAX + 1];
static int n_lines;
static int level = -1;
static unsigned int level_gsi;

static void f_emit(void *ctx, const char *line, unsigned int len)
{
	memcpy(line0, line, len);
	line0[len] = 0;
	n_lines++;
}

static void f_irq(void *ctx, unsigned int gsi, bool lv)
{
	level_gsi = gsi;
	level = lv;
}

static uint32_t mr(uint64_t off)
{
	uint64_t v = ~0ull;

	assert_int_equal(virtio_mmio_ops.read(&m, off, 4, &v), 0);
	return (uint32_t)v;
}

static void mw(uint64_t off, uint32_t v)
{
	assert_int_equal(virtio_mmio_ops.write(&m, off, 4, v), 0);
}

/* The probe, up to DRIVER_OK, accepting VERSION_1 and @features. */
static void driver_up(uint32_t device_id, uint64_t features)
{
	assert_int_equal(mr(0x000), 0x74726976);	/* "virt" */
	assert_int_equal(mr(0x004), 2);
	assert_int_equal(mr(0x008), device_id);
	mw(0x070, 0);
	assert_int_equal(mr(0x070), 0);
	mw(0x070, VIRTIO_S_ACKNOWLEDGE | VIRTIO_S_DRIVER);
	mw(0x014, 1);
	assert_int_equal(mr(0x010), 1);			/* VERSION_1 */
	features |= VIRTIO_F_VERSION_1;
	for (uint32_t half = 0; half < 2; half++) {
		mw(0x024, half);
		mw(0x020, (uint32_t)(features >> (32 * half)));
	}
	mw(0x070, 0x0b);
	assert_int_equal(mr(0x070), 0x0b);
	for (uint32_t q = 0; q < m.vd->ops->n_queues; q++) {
		mw(0x030, q);
		assert_int_equal(mr(0x044), 0);
		assert_int_equal(mr(0x034), m.vd->ops->queue_max);
		mw(0x038, VDRV_QSZ);
		mw(0x080, RING(q));
		mw(0x084, 0);
		mw(0x090, AVAIL(q));
		mw(0x094, 0);
		mw(0x0a0, USED(q));
		mw(0x0a4, 0);
		mw(0x044, 1);
		assert_int_equal(mr(0x044), 1);
	}
	mw(0x070, 0x0f);
	assert_true(virtio_dev_live(m.vd));
}

static void kick(unsigned int q, uint16_t head)
{
	uint16_t idx = (uint16_t)(ram[AVAIL(q) + 2] | ram[AVAIL(q) + 3] << 8);

	put16(AVAIL(q) + 4 + 2 * (idx % VDRV_QSZ), head);
	put16(AVAIL(q) + 2, idx + 1);
	mw(0x050, q);
}

static void setup_console(void)
{
	memset(ram, 0, sizeof(ram));
	n_lines = 0;
	level = -1;
	assert_int_equal(virtio_console_init(&con, &mem, f_emit, NULL, NULL), 0);
	virtio_mmio_init(&m, &con.vd, f_irq, 16, NULL);
}

static void test_console(void **state)
{
	uint64_t v;

	setup_console();
	assert_int_equal(level, 0);			/* reset: line low */
	driver_up(VIRTIO_ID_CONSOLE, 0);
	memcpy(ram + 0x30000, "over mmio\n", 10);
	vdrv_desc(VCON_TX, 0, 0x30000, 10, 0, 0);
	kick(VCON_TX, 0);
	assert_string_equal(line0, "over mmio");
	assert_int_equal(vdrv_used(VCON_TX), 1);
	/* The line goes high with InterruptStatus bit 0, low on ACK. */
	assert_int_equal(level, 1);
	assert_int_equal(level_gsi, 16);
	assert_int_equal(mr(0x060), 1);
	mw(0x064, 1);
	assert_int_equal(level, 0);
	assert_int_equal(mr(0x060), 0);
	/* Registers are 32-bit only; config space at 0x100 (12 bytes). */
	assert_int_equal(virtio_mmio_ops.read(&m, 0x070, 1, &v), -EINVAL);
	assert_int_equal(virtio_mmio_ops.read(&m, 0x002, 4, &v), -EINVAL);
	assert_int_equal(virtio_mmio_ops.read(&m, 0x100, 2, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(virtio_mmio_ops.read(&m, 0x10c, 4, &v), -EINVAL);
	/* No shared memory regions; the vendor is hvisor's. */
	assert_int_equal(mr(0x0b0), 0xffffffff);
	assert_int_equal(mr(0x00c), VIRTIO_MMIO_VENDOR);
	/* Past num_queues: QueueNumMax 0, as a scanner expects. */
	mw(0x030, 5);
	assert_int_equal(mr(0x034), 0);
}

static void test_rules(void **state)
{
	setup_console();
	mw(0x070, VIRTIO_S_ACKNOWLEDGE | VIRTIO_S_DRIVER);
	/* Without VERSION_1, no FEATURES_OK. */
	mw(0x024, 1);
	mw(0x020, 0);
	mw(0x070, 0x0b);
	assert_int_equal(mr(0x070), 0x03);
	mw(0x070, 0);
	driver_up(VIRTIO_ID_CONSOLE, 0);
	/* A ready queue's size and rings stay as they are. */
	mw(0x030, VCON_TX);
	mw(0x038, 4);
	mw(0x080, 0x1234);
	assert_int_equal(m.vd->vq[VCON_TX].size, VDRV_QSZ);
	assert_true(m.vd->vq[VCON_TX].desc == RING(VCON_TX));
	/* A chain outside RAM: NEEDS_RESET and a configuration interrupt. */
	vdrv_desc(VCON_TX, 0, VDRV_RAM - 1, 4, 0, 0);
	kick(VCON_TX, 0);
	assert_true(mr(0x070) & VIRTIO_S_NEEDS_RESET);
	assert_int_equal(mr(0x060), 2);
	assert_int_equal(level, 1);
	/* Reset: status 0, line low, queues off. */
	mw(0x070, 0);
	assert_int_equal(level, 0);
	mw(0x030, VCON_TX);
	assert_int_equal(mr(0x044), 0);
}

static void test_blk(void **state)
{
	memset(ram, 0, sizeof(ram));
	memset(disk, 0, sizeof(disk));
	assert_int_equal(virtio_blk_init(&blk, &mem, disk, sizeof(disk)), 0);
	virtio_mmio_init(&m, &blk.vd, f_irq, 17, NULL);
	driver_up(VIRTIO_ID_BLOCK, VIRTIO_BLK_F_FLUSH);
	/* Config: capacity 16 sectors at 0x100. */
	assert_int_equal(mr(0x100), 16);
	/* Write sector 2 from RAM, through a 3-descriptor chain. */
	put32(0x30000, VIRTIO_BLK_T_OUT);
	put32(0x30008, 2);
	memset(ram + 0x31000, 0x5a, 512);
	ram[0x32000] = 0xff;
	vdrv_desc(0, 0, 0x30000, 16, VIRTQ_DESC_F_NEXT, 1);
	vdrv_desc(0, 1, 0x31000, 512, VIRTQ_DESC_F_NEXT, 2);
	vdrv_desc(0, 2, 0x32000, 1, VIRTQ_DESC_F_WRITE, 0);
	kick(0, 0);
	assert_int_equal(ram[0x32000], VIRTIO_BLK_S_OK);
	assert_int_equal(disk[2 * 512], 0x5a);
	assert_int_equal(disk[3 * 512], 0);
	assert_int_equal(level, 1);
	assert_int_equal(level_gsi, 17);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_console),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_blk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
