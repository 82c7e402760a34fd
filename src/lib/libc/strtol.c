// SPDX-License-Identifier: GPL-2.0
/* strto* for config parsing and libfdt. Saturates like the C library. */
#include <stdbool.h>
#include <stdlib.h>
#include <ctype.h>

static int digit_val(int c)
{
	if (isdigit(c))
		return c - '0';
	if (isalpha(c))
		return tolower(c) - 'a' + 10;
	return 99;
}

static unsigned long long parse(const char *s, char **end, int base,
				bool *neg, bool *ovf)
{
	const char *p = s, *start;
	unsigned long long v = 0;

	*neg = false;
	*ovf = false;
	while (isspace(*p))
		p++;
	if (*p == '-' || *p == '+')
		*neg = *p++ == '-';
	if ((base == 0 || base == 16) && p[0] == '0' &&
	    (p[1] == 'x' || p[1] == 'X') && digit_val(p[2]) < 16) {
		p += 2;
		base = 16;
	} else if (base == 0) {
		base = p[0] == '0' ? 8 : 10;
	}
	start = p;
	for (; digit_val(*p) < base; p++) {
		unsigned long long nv = v * base + digit_val(*p);

		if (nv / base != v)
			*ovf = true;
		v = nv;
	}
	if (end)
		*end = (char *)(p == start ? s : p);
	return *ovf ? ~0ULL : v;
}

unsigned long long strtoull(const char *s, char **end, int base)
{
	bool neg, ovf;
	unsigned long long v = parse(s, end, base, &neg, &ovf);

	return neg && !ovf ? -v : v;
}

unsigned long strtoul(const char *s, char **end, int base)
{
	return strtoull(s, end, base);
}

long long strtoll(const char *s, char **end, int base)
{
	bool neg, ovf;
	unsigned long long v = parse(s, end, base, &neg, &ovf);
	unsigned long long lim = neg ? 1ULL << 63 : (1ULL << 63) - 1;

	if (ovf || v > lim)
		v = lim;
	return neg ? -(long long)(v - 1) - 1 : (long long)v;
}

long strtol(const char *s, char **end, int base)
{
	return strtoll(s, end, base);
}
