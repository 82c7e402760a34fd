// SPDX-License-Identifier: GPL-2.0
/* hvctl trace's Chrome/Perfetto JSON (tracejson.h). */
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include "src/tracejson.h"

struct out {
	FILE *f;
	const struct ctl_trace *lg;
	uint64_t t0;		/* the first record's TSC */
	long n;			/* events written */
};

/* A JSON string: the names are printable ASCII, but quote what must be. */
static void put_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c > 0x7e)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* TSC ticks since t0 as microseconds with three decimals. */
static void put_us(struct out *o, const char *key, uint64_t ticks)
{
	uint64_t khz = o->lg->tsc_khz;
	uint64_t ns = ticks / khz * 1000000 + ticks % khz * 1000000 / khz;

	fprintf(o->f, ",\"%s\":%" PRIu64 ".%03" PRIu64, key, ns / 1000,
		ns % 1000);
}

static void name_of(const struct ctl_trace *lg, uint32_t ent, char *buf,
		    size_t size)
{
	if (ent == TRACE_NONE) {
		snprintf(buf, size, "idle");
		return;
	}
	for (uint32_t i = 0; i < lg->n_ents; i++)
		if (lg->ent_id[i] == ent) {
			snprintf(buf, size, "%s", lg->ent_name[i]);
			return;
		}
	snprintf(buf, size, "ent%u", ent);
}

/* Each event starts a line; every line but the first begins with a comma. */
static void begin(struct out *o, const char *ph, uint32_t cpu)
{
	fprintf(o->f, "%s{\"ph\":\"%s\",\"pid\":0,\"tid\":%u",
		o->n ? ",\n" : "\n", ph, cpu);
	o->n++;
}

static void meta(struct out *o, uint32_t cpu, const char *what,
		 const char *name)
{
	begin(o, "M", cpu);
	fprintf(o->f, ",\"name\":\"%s\",\"args\":{\"name\":", what);
	put_str(o->f, name);
	fputs("}}", o->f);
}

static void run(struct out *o, uint32_t cpu, uint64_t from, uint64_t to,
		uint32_t ent, bool early)
{
	char name[64], label[80];

	if (ent == TRACE_NONE)
		return;
	name_of(o->lg, ent, name, sizeof(name));
	snprintf(label, sizeof(label), "%s%s", name, early ? " (early)" : "");
	begin(o, "X", cpu);
	fputs(",\"cat\":\"run\",\"name\":", o->f);
	put_str(o->f, label);
	put_us(o, "ts", from - o->t0);
	/* Zero-length runs still show. */
	put_us(o, "dur", to > from ? to - from : 0);
	fprintf(o->f, ",\"args\":{\"vcpu\":");
	put_str(o->f, name);
	fprintf(o->f, ",\"early\":%s}}", early ? "true" : "false");
}

/* An instant event: what a non-pick record says. */
static void instant(struct out *o, uint32_t cpu, uint64_t tsc,
		    const struct trace_rec *r)
{
	char name[64], what[128];
	const char *cat = "sched";

	name_of(o->lg, r->ent, name, sizeof(name));
	switch (r->type) {
	case TR_IRQ:
		snprintf(what, sizeof(what), "irq %s %s (queue %u)", name,
			 trace_irq_name(r->arg & 0xff), r->arg >> 8);
		break;
	case TR_WAKE:
		snprintf(what, sizeof(what), "wake %s %s (queue %u)", name,
			 r->arg & 1 ? "preempts" : r->arg & 2 ? "still on" : "waits",
			 r->arg >> 8);
		break;
	case TR_MOVE:
		snprintf(what, sizeof(what), "move %s %u -> %u", name,
			 (r->arg >> 8) & 0xff, r->arg & 0xff);
		break;
	case TR_MARK:
		snprintf(what, sizeof(what), "mark %u", r->arg);
		break;
	case TR_EXIT:
		cat = "exit";
		snprintf(what, sizeof(what), "exit %s %s", name,
			 r->arg < o->lg->n_exit_names ?
			 o->lg->exit_name[r->arg] : "?");
		break;
	default:
		snprintf(what, sizeof(what), "%s %s",
			 trace_type_name((enum trace_type)r->type), name);
		break;
	}
	begin(o, "i", cpu);
	fprintf(o->f, ",\"s\":\"t\",\"cat\":\"%s\",\"name\":", cat);
	put_str(o->f, what);
	put_us(o, "ts", tsc - o->t0);
	fputc('}', o->f);
}

/* One pCPU's track: runs between picks, instants for the rest. */
static void track(struct out *o, uint32_t cpu, const struct tj_cpu *c,
		  uint64_t end)
{
	uint64_t last = o->t0, run_from = o->t0;
	/* What ran when the trace began, unless the ring lost that part. */
	uint32_t run_ent = c->lost ? TRACE_NONE : o->lg->running[cpu];
	bool in_run = run_ent != TRACE_NONE, early = false;

	for (uint64_t i = 0; i < c->n; i++) {
		const struct trace_rec *r = &c->recs[i];
		/*
		 * A pick carries the time its pass of the loop began, which
		 * can be before a record of the same pass: keep each ring's
		 * order in time.
		 */
		uint64_t t = r->tsc < last ? last : r->tsc;

		last = t;
		if (r->type != TR_PICK) {
			instant(o, cpu, t, r);
			continue;
		}
		if (in_run)
			run(o, cpu, run_from, t, run_ent, early);
		in_run = true;
		run_from = t;
		run_ent = r->ent;
		early = r->arg & TRP_EARLY;
	}
	if (in_run)
		run(o, cpu, run_from, end > run_from ? end : run_from, run_ent,
		    early);
}

long trace_json_write(FILE *f, const struct ctl_trace *legend,
		      const struct tj_cpu *cpus, uint32_t n_cpus)
{
	struct out o = { .f = f, .lg = legend, .t0 = UINT64_MAX };
	uint64_t end = 0;
	char name[80];

	if (!legend->tsc_khz)
		return -1;
	for (uint32_t c = 0; c < n_cpus; c++) {
		if (!cpus[c].n)
			continue;
		if (cpus[c].recs[0].tsc < o.t0)
			o.t0 = cpus[c].recs[0].tsc;
		for (uint64_t i = 0; i < cpus[c].n; i++)
			if (cpus[c].recs[i].tsc > end)
				end = cpus[c].recs[i].tsc;
	}
	if (o.t0 == UINT64_MAX)
		o.t0 = 0;
	fputs("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[", f);
	begin(&o, "M", 0);
	fputs(",\"name\":\"process_name\",\"args\":{\"name\":\"hvisor\"}}", f);
	for (uint32_t c = 0; c < n_cpus; c++) {
		if (cpus[c].lost)
			snprintf(name, sizeof(name), "pCPU %u (%" PRIu64 " older records lost)",
				 c, cpus[c].lost);
		else
			snprintf(name, sizeof(name), "pCPU %u", c);
		meta(&o, c, "thread_name", name);
	}
	for (uint32_t c = 0; c < n_cpus; c++)
		track(&o, c, &cpus[c], end);
	fputs("\n]}\n", f);
	return ferror(f) ? -1 : o.n;
}
