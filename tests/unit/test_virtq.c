// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the split virtqueue (dev/virtq.c): a driver written
 * here fills the rings in a fake guest RAM as Linux's virtio_ring does,
 * and every rule a hostile driver could break must break the queue,
 * never reach outside RAM.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "dev/virtq.h"

#define RAM	(64 * 1024)
#define QSZ	8
#define DESC	0x1000
#define AVAIL	0x2000
#define USED	0x3000
#define DATA	0x8000

static uint8_t ram[RAM];
static const struct virtq_mem mem = { ram, RAM };
static struct virtq q;
static uint16_t avail_idx;

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

static uint32_t get32(uint64_t gpa)
{
	return ram[gpa] | ram[gpa + 1] << 8 | ram[gpa + 2] << 16 |
	       (uint32_t)ram[gpa + 3] << 24;
}

/* Descriptor @i of the table at @table. */
static void desc_in(uint64_t table, uint16_t i, uint64_t addr, uint32_t len,
		    uint16_t flags, uint16_t next)
{
	uint64_t d = table + 16 * i;

	put32(d, (uint32_t)addr);
	put32(d + 4, (uint32_t)(addr >> 32));
	put32(d + 8, len);
	put16(d + 12, flags);
	put16(d + 14, next);
}

static void desc(uint16_t i, uint64_t addr, uint32_t len, uint16_t flags,
		 uint16_t next)
{
	desc_in(DESC, i, addr, len, flags, next);
}

static void make_avail(uint16_t head)
{
	put16(AVAIL + 4 + 2 * (avail_idx % QSZ), head);
	avail_idx++;
	put16(AVAIL + 2, avail_idx);
}

static void setup(void)
{
	memset(ram, 0, sizeof(ram));
	avail_idx = 0;
	virtq_init(&q, &mem, QSZ);
	q.desc = DESC;
	q.avail = AVAIL;
	q.used = USED;
	assert_int_equal(virtq_enable(&q), 0);
}

static void test_enable_checks(void **state)
{
	setup();
	q.size = 6;				/* not a power of two */
	assert_int_equal(virtq_enable(&q), -EINVAL);
	assert_false(q.ready);
	q.size = 2048;
	assert_int_equal(virtq_enable(&q), -EINVAL);
	q.size = QSZ;
	q.desc = DESC + 8;			/* 16-byte alignment */
	assert_int_equal(virtq_enable(&q), -EINVAL);
	q.desc = DESC;
	q.used = USED + 2;
	assert_int_equal(virtq_enable(&q), -EINVAL);
	q.used = RAM - 16;			/* runs past RAM */
	assert_int_equal(virtq_enable(&q), -EINVAL);
	q.used = USED;
	q.avail = UINT64_MAX - 1;
	assert_int_equal(virtq_enable(&q), -EINVAL);
	q.avail = AVAIL;
	assert_int_equal(virtq_enable(&q), 0);
	/* Not enabled: nothing to pop, push does nothing. */
	virtq_reset(&q, QSZ);
	struct virtq_chain c;
	assert_int_equal(virtq_pop(&q, &c), 0);
}

static void test_pop_push(void **state)
{
	struct virtq_chain c;
	char buf[32];

	setup();
	memcpy(ram + DATA, "hello, ", 7);
	memcpy(ram + DATA + 0x100, "world", 5);
	/* Two readable segments, then a writable one. */
	desc(3, DATA, 7, VIRTQ_DESC_F_NEXT, 5);
	desc(5, DATA + 0x100, 5, VIRTQ_DESC_F_NEXT, 0);
	desc(0, DATA + 0x200, 16, VIRTQ_DESC_F_WRITE, 0);
	make_avail(3);
	assert_int_equal(virtq_pop(&q, &c), 1);
	assert_int_equal(c.head, 3);
	assert_int_equal(c.n_out, 2);
	assert_int_equal(c.n_in, 1);
	assert_int_equal(c.out_len, 12);
	assert_int_equal(c.in_len, 16);
	memset(buf, 0, sizeof(buf));
	assert_int_equal(virtq_read(&q, &c, 0, buf, sizeof(buf)), 12);
	assert_string_equal(buf, "hello, world");
	assert_int_equal(virtq_read(&q, &c, 5, buf, 4), 4);
	assert_memory_equal(buf, ", wo", 4);
	assert_int_equal(virtq_write(&q, &c, 2, "ok", 2), 2);
	assert_memory_equal(ram + DATA + 0x202, "ok", 2);
	assert_int_equal(virtq_write(&q, &c, 10, "0123456789", 10), 6);
	assert_int_equal(virtq_pop(&q, &c), 0);		/* nothing more */
	virtq_push(&q, 3, 12);
	assert_int_equal(get32(USED + 4), 3);
	assert_int_equal(get32(USED + 8), 12);
	assert_int_equal(get32(USED) >> 16, 1);		/* used->idx */
	assert_true(virtq_wants_interrupt(&q));
	put16(AVAIL, VIRTQ_AVAIL_F_NO_INTERRUPT);
	assert_false(virtq_wants_interrupt(&q));
}

