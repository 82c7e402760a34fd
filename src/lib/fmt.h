/* SPDX-License-Identifier: GPL-2.0 */
#ifndef HV_FMT_H
#define HV_FMT_H

#include <stdarg.h>
#include <stddef.h>

/*
 * The one formatter: %d %i %u %x %X %o %p %s %c %%, flags '-' '0' '+' ' ' '#',
 * width, precision (strings and integers), length hh h l ll z j t.
 * Returns the length the full output would have, like vsnprintf.
 */
int hv_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int hv_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
