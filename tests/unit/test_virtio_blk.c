// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the virtio block device (dev/virtio_blk.c) on the
 * virtio-pci transport, driven as Linux's virtio_blk does (vdrv.h):
 * configuration, write, read back, flush, get-ID, and every malformed
 * request a driver can send.
 */
#include <errno.h>
#include "dev/virtio_blk.h"
#include "vdrv.h"

#define DISK	(64 * 1024)
#define HDR	0x30000		/* request header */
#define DATA	0x31000
#define STATUS	0x33000

static uint8_t disk[DISK];
static struct virtio_blk blk;
static struct virtio_pci vp;
static uint16_t slot;		/* next free descriptor triple */

static void setup(void)
{
	memset(ram, 0, sizeof(ram));
	memset(disk, 0, sizeof(disk));
	assert_int_equal(virtio_blk_init(&blk, &mem, disk, DISK), 0);
	vdrv_plug(&vp, &blk.vd);
	vdrv_up(VIRTIO_BLK_F_SIZE_MAX | VIRTIO_BLK_F_SEG_MAX |
		VIRTIO_BLK_F_BLK_SIZE | VIRTIO_BLK_F_FLUSH);
	slot = 0;
}

/*
 * header, data (@len bytes at DATA, device-writable for reads), status.
 * Returns the status byte the device wrote (0xff: none).
 */
