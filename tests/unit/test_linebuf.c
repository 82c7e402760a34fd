// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for guest console lines (dev/linebuf.c): assembly into
 * lines, and the sanitizer that keeps a guest's bytes from steering the
 * operator's terminal or forging a line of the hypervisor's.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "dev/linebuf.h"

static struct linebuf lb;
static char got[8][LINEBUF_MAX + 1];
static unsigned int n_got;

static void emit(void *ctx, const char *line, unsigned int len)
{
	assert_ptr_equal(ctx, &lb);
	assert_true(n_got < 8);
	assert_true(len <= LINEBUF_MAX);
	memcpy(got[n_got], line, len);
	got[n_got++][len] = 0;
}

static void feed(const char *s, size_t len)
{
	linebuf_init(&lb, emit, &lb);
	n_got = 0;
	for (size_t i = 0; i < len; i++)
		linebuf_put(&lb, s[i]);
}

#define FEED(lit)	feed(lit, sizeof(lit) - 1)

static void test_lines(void **state)
{
	FEED("one\r\ntwo\n\nthree");
	assert_int_equal(n_got, 3);
	assert_string_equal(got[0], "one");
	assert_string_equal(got[1], "two");
	assert_string_equal(got[2], "");
	linebuf_flush(&lb);
	assert_int_equal(n_got, 4);
	assert_string_equal(got[3], "three");
	linebuf_flush(&lb);
	assert_int_equal(n_got, 4);	/* nothing left */
}

static void test_controls_in_caret_notation(void **state)
{
	/* Clear screen, home, bell, backspace, a NUL, DEL; a tab passes. */
	FEED("a\x1b[2J\x1b[H\x07\x08z\0q\x7f\tend\n");
	assert_int_equal(n_got, 1);
	assert_string_equal(got[0], "a^[[2J^[[H^G^Hz^@q^?\tend");
}

static void test_no_forged_line_start(void **state)
{
	/* A lone CR cannot take the guest's text back to column 0. */
	FEED("[x] ok\rHVISOR EXIT 0\n");
	assert_int_equal(n_got, 1);
	assert_string_equal(got[0], "[x] okHVISOR EXIT 0");
	/* A vertical tab or form feed is shown, not obeyed. */
	FEED("\x0b\x0cHVISOR EXIT 0\n");
	assert_string_equal(got[0], "^K^LHVISOR EXIT 0");
}

static void test_utf8(void **state)
{
	/* Valid two, three and four byte sequences pass. */
	FEED("caf\xc3\xa9 \xe2\x97\x8f \xf0\x9f\x99\x82\n");
	assert_string_equal(got[0], "caf\xc3\xa9 \xe2\x97\x8f \xf0\x9f\x99\x82");
	/* 8-bit CSI, and U+009B (CSI) well encoded: both C1. */
	FEED("x\x9b" "2Jy\xc2\x9b" "2J\n");
	assert_string_equal(got[0], "x?2Jy??2J");
	/* A lone continuation, an overlong '/', a surrogate, > U+10FFFF. */
	FEED("\x80|\xc0\xaf|\xed\xa0\x80|\xf4\x90\x80\x80|\xff\n");
	assert_string_equal(got[0], "?|??|???|????|?");
	/* A sequence cut by the end of the line. */
	FEED("ab\xe2\x97\n");
	assert_string_equal(got[0], "ab??");
}

static void test_full_line_goes_as_is(void **state)
{
	char s[LINEBUF_MAX + 3];

	memset(s, 'x', sizeof(s));
	s[LINEBUF_MAX - 1] = 0x1b;	/* its caret pair straddles the end */
	feed(s, sizeof(s));
	assert_int_equal(n_got, 1);
	assert_int_equal(strlen(got[0]), LINEBUF_MAX);
	assert_int_equal(got[0][LINEBUF_MAX - 1], '^');
	linebuf_flush(&lb);
	assert_int_equal(n_got, 2);
	assert_string_equal(got[1], "[xxx");
}

static void test_fix_utf8_counts(void **state)
{
	char s[] = "ok\xff\xfe\xc3\xa9";

	assert_int_equal(linebuf_fix_utf8(s, sizeof(s) - 1), 2);
	assert_string_equal(s, "ok??\xc3\xa9");
	assert_int_equal(linebuf_fix_utf8(s, sizeof(s) - 1), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_controls_in_caret_notation),
		cmocka_unit_test(test_no_forged_line_start),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_full_line_goes_as_is),
		cmocka_unit_test(test_fix_utf8_counts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
