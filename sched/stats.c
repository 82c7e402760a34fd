// SPDX-License-Identifier: GPL-2.0
/*
 * Latency and slice histograms (log2 microseconds) and the per-vCPU
 * statistics table. Integer arithmetic only: the hypervisor is built
 * without floating point.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sched/policy.h"

#define LINE_MAX	320

uint64_t sched_ticks_to_us(uint64_t ticks)
{
	uint64_t khz = sched_p.tsc_khz;

	return ticks / khz * 1000 + ticks % khz * 1000 / khz;
}

void sched_hist_add(uint32_t *hist, uint64_t ticks)
{
	uint64_t us = sched_ticks_to_us(ticks);
	unsigned int i = us < 2 ? 0 : 63 - __builtin_clzll(us);

	if (i >= SCHED_HIST_BUCKETS)
		i = SCHED_HIST_BUCKETS - 1;
	if (hist[i] != UINT32_MAX)
		hist[i]++;
}

uint64_t sched_hist_pct_us(const uint32_t *hist, unsigned int pct)
{
	uint64_t total = 0, need, sum = 0;
	unsigned int i;

	for (i = 0; i < SCHED_HIST_BUCKETS; i++)
		total += hist[i];
	if (!total || !pct)
		return 0;
	if (pct > 100)
		pct = 100;
	need = (total * pct + 99) / 100;
	for (i = 0; i < SCHED_HIST_BUCKETS; i++) {
		sum += hist[i];
		if (sum >= need)
			break;
	}
	if (i == SCHED_HIST_BUCKETS)
		i--;
	return 2ULL << i;
}

/* @part of @whole in tenths of a percent. */
static uint64_t permille(uint64_t part, uint64_t whole)
{
	while (whole >= (1ULL << 50)) {
		part >>= 1;
		whole >>= 1;
	}
	return whole ? part * 1000 / whole : 0;
}

static void fmt_us(char *buf, size_t size, bool any, uint64_t us)
{
	if (any)
		snprintf(buf, size, "%llu", (unsigned long long)us);
	else
		snprintf(buf, size, "-");
}

static void print_one(struct sched_entity *se,
		      void (*print)(void *ctx, const char *line), void *ctx)
{
	const struct sched_stats *st = &se->st;
	uint64_t total = st->run + st->wait + st->blocked;
	uint64_t run = sched_ticks_to_us(st->run);
	uint64_t wait = sched_ticks_to_us(st->wait);
	uint64_t blk = sched_ticks_to_us(st->blocked);
	uint64_t prun = permille(st->run, total);
	uint64_t pwait = permille(st->wait, total);
	uint64_t pblk = permille(st->blocked, total);
	uint64_t p50 = sched_hist_pct_us(st->wake_lat, 50);
	char s50[24], s99[24], smax[24], line[LINE_MAX];

	fmt_us(s50, sizeof(s50), p50, p50);
	fmt_us(s99, sizeof(s99), p50, sched_hist_pct_us(st->wake_lat, 99));
	fmt_us(smax, sizeof(smax), p50, sched_ticks_to_us(st->wake_lat_max));
	snprintf(line, sizeof(line),
		 "%-16s %7llu.%03llu %3llu.%llu %7llu.%03llu %3llu.%llu %7llu.%03llu %3llu.%llu %8llu %6llu %7s %7s %8s %8llu",
		 se->name ? se->name : "?",
		 (unsigned long long)(run / 1000),
		 (unsigned long long)(run % 1000),
		 (unsigned long long)(prun / 10),
		 (unsigned long long)(prun % 10),
		 (unsigned long long)(wait / 1000),
		 (unsigned long long)(wait % 1000),
		 (unsigned long long)(pwait / 10),
		 (unsigned long long)(pwait % 10),
		 (unsigned long long)(blk / 1000),
		 (unsigned long long)(blk % 1000),
		 (unsigned long long)(pblk / 10),
		 (unsigned long long)(pblk % 10),
		 (unsigned long long)st->switches,
		 (unsigned long long)st->migrations, s50, s99, smax,
		 (unsigned long long)(st->switches ? run / st->switches : 0));
	print(ctx, line);
}

void sched_print_stats(struct sched_entity *const *ents, unsigned int n,
		       uint64_t now,
		       void (*print)(void *ctx, const char *line), void *ctx)
{
	char line[LINE_MAX];
	unsigned int i;

	if (!sched_p.tsc_khz)		/* sched_init() never ran */
		return;
	snprintf(line, sizeof(line),
		 "sched %s: %u pCPUs, slice %llu us, latency %llu us; wake p50/p99 are log2 bucket upper bounds",
		 sched_policy_name(sched_p.policy), sched_p.n_cpus,
		 (unsigned long long)sched_ticks_to_us(sched_p.slice),
		 (unsigned long long)sched_ticks_to_us(sched_p.latency));
	print(ctx, line);
	snprintf(line, sizeof(line),
		 "%-16s %11s %5s %11s %5s %11s %5s %8s %6s %7s %7s %8s %8s",
		 "vcpu", "run ms", "%", "wait ms", "%", "blocked ms", "%",
		 "switches", "migr", "p50 us", "p99 us", "max us", "slice us");
	print(ctx, line);
	for (i = 0; i < n; i++) {
		if (!ents[i])
			continue;
		sched_account(ents[i], now);
		print_one(ents[i], print, ctx);
	}
}
