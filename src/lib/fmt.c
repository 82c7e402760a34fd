// SPDX-License-Identifier: GPL-2.0
/* printf-style formatting: the console, the libc (snprintf) and host tests. */
#include <stdint.h>
#include <stdbool.h>
#include "src/lib/fmt.h"

struct out {
	char *buf;
	size_t size;
	size_t len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

struct spec {
	bool left, zero, plus, space, alt;
	int width;
	int prec;		/* -1: none */
};

static void put_str(struct out *o, const struct spec *sp, const char *s)
{
	int n = 0;

	if (!s)
		s = "(null)";
	while (s[n] && (sp->prec < 0 || n < sp->prec))
		n++;
	if (!sp->left)
		pad(o, ' ', sp->width - n);
	for (int i = 0; i < n; i++)
		put(o, s[i]);
	if (sp->left)
		pad(o, ' ', sp->width - n);
}

static void put_num(struct out *o, const struct spec *sp, uint64_t v,
		    bool neg, unsigned base, bool upper, const char *prefix)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, plen = 0, zeros, total;
	char sign = 0;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	if (sp->prec == 0 && n == 1 && tmp[0] == '0')
		n = 0;
	if (neg)
		sign = '-';
	else if (sp->plus)
		sign = '+';
	else if (sp->space)
		sign = ' ';
	if (prefix)
		while (prefix[plen])
			plen++;
	zeros = sp->prec > n ? sp->prec - n : 0;
	total = n + zeros + plen + (sign ? 1 : 0);
	if (sp->zero && !sp->left && sp->prec < 0 && sp->width > total) {
		zeros += sp->width - total;
		total = sp->width;
	}
	if (!sp->left)
		pad(o, ' ', sp->width - total);
	if (sign)
		put(o, sign);
	for (int i = 0; i < plen; i++)
		put(o, prefix[i]);
	pad(o, '0', zeros);
	while (n)
		put(o, tmp[--n]);
	if (sp->left)
		pad(o, ' ', sp->width - total);
}

static int parse_int(const char **p)
{
	int v = 0;

	while (**p >= '0' && **p <= '9')
		v = v * 10 + (*(*p)++ - '0');
	return v;
}

int hv_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };

	for (const char *p = fmt; *p; p++) {
		struct spec sp = { .prec = -1 };
		int lng = 0;		/* -2 hh, -1 h, 1 l, 2 ll */
		uint64_t u;
		int64_t s;

		if (*p != '%') {
			put(&o, *p);
			continue;
		}
		for (p++;; p++) {
			if (*p == '-')
				sp.left = true;
			else if (*p == '0')
				sp.zero = true;
			else if (*p == '+')
				sp.plus = true;
			else if (*p == ' ')
				sp.space = true;
			else if (*p == '#')
				sp.alt = true;
			else
				break;
		}
		if (*p == '*') {
			sp.width = va_arg(ap, int);
			if (sp.width < 0) {
				sp.left = true;
				sp.width = -sp.width;
			}
			p++;
		} else {
			sp.width = parse_int(&p);
		}
		if (*p == '.') {
			p++;
			if (*p == '*') {
				sp.prec = va_arg(ap, int);
				p++;
			} else {
				sp.prec = parse_int(&p);
			}
		}
		for (;; p++) {
			if (*p == 'h')
				lng--;
			else if (*p == 'l')
				lng++;
			else if (*p == 'z' || *p == 'j' || *p == 't')
				lng = 2;
			else
				break;
		}
		switch (*p) {
		case 'd':
		case 'i':
			if (lng >= 1)
				s = lng == 1 ? va_arg(ap, long) : va_arg(ap, long long);
			else
				s = va_arg(ap, int);
			if (lng == -1)
				s = (short)s;
			else if (lng == -2)
				s = (signed char)s;
			put_num(&o, &sp, s < 0 ? -(uint64_t)s : (uint64_t)s,
				s < 0, 10, false, NULL);
			break;
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			if (lng >= 1)
				u = lng == 1 ? va_arg(ap, unsigned long) :
					       va_arg(ap, unsigned long long);
			else
				u = va_arg(ap, unsigned int);
			if (lng == -1)
				u = (unsigned short)u;
			else if (lng == -2)
				u = (unsigned char)u;
			put_num(&o, &sp, u, false,
				*p == 'u' ? 10 : *p == 'o' ? 8 : 16,
				*p == 'X', sp.alt && (*p == 'x' || *p == 'X') ?
				(*p == 'x' ? "0x" : "0X") : NULL);
			break;
		case 'p':
			put_num(&o, &sp, (uintptr_t)va_arg(ap, void *), false,
				16, false, "0x");
			break;
		case 's':
			put_str(&o, &sp, va_arg(ap, const char *));
			break;
		case 'c': {
			char c[2] = { (char)va_arg(ap, int), 0 };

			sp.prec = 1;
			put_str(&o, &sp, c);
			break;
		}
		case '%':
			put(&o, '%');
			break;
		case '\0':
			p--;
			break;
		default:
			put(&o, '%');
			put(&o, *p);
			break;
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int hv_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = hv_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

#ifndef HV_HOST
/*
 * In the hypervisor image these are also the libc's snprintf and
 * vsnprintf (src/lib/libc/include/stdio.h): inih and the config parser
 * call them. The host build keeps its own libc's, to test ours against.
 */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
	__attribute__((alias("hv_vsnprintf")));
int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((alias("hv_snprintf")));
#endif
