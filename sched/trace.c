// SPDX-License-Identifier: GPL-2.0
/*
 * The per-pCPU event rings (trace.h). Each pCPU writes its own ring
 * only, so a record is a few stores; whoever dumps must have stopped
 * every pCPU first.
 */
#include <stddef.h>
#include <stdio.h>

#include "sched/sched.h"
#include "sched/trace.h"

struct ring {
	struct trace_rec *buf;
	uint64_t pos;		/* records written so far */
};

static struct ring rings[SCHED_MAX_CPUS];
static uint32_t ring_cpus;
static uint32_t ring_mask;	/* records per ring - 1 */
static bool on;

static const char *const names[TR_TYPES] = {
	[TR_PICK] = "pick", [TR_IRQ] = "irq", [TR_WAKE] = "wake",
	[TR_BLOCK] = "block", [TR_MOVE] = "move", [TR_SLICE] = "slice",
	[TR_YIELD] = "yield", [TR_EXIT] = "exit", [TR_MARK] = "mark",
	[TR_POLICY] = "policy",
};

int trace_init(uint32_t n_cpus, struct trace_rec *mem, uint32_t per_cpu)
{
	on = false;
	ring_cpus = 0;
	ring_mask = 0;
	if (!per_cpu)
		return 0;
	if ((per_cpu & (per_cpu - 1)) || !mem || !n_cpus ||
	    n_cpus > SCHED_MAX_CPUS)
		return -1;
	for (uint32_t i = 0; i < n_cpus; i++) {
		rings[i].buf = mem + (size_t)i * per_cpu;
		rings[i].pos = 0;
	}
	ring_cpus = n_cpus;
	ring_mask = per_cpu - 1;
	return 0;
}

uint32_t trace_capacity(void)
{
	return ring_cpus ? ring_mask + 1 : 0;
}

uint32_t trace_cpus(void)
{
	return ring_cpus;
}

bool trace_enabled(void)
{
	return __atomic_load_n(&on, __ATOMIC_RELAXED);
}

void trace_set_enabled(bool enable)
{
	__atomic_store_n(&on, enable && ring_cpus, __ATOMIC_RELAXED);
}

uint64_t trace_pos(uint32_t cpu)
{
	return cpu < ring_cpus ?
		__atomic_load_n(&rings[cpu].pos, __ATOMIC_ACQUIRE) : 0;
}

void trace_rec(uint32_t cpu, uint64_t tsc, enum trace_type type,
	       uint16_t ent, uint32_t arg)
{
	struct ring *r;
	struct trace_rec *t;

	uint64_t p;

	if (!__atomic_load_n(&on, __ATOMIC_RELAXED) || cpu >= ring_cpus)
		return;
	r = &rings[cpu];
	/*
	 * The count first, then the record: a reader that copies a slot and
	 * then sees the count still within a ring's length of it knows the
	 * slot was not being rewritten (trace_read()).
	 */
	p = r->pos;
	__atomic_store_n(&r->pos, p + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	t = &r->buf[p & ring_mask];
	t->tsc = tsc;
	t->arg = arg;
	t->ent = ent;
	t->type = type;
	t->pad = 0;
}

static const char *const irq_names[] = {
	[TRI_NONE] = "none", [TRI_EXTEND] = "extend", [TRI_NEXT] = "next",
	[TRI_PREEMPT] = "preempt", [TRI_AFTER_RUN] = "after-run",
	[TRI_BEHIND] = "behind", [TRI_CAPPED] = "capped",
	[TRI_THIRD] = "third", [TRI_OPEN] = "open",
	[TRI_DONE] = "done",
};

const char *trace_irq_name(uint32_t what)
{
	return what < sizeof(irq_names) / sizeof(irq_names[0]) ?
		irq_names[what] : "?";
}

const char *trace_type_name(enum trace_type type)
{
	return (unsigned int)type < TR_TYPES ? names[type] : "?";
}

uint32_t trace_read(uint32_t cpu, uint64_t *from, uint64_t to,
		    struct trace_rec *out, uint32_t max)
{
	uint64_t p, lo, hi, valid;
	const struct ring *r;
	uint32_t n;

	if (cpu >= ring_cpus)
		return 0;
	r = &rings[cpu];
	p = __atomic_load_n(&r->pos, __ATOMIC_ACQUIRE);
	lo = *from;
	if (p > ring_mask + 1ULL && lo < p - (ring_mask + 1ULL))
		lo = p - (ring_mask + 1ULL);
	hi = to < p ? to : p;
	if (hi > lo + max)
		hi = lo + max;
	n = hi > lo ? (uint32_t)(hi - lo) : 0;
	for (uint32_t i = 0; i < n; i++)
		out[i] = r->buf[(lo + i) & ring_mask];
	/* Slots rewritten meanwhile are below the count's new low end. */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	p = __atomic_load_n(&r->pos, __ATOMIC_RELAXED);
	valid = p > ring_mask + 1ULL ? p - (ring_mask + 1ULL) : 0;
	if (valid > lo) {
		uint64_t drop = valid - lo < n ? valid - lo : n;

		for (uint32_t i = 0; i + drop < n; i++)
			out[i] = out[i + drop];
		n -= (uint32_t)drop;
		lo += drop;
	}
	*from = lo;
	return n;
}

void trace_dump(void (*print)(void *ctx, const char *line), void *ctx)
{
	char line[96];

	for (uint32_t c = 0; c < ring_cpus; c++) {
		const struct ring *r = &rings[c];
		uint64_t n = r->pos > ring_mask + 1ULL ? ring_mask + 1ULL : r->pos;

		snprintf(line, sizeof(line), "trace-cpu %u records %lu lost %lu",
			 c, (unsigned long)n, (unsigned long)(r->pos - n));
		print(ctx, line);
		for (uint64_t i = r->pos - n; i < r->pos; i++) {
			const struct trace_rec *t = &r->buf[i & ring_mask];
			char ent[8] = "-";

			if (t->ent != TRACE_NONE)
				snprintf(ent, sizeof(ent), "%u", t->ent);
			snprintf(line, sizeof(line), "trace %u %lu %s %s 0x%x", c,
				 (unsigned long)t->tsc,
				 trace_type_name((enum trace_type)t->type), ent,
				 t->arg);
			print(ctx, line);
		}
	}
}
