// SPDX-License-Identifier: GPL-2.0
/*
 * Formatted, line-atomic console output. A line is appended whole to a
 * ring under print_lock, which guards a memcpy and nothing slower; one
 * pCPU at a time (the drainer) then takes bytes out and writes them to
 * the console with no lock held. A pCPU that finds another draining
 * leaves its line to it: no pCPU waits with interrupts off while
 * another's long line crawls out of the UART. What does not fit in the
 * ring is dropped whole and counted on the console.
 */
#include <stdint.h>
#include "src/arch/console.h"
#include "src/lib/fmt.h"
#include "src/lib/logring.h"
#include "src/arch/printk.h"
#include "src/lib/spinlock.h"

#define RING_SIZE	(64 * 1024)

enum log_level log_level = LOG_INFO;
static spinlock_t print_lock = SPINLOCK_INIT(LOCK_PRINT);
static char ring_buf[RING_SIZE];
static struct logring ring = { .buf = ring_buf, .size = RING_SIZE };
static int draining;		/* a pCPU is writing the ring out */
static uint64_t dropped_said;	/* ring.dropped already reported */

static size_t take(char *out, size_t max, uint64_t *dropped)
{
	size_t n;

	spin_lock(&print_lock);
	n = logring_take(&ring, out, max);
	*dropped = ring.dropped - dropped_said;
	dropped_said = ring.dropped;
	spin_unlock(&print_lock);
	return n;
}

static size_t pending(void)
{
	size_t n;

	spin_lock(&print_lock);
	n = logring_pending(&ring);
	spin_unlock(&print_lock);
	return n;
}

/* Write the ring out, unless another pCPU is (@force: a panic, take over). */
static void drain(bool force)
{
	char chunk[128], note[80];
	uint64_t dropped;
	size_t n;

	do {
		if (__atomic_exchange_n(&draining, 1, __ATOMIC_ACQUIRE) && !force)
			return;		/* the drainer will write our line too */
		while ((n = take(chunk, sizeof(chunk), &dropped)) || dropped) {
			if (dropped) {
				int k = hv_snprintf(note, sizeof(note),
						    "\nhvisor: console: %lu bytes dropped (the log ring was full)\n",
						    dropped);
				console_write(note, (size_t)k);
			}
			console_write(chunk, n);
		}
		__atomic_store_n(&draining, 0, __ATOMIC_SEQ_CST);
		/* A line appended after our last take found us draining. */
	} while (pending());
}

static void emit(const char *buf, size_t n, bool force)
{
	spin_lock(&print_lock);
	logring_append(&ring, buf, n);
	spin_unlock(&print_lock);
	drain(force);
}

void vprintk(enum log_level level, const char *fmt, va_list ap)
{
	char buf[512];
	int n;

	if (level > log_level)
		return;
	n = hv_vsnprintf(buf, sizeof(buf), fmt, ap);
	if (n >= (int)sizeof(buf))
		n = sizeof(buf) - 1;
	emit(buf, (size_t)n, false);
}

void printk(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(level, fmt, ap);
	va_end(ap);
}

void printk_flush(void)
{
	drain(true);
}
