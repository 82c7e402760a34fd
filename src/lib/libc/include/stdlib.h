/* Freestanding subset of <stdlib.h>: boot-heap malloc and number parsing. */
#ifndef HV_LIBC_STDLIB_H
#define HV_LIBC_STDLIB_H
#include <stddef.h>

void *malloc(size_t n);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t n);
void free(void *p);
unsigned long strtoul(const char *s, char **end, int base);
unsigned long long strtoull(const char *s, char **end, int base);
long strtol(const char *s, char **end, int base);
long long strtoll(const char *s, char **end, int base);

#endif
