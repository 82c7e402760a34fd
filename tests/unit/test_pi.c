// SPDX-License-Identifier: GPL-2.0
/* Unit tests for the posted-interrupt descriptor (dev/pi.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <pthread.h>
#include <time.h>
#include <cmocka.h>

#include "dev/pi.h"

static struct pi_desc desc;

/* SDM 30.6: NV is bits 279:272 (byte 34), NDST bits 319:288 (byte 36),
 * ON bit 256 and SN bit 257 (byte 32). */
static void test_layout(void **state)
{
	const uint8_t *b = (const uint8_t *)&desc;
	uint32_t ndst;

	assert_int_equal(sizeof(struct pi_desc), 64);
	assert_int_equal(_Alignof(struct pi_desc), 64);
	assert_int_equal((uintptr_t)&desc & 63, 0);
	pi_init(&desc, 0xf2, 0x12345678);
	assert_int_equal(b[34], 0xf2);
	memcpy(&ndst, b + 36, 4);
	assert_int_equal(ndst, 0x12345678);
	assert_int_equal(b[32], 0);
	pi_post(&desc, 0);
	assert_int_equal(b[32], 0x01);		/* ON */
	assert_int_equal(b[0], 0x01);		/* PIR bit 0 */
	pi_set_sn(&desc, true);
	assert_int_equal(b[32], 0x03);		/* SN */
	pi_post(&desc, 255);
	assert_int_equal(b[31], 0x80);		/* PIR bit 255 */
}

static void test_post_take(void **state)
{
	uint64_t pir[4];

	pi_init(&desc, 0, 0);
	assert_false(pi_test_on(&desc));
	assert_true(pi_post(&desc, 0x21));	/* ON 0->1 */
	assert_true(pi_test_on(&desc));
	assert_false(pi_post(&desc, 0xff));	/* already on */
	assert_false(pi_post(&desc, 0x21));
	assert_true(pi_take(&desc, pir));
	assert_false(pi_test_on(&desc));
	assert_int_equal(pir[0], 1ull << 0x21);
	assert_int_equal(pir[1], 0);
	assert_int_equal(pir[2], 0);
	assert_int_equal(pir[3], 1ull << 63);
	assert_false(pi_take(&desc, pir));	/* nothing left */
	assert_int_equal(pir[0] | pir[3], 0);
	assert_true(pi_post(&desc, 0x40));	/* ON again after a take */
}

static void test_fields_keep_on(void **state)
{
	pi_init(&desc, 0x10, 1);
	pi_post(&desc, 0x30);
	pi_set_nv(&desc, 0xe0);
	pi_set_ndst(&desc, 0xabcd);
	pi_set_sn(&desc, true);
	assert_true(pi_test_on(&desc));
	assert_int_equal(desc.control, 0x0000abcd00e00003ull);
	pi_set_sn(&desc, false);
	assert_int_equal(desc.control, 0x0000abcd00e00001ull);
}

/*
 * Two posters, one taker (this thread). Each poster owns every other
 * vector and posts a vector again only once its previous post was taken,
 * so every post must come out of exactly one take: a lost bit stalls the
 * poster and the test times out.
 */
#define POSTS	200000
#define NVEC	224		/* vectors 32..255 */

static uint32_t posted[256], taken[256];
static volatile int stop;

struct poster {
	int parity;
	unsigned long ons;
	bool stuck;
};

static void *poster_fn(void *arg)
{
	struct poster *p = arg;

	for (int i = 0; i < POSTS && !stop; i++) {
		int v = 32 + 2 * (i % (NVEC / 2)) + p->parity;
		uint32_t mine = posted[v];

		while (__atomic_load_n(&taken[v], __ATOMIC_ACQUIRE) != mine)
			if (stop) {
				p->stuck = true;
				return NULL;
			}
		posted[v] = mine + 1;
		if (pi_post(&desc, v))
			p->ons++;
	}
	return NULL;
}

static double secs(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void test_two_posters(void **state)
{
	struct poster p[2] = { { .parity = 0 }, { .parity = 1 } };
	pthread_t t[2];
	unsigned long total = 0, takes = 0;
	double last = secs();
	uint64_t pir[4];

	pi_init(&desc, 0, 0);
	memset(posted, 0, sizeof(posted));
	memset(taken, 0, sizeof(taken));
	stop = 0;
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, poster_fn, &p[i]), 0);
	while (total < 2ul * POSTS) {
		if (pi_take(&desc, pir)) {
			takes++;
			for (int v = 0; v < 256; v++) {
				if (!(pir[v >> 6] & (1ull << (v & 63))))
					continue;
				__atomic_store_n(&taken[v], taken[v] + 1,
						 __ATOMIC_RELEASE);
				total++;
			}
			last = secs();
		} else if (secs() - last > 10) {
			break;		/* a bit was lost */
		}
	}
	stop = 1;
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	assert_false(p[0].stuck || p[1].stuck);
	assert_int_equal(total, 2ul * POSTS);
	for (int v = 0; v < 256; v++)
		assert_int_equal(taken[v], posted[v]);
	/* Notifications: at least one, never more than posts. */
	assert_true(p[0].ons + p[1].ons >= 1);
	assert_true(p[0].ons + p[1].ons <= 2ul * POSTS);
	assert_false(pi_take(&desc, pir));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_post_take),
		cmocka_unit_test(test_fields_keep_on),
		cmocka_unit_test(test_two_posters),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