static uint8_t req(uint32_t type, uint64_t sector, uint32_t len, bool in)
{
	uint16_t d = slot;

	slot = (uint16_t)((slot + 3) % VDRV_QSZ);
	put32(HDR, type);
	put32(HDR + 4, 0);
	put32(HDR + 8, (uint32_t)sector);
	put32(HDR + 12, (uint32_t)(sector >> 32));
	ram[STATUS] = 0xff;
	vdrv_desc(0, d, HDR, 16, VIRTQ_DESC_F_NEXT, len ? d + 1 : d + 2);
	if (len)
		vdrv_desc(0, d + 1, DATA, len,
			  VIRTQ_DESC_F_NEXT | (in ? VIRTQ_DESC_F_WRITE : 0),
			  d + 2);
	vdrv_desc(0, d + 2, STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
	vdrv_kick(0, d);
	return ram[STATUS];
}

static void test_config(void **state)
{
	uint32_t off, len;

	setup();
	assert_int_equal(cfg_rd(0, 4), 0x1042 << 16 | 0x1af4);
	assert_int_equal(cfg_rd(0x08, 4) >> 8, 0x018000);
	assert_int_not_equal(find_cap(4, &off, &len), 0);
	/* The offer: SIZE_MAX, SEG_MAX, BLK_SIZE, FLUSH. */
	wr(0x00, 4, 0);
	assert_int_equal(rd(0x04, 4), (1 << 1) | (1 << 2) | (1 << 6) | (1 << 9) |
			 (1 << 28));
	/* capacity (sectors), size_max, seg_max, blk_size. */
	assert_int_equal(rd(VPCI_DEVICE, 4), DISK / 512);
	assert_int_equal(rd(VPCI_DEVICE + 4, 4), 0);
	assert_int_equal(rd(VPCI_DEVICE + 8, 4), VBLK_SIZE_MAX);
	assert_int_equal(rd(VPCI_DEVICE + 12, 4), VIRTQ_MAX_SEGS - 2);
	assert_int_equal(rd(VPCI_DEVICE + 20, 4), 512);
	assert_int_equal(rd(VPCI_DEVICE + 60, 4), 0);
	/* Bad images are refused. */
	assert_int_equal(virtio_blk_init(&blk, &mem, disk, 1000),
			 -EINVAL);
	assert_int_equal(virtio_blk_init(&blk, &mem, NULL, DISK),
			 -EINVAL);
}

static void test_write_read_flush(void **state)
{
	char id[21] = { 0 };

	setup();
	for (int i = 0; i < 1024; i++)
		ram[DATA + i] = (uint8_t)(i * 7);
	assert_int_equal(req(VIRTIO_BLK_T_OUT, 3, 1024, false), VIRTIO_BLK_S_OK);
	assert_memory_equal(disk + 3 * 512, ram + DATA, 1024);
	assert_int_equal(vdrv_used_len(0, 0), 1);	/* the status byte */
	memset(ram + DATA, 0, 1024);
	assert_int_equal(req(VIRTIO_BLK_T_IN, 3, 1024, true), VIRTIO_BLK_S_OK);
	assert_int_equal(ram[DATA + 1023], (uint8_t)(1023 * 7));
	assert_int_equal(vdrv_used_len(0, 1), 1025);
	assert_int_equal(req(VIRTIO_BLK_T_FLUSH, 0, 0, false), VIRTIO_BLK_S_OK);
	assert_int_equal(req(VIRTIO_BLK_T_GET_ID, 0, 20, true), VIRTIO_BLK_S_OK);
	memcpy(id, ram + DATA, 20);
	assert_string_equal(id, VBLK_ID);
	/* The last sector is in; every request sent its vector, 0x41. */
	assert_int_equal(req(VIRTIO_BLK_T_IN, DISK / 512 - 1, 512, true),
			 VIRTIO_BLK_S_OK);
	assert_int_equal(n_sent, 5);
	assert_int_equal(sent[4].vector, 0x41);
	assert_int_equal(blk.reads, 2);
	assert_int_equal(blk.writes, 1);
	assert_int_equal(blk.flushes, 1);
	assert_int_equal(blk.bytes_written, 1024);
	assert_int_equal(blk.errors, 0);
}

static void test_bad_requests(void **state)
{
	setup();
	/* Past the end, straddling it, a huge sector, part of a sector. */
	assert_int_equal(req(VIRTIO_BLK_T_IN, DISK / 512, 512, true),
			 VIRTIO_BLK_S_IOERR);
	assert_int_equal(req(VIRTIO_BLK_T_OUT, DISK / 512 - 1, 1024, false),
			 VIRTIO_BLK_S_IOERR);
	assert_int_equal(req(VIRTIO_BLK_T_OUT, UINT64_MAX / 256, 512, false),
			 VIRTIO_BLK_S_IOERR);
	assert_int_equal(req(VIRTIO_BLK_T_IN, 0, 100, true), VIRTIO_BLK_S_IOERR);
	assert_int_equal(req(77, 0, 0, false), VIRTIO_BLK_S_UNSUPP);
	assert_int_equal(blk.errors, 5);
	assert_false(blk.vd.status & VIRTIO_S_NEEDS_RESET);
	for (int i = 0; i < DISK; i++)
		assert_int_equal(disk[i], 0);

	/* No status byte: nothing to answer with, the device needs a reset. */
	vdrv_desc(0, 0, HDR, 16, 0, 0);
	vdrv_kick(0, 0);
	assert_true(blk.vd.status & VIRTIO_S_NEEDS_RESET);
}

/*
 * A request over SIZE_MAX x SEG_MAX (126 x 64 KiB) is refused even
 * inside the disk: 14 descriptors of 1 MiB each (all of RAM, which the
 * device only reads for a write).
 */
static void test_request_max(void **state)
{
	static uint8_t big[16 << 20];
	static struct virtio_blk bb;
	static struct virtio_pci bvp;

	memset(ram, 0, sizeof(ram));
	assert_int_equal(virtio_blk_init(&bb, &mem, big, sizeof(big)), 0);
	vdrv_plug(&bvp, &bb.vd);
	vdrv_up(VIRTIO_BLK_F_SEG_MAX);
	put32(HDR, VIRTIO_BLK_T_OUT);
	vdrv_desc(0, 0, HDR, 16, VIRTQ_DESC_F_NEXT, 1);
	for (uint16_t i = 1; i <= 14; i++)
		vdrv_desc(0, i, 0, VDRV_RAM, VIRTQ_DESC_F_NEXT, i + 1);
	vdrv_desc(0, 15, STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
	ram[STATUS] = 0xff;
	vdrv_kick(0, 0);
	assert_int_equal(ram[STATUS], VIRTIO_BLK_S_IOERR);
	assert_int_equal(bb.writes, 0);
	/* 7 of them (7 MiB) are within the bound. */
	vdrv_desc(0, 7, 0, VDRV_RAM, VIRTQ_DESC_F_NEXT, 15);
	ram[STATUS] = 0xff;
	vdrv_kick(0, 0);
	assert_int_equal(ram[STATUS], VIRTIO_BLK_S_OK);
	assert_int_equal(bb.writes, 1);
	assert_int_equal(bb.bytes_written, 7 << 20);
}

static void test_checksum(void **state)
{
	setup();
	/* FNV-1a 64 of 64 KiB of zeros, then with one byte changed. */
	uint64_t h = 0xcbf29ce484222325ull;

	for (int i = 0; i < DISK; i++)
		h *= 0x100000001b3ull;
	assert_true(virtio_blk_checksum(&blk) == h);
	disk[5] = 1;
	assert_true(virtio_blk_checksum(&blk) != h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_write_read_flush),
		cmocka_unit_test(test_bad_requests),
		cmocka_unit_test(test_request_max),
		cmocka_unit_test(test_checksum),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