static void test_wraps(void **state)
{
	struct virtq_chain c;

	setup();
	desc(1, DATA, 4, 0, 0);
	/* Three times around the ring, and the 16-bit index wraps too. */
	q.last_avail = avail_idx = 0xfff0;
	q.used_idx = 0xfff0;
	for (int i = 0; i < 3 * QSZ; i++) {
		make_avail(1);
		assert_int_equal(virtq_pop(&q, &c), 1);
		assert_int_equal(c.head, 1);
		virtq_push(&q, c.head, 0);
	}
	assert_int_equal(q.used_idx, (uint16_t)(0xfff0 + 3 * QSZ));
	assert_int_equal(get32(USED) >> 16, q.used_idx);
	assert_false(q.broken);
}

/* Each way a driver can break the rules breaks the queue. */
static void expect_broken(void)
{
	struct virtq_chain c;

	assert_int_equal(virtq_pop(&q, &c), -EINVAL);
	assert_true(q.broken);
	/* Broken stays broken: no more pops, no pushes. */
	assert_int_equal(virtq_pop(&q, &c), -EINVAL);
	virtq_push(&q, 0, 0);
	assert_int_equal(get32(USED) >> 16, 0);
	assert_false(virtq_wants_interrupt(&q));
}

static void test_hostile(void **state)
{
	/* A loop: 0 -> 1 -> 0. */
	setup();
	desc(0, DATA, 4, VIRTQ_DESC_F_NEXT, 1);
	desc(1, DATA, 4, VIRTQ_DESC_F_NEXT, 0);
	make_avail(0);
	expect_broken();

	/* A head or a next past the table. */
	setup();
	make_avail(QSZ);
	expect_broken();
	setup();
	desc(0, DATA, 4, VIRTQ_DESC_F_NEXT, QSZ);
	make_avail(0);
	expect_broken();

	/* A buffer outside RAM, or wrapping around. */
	setup();
	desc(0, RAM - 2, 4, 0, 0);
	make_avail(0);
	expect_broken();
	setup();
	desc(0, UINT64_MAX - 1, 4, 0, 0);
	make_avail(0);
	expect_broken();

	/* Indirect descriptors the driver did not take. */
	setup();
	desc(0, DATA, 16, VIRTQ_DESC_F_INDIRECT, 0);
	make_avail(0);
	expect_broken();

	/* Readable after writable. */
	setup();
	desc(0, DATA, 4, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
	desc(1, DATA, 4, 0, 0);
	make_avail(0);
	expect_broken();

	/* More made available than the ring holds. */
	setup();
	desc(0, DATA, 4, 0, 0);
	put16(AVAIL + 2, QSZ + 1);
	expect_broken();
}

#define TABLE	0x4000		/* an indirect table */

/* Entry @i of the indirect table at TABLE. */
static void idesc(uint16_t i, uint64_t addr, uint32_t len, uint16_t flags,
		  uint16_t next)
{
	desc_in(TABLE, i, addr, len, flags, next);
}

/* A fresh queue whose driver took INDIRECT_DESC. */
static void setup_indirect(void)
{
	setup();
	q.indirect = true;
}

/* INDIRECT_DESC taken: a chain in a table, after a direct descriptor. */
static void test_indirect(void **state)
{
	struct virtq_chain c;
	uint8_t buf[8];

	setup_indirect();
	memcpy(ram + DATA, "headbody", 8);
	/* Linux's way: the head alone, pointing at the table. */
	idesc(0, DATA, 4, VIRTQ_DESC_F_NEXT, 2);
	idesc(2, DATA + 4, 4, VIRTQ_DESC_F_NEXT, 1);
	idesc(1, DATA + 0x100, 16, VIRTQ_DESC_F_WRITE, 0);
	desc(3, TABLE, 3 * 16, VIRTQ_DESC_F_INDIRECT, 0);
	make_avail(3);
	assert_int_equal(virtq_pop(&q, &c), 1);
	assert_int_equal(c.head, 3);
	assert_int_equal(c.n_out, 2);
	assert_int_equal(c.n_in, 1);
	assert_int_equal(c.out_len, 8);
	assert_int_equal(c.in_len, 16);
	assert_int_equal(virtq_read(&q, &c, 0, buf, 8), 8);
	assert_memory_equal(buf, "headbody", 8);
	assert_int_equal(virtq_write(&q, &c, 0, "x", 1), 1);
	assert_int_equal(ram[DATA + 0x100], 'x');
	/* Direct descriptors, then the table last (2.7.5.3.2). */
	desc(4, DATA, 4, VIRTQ_DESC_F_NEXT, 5);
	desc(5, TABLE + 16, 16, VIRTQ_DESC_F_INDIRECT, 0);
	make_avail(4);
	assert_int_equal(virtq_pop(&q, &c), 1);
	assert_int_equal(c.n_out, 1);
	assert_int_equal(c.n_in, 1);
	virtq_push(&q, 3, 1);
	assert_int_equal(get32(USED + 4), 3);
}

/* Every rule of an indirect table, each breaking the queue. */
static void test_indirect_hostile(void **state)
{
	static const struct {
		uint64_t addr;
		uint32_t len;
		uint16_t flags;
	} bad[] = {
		{ TABLE, 0, VIRTQ_DESC_F_INDIRECT },		/* empty */
		{ TABLE, 24, VIRTQ_DESC_F_INDIRECT },		/* part of one */
		{ RAM - 16, 32, VIRTQ_DESC_F_INDIRECT },	/* past RAM */
		{ TABLE, 16, VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_NEXT },
	};

	for (unsigned int k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		setup_indirect();
		idesc(0, DATA, 4, 0, 0);
		desc(0, bad[k].addr, bad[k].len, bad[k].flags, 1);
		desc(1, DATA, 4, 0, 0);
		make_avail(0);
		expect_broken();
	}

	/* A table inside a table, even the ring's own as a table. */
	setup_indirect();
	idesc(0, TABLE, 16, VIRTQ_DESC_F_INDIRECT, 0);
	desc(0, TABLE, 16, VIRTQ_DESC_F_INDIRECT, 0);
	make_avail(0);
	expect_broken();
	setup_indirect();
	desc(0, DESC, 16 * QSZ, VIRTQ_DESC_F_INDIRECT, 0);
	make_avail(0);
	expect_broken();

	/* A loop, and a next past the table's end. */
	setup_indirect();
	idesc(0, DATA, 4, VIRTQ_DESC_F_NEXT, 1);
	idesc(1, DATA, 4, VIRTQ_DESC_F_NEXT, 0);
	desc(0, TABLE, 32, VIRTQ_DESC_F_INDIRECT, 0);
	make_avail(0);
	expect_broken();
	setup_indirect();
	idesc(0, DATA, 4, VIRTQ_DESC_F_NEXT, 2);
	desc(0, TABLE, 32, VIRTQ_DESC_F_INDIRECT, 0);
	make_avail(0);
	expect_broken();
}

static void test_long_chain(void **state)
{
	static uint8_t big[1 << 20];
	const struct virtq_mem bm = { big, sizeof(big) };
	struct virtq bq;
	struct virtq_chain c;
	uint16_t n = 256;

	/* A chain of every entry of a 256-entry queue: over VIRTQ_MAX_SEGS. */
	memset(big, 0, sizeof(big));
	virtq_init(&bq, &bm, n);
	bq.desc = 0x10000;
	bq.avail = 0x20000;
	bq.used = 0x30000;
	assert_int_equal(virtq_enable(&bq), 0);
	for (uint16_t i = 0; i < n; i++) {
		uint8_t *d = big + bq.desc + 16 * i;

		d[0] = 0x00;
		d[1] = 0x80;			/* addr 0x8000 */
		d[8] = 1;			/* len 1 */
		d[12] = VIRTQ_DESC_F_NEXT;
		d[14] = (uint8_t)(i + 1);
		d[15] = (uint8_t)((i + 1) >> 8);
	}
	big[bq.desc + 16 * (VIRTQ_MAX_SEGS - 1) + 12] = 0;	/* ends at 128 */
	big[bq.avail + 2] = 1;
	assert_int_equal(virtq_pop(&bq, &c), 1);
	assert_int_equal(c.n_out, VIRTQ_MAX_SEGS);
	big[bq.desc + 16 * (VIRTQ_MAX_SEGS - 1) + 12] = VIRTQ_DESC_F_NEXT;
	big[bq.avail + 2] = 2;
	assert_int_equal(virtq_pop(&bq, &c), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_enable_checks),
		cmocka_unit_test(test_pop_push),
		cmocka_unit_test(test_wraps),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_long_chain),
		cmocka_unit_test(test_indirect),
		cmocka_unit_test(test_indirect_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
