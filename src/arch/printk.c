// SPDX-License-Identifier: GPL-2.0
/* Formatted, line-atomic console output. */
#include "src/arch/console.h"
#include "src/lib/fmt.h"
#include "src/arch/printk.h"
#include "src/lib/spinlock.h"

enum log_level log_level = LOG_INFO;
static spinlock_t print_lock = SPINLOCK_INIT(LOCK_PRINT);

void vprintk(enum log_level level, const char *fmt, va_list ap)
{
	char buf[512];
	int n;

	if (level > log_level)
		return;
	n = hv_vsnprintf(buf, sizeof(buf), fmt, ap);
	if (n >= (int)sizeof(buf))
		n = sizeof(buf) - 1;
	spin_lock(&print_lock);
	console_write(buf, n);
	spin_unlock(&print_lock);
}

void printk(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(level, fmt, ap);
	va_end(ap);
}
