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
	on = true;
	return 0;
}

bool trace_enabled(void)
{
	return on;
}

void trace_rec(uint32_t cpu, uint64_t tsc, enum trace_type type,
	       uint16_t ent, uint32_t arg)
{
	struct ring *r;
	struct trace_rec *t;

	if (!on || cpu >= ring_cpus)
		return;
	r = &rings[cpu];
	t = &r->buf[r->pos++ & ring_mask];
	t->tsc = tsc;
	t->arg = arg;
	t->ent = ent;
	t->type = type;
	t->pad = 0;
}

const char *trace_type_name(enum trace_type type)
{
	return (unsigned int)type < TR_TYPES ? names[type] : "?";
}

void trace_dump(void (*print)(void *ctx, const char *line), void *ctx)
{
	char line[96];

	if (!on)
		return;
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
