/* SPDX-License-Identifier: GPL-2.0 */
#ifndef HV_PRINTK_H
#define HV_PRINTK_H

#include <stdarg.h>

/* Log levels, lowest is most severe. */
enum log_level {
	LOG_ERROR,
	LOG_WARN,
	LOG_INFO,
	LOG_DEBUG,
};

extern enum log_level log_level;

/*
 * Print one message atomically with respect to other CPUs: it goes out
 * whole, now or by the pCPU already writing the console (printk.c).
 */
void printk(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void vprintk(enum log_level level, const char *fmt, va_list ap);

/*
 * Write out everything printed so far, even while another pCPU is at it
 * (a panic, the power-off: that one may never finish).
 */
void printk_flush(void);

#define pr_err(...)	printk(LOG_ERROR, __VA_ARGS__)
#define pr_warn(...)	printk(LOG_WARN, __VA_ARGS__)
#define pr_info(...)	printk(LOG_INFO, __VA_ARGS__)
#define pr_debug(...)	printk(LOG_DEBUG, __VA_ARGS__)

#endif
