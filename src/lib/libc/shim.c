// SPDX-License-Identifier: GPL-2.0
/*
 * What Debian's libinih.a and libfdt.a expect from a C library beyond
 * the string functions: glibc's ctype table and stdio entry points (never
 * used: we only parse strings). The stack protector's failure hook is
 * src/arch/panic.c's: it needs the panic path, which a libc must not.
 */
#include <stdint.h>
#include <stdio.h>
#include <ctype.h>

/* glibc's ctype bits on little-endian machines. */
#define CT_UPPER	0x0100
#define CT_LOWER	0x0200
#define CT_ALPHA	0x0400
#define CT_DIGIT	0x0800
#define CT_XDIGIT	0x1000
#define CT_SPACE	0x2000
#define CT_PRINT	0x4000
#define CT_GRAPH	0x8000
#define CT_BLANK	0x0001
#define CT_CNTRL	0x0002
#define CT_PUNCT	0x0004
#define CT_ALNUM	0x0008

static unsigned short ctype_table[384];
static const unsigned short *ctype_ptr;

static unsigned short ctype_bits(int c)
{
	unsigned short b = 0;

	if (c < 0 || c > 127)
		return 0;
	if (isupper(c))
		b |= CT_UPPER | CT_ALPHA | CT_ALNUM;
	if (islower(c))
		b |= CT_LOWER | CT_ALPHA | CT_ALNUM;
	if (isdigit(c))
		b |= CT_DIGIT | CT_ALNUM;
	if (isxdigit(c))
		b |= CT_XDIGIT;
	if (isspace(c))
		b |= CT_SPACE;
	if (c == ' ' || c == '\t')
		b |= CT_BLANK;
	if (c < 0x20 || c == 0x7f)
		b |= CT_CNTRL;
	if (isprint(c))
		b |= CT_PRINT;
	if (isprint(c) && c != ' ')
		b |= CT_GRAPH;
	if (isprint(c) && c != ' ' && !isalnum(c))
		b |= CT_PUNCT;
	return b;
}

const unsigned short **__ctype_b_loc(void);
const unsigned short **__ctype_b_loc(void)
{
	if (!ctype_ptr) {
		for (int c = -128; c < 256; c++)
			ctype_table[c + 128] = ctype_bits(c);
		ctype_ptr = ctype_table + 128;
	}
	return &ctype_ptr;
}

FILE *fopen64(const char *path, const char *mode);
FILE *fopen64(const char *path, const char *mode)
{
	return NULL;
}

char *fgets(char *s, int n, FILE *f);
char *fgets(char *s, int n, FILE *f)
{
	return NULL;
}

int fclose(FILE *f);
int fclose(FILE *f)
{
	return -1;
}
