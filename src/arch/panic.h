/* SPDX-License-Identifier: GPL-2.0 */
#ifndef HV_PANIC_H
#define HV_PANIC_H

struct trap_frame;

/* Print the CPU, the reason and a register dump; power off with 67. */
void __attribute__((noreturn, format(printf, 1, 2))) panic(const char *fmt, ...);
void __attribute__((noreturn, format(printf, 2, 3)))
panic_frame(const struct trap_frame *f, const char *fmt, ...);

#define BUG_ON(cond)							\
	do {								\
		if (cond)						\
			panic("BUG at %s:%d: %s", __FILE__, __LINE__, #cond); \
	} while (0)

#endif
