/*
 * Freestanding <stdio.h>: formatting only. FILE exists so that <ini.h>
 * compiles; the file functions are stubs that always fail.
 */
#ifndef HV_LIBC_STDIO_H
#define HV_LIBC_STDIO_H
#include <stddef.h>
#include <stdarg.h>

typedef struct hv_file FILE;

int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

#endif
