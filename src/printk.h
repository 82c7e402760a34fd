/* SPDX-License-Identifier: GPL-2.0 */
#ifndef HV_PRINTK_H
#define HV_PRINTK_H

#include <stdarg.h>
#include "src/config.h"

extern enum cfg_log_level log_level;

/* Print one message atomically with respect to other CPUs. */
void printk(enum cfg_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void vprintk(enum cfg_log_level level, const char *fmt, va_list ap);

#define pr_err(...)	printk(LOG_ERROR, __VA_ARGS__)
#define pr_warn(...)	printk(LOG_WARN, __VA_ARGS__)
#define pr_info(...)	printk(LOG_INFO, __VA_ARGS__)
#define pr_debug(...)	printk(LOG_DEBUG, __VA_ARGS__)

#endif
