// SPDX-License-Identifier: GPL-2.0
/* Unit tests for the formatter (src/lib/fmt.c), against the C library's. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "src/lib/fmt.h"

#define SAME(...)							\
	do {								\
		char a[128], b[128];					\
		int na = hv_snprintf(a, sizeof(a), __VA_ARGS__);	\
		int nb = snprintf(b, sizeof(b), __VA_ARGS__);		\
		assert_string_equal(a, b);				\
		assert_int_equal(na, nb);				\
	} while (0)

static void test_integers(void **state)
{
	SAME("%d %i %u", -42, 7, 3000000000u);
	SAME("%ld %lu %lx", -1L, 18446744073709551615UL, 0xdeadbeefcafeUL);
	SAME("%lld %llx", -9223372036854775807LL - 1, 0x1ULL << 63);
	SAME("%zu %hhu %hd", (size_t)12345, 300, 70000);
	SAME("%x %X %o", 0xabcdef, 0xabcdef, 8);
	SAME("%#x %#lx %#X", 255, 0x1000UL, 255);
	SAME("%d", 0);
}

static void test_width_and_flags(void **state)
{
	SAME("[%5d] [%-5d] [%05d] [%+d] [% d]", 42, 42, 42, 42, 42);
	SAME("[%016lx] [%-8x] [%8.3d]", 0x1234UL, 0xab, 7);
	SAME("[%*d] [%-*d]", 6, 1, 6, 1);
	SAME("[%05d]", -42);
	SAME("[%.0d]", 0);
}

static void test_strings(void **state)
{
	SAME("[%s] [%10s] [%-10s] [%.3s]", "abc", "abc", "abc", "abcdef");
	SAME("[%.*s]", 2, "xyz");
	SAME("[%c%c] %%", 'h', 'v');
	SAME("%p", (void *)0x1234);
}

static void test_truncation(void **state)
{
	char buf[8];
	int n = hv_snprintf(buf, sizeof(buf), "%s", "0123456789");

	assert_int_equal(n, 10);
	assert_string_equal(buf, "0123456");
	n = hv_snprintf(buf, 0, "%d", 12345);
	assert_int_equal(n, 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_integers),
		cmocka_unit_test(test_width_and_flags),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_truncation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
