// SPDX-License-Identifier: GPL-2.0
/*
 * hvctl trace [-d SECONDS] -o FILE.json: the scheduler's event rings of
 * every pCPU for SECONDS (default 1; Ctrl-C ends it early), read over
 * the hvisor.ctl port a reply at a time and written as a Chrome/Perfetto
 * timeline (src/tracejson.h). The rings keep the newest records: what a
 * longer trace loses at its start is said, with the fix.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <getopt.h>

#include "src/core/ctlmsg.h"
#include "src/hvctl.h"
#include "src/tracejson.h"

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* @secs of wall time in the guest, or until Ctrl-C. */
static void wait_for(double secs)
{
	struct sigaction sa = { .sa_handler = on_sigint }, old;
	struct timespec ts = {
		.tv_sec = (time_t)secs,
		.tv_nsec = (long)((secs - (double)(time_t)secs) * 1e9),
	};

	/* No SA_RESTART: Ctrl-C ends the sleep, and the trace is kept. */
	sigaction(SIGINT, &sa, &old);
	while (!interrupted && nanosleep(&ts, &ts) && errno == EINTR)
		;
	sigaction(SIGINT, &old, NULL);
}

static int usage(void)
{
	fprintf(stderr, "usage: hvctl trace [-d SECONDS] -o FILE.json\n");
	return 2;
}

/* All of pCPU @cpu's records in [start, end): @out grows; lost counted. */
static int read_cpu(uint32_t session, uint32_t cpu, uint64_t start,
		    uint64_t end, struct tj_cpu *out)
{
	static struct ctl_reply rp;
	struct ctl_req rq = { .cmd = CTL_TRACE_READ, .session = session,
			      .cpu = cpu };
	struct trace_rec *recs;
	uint64_t from = start;

	recs = malloc((end - start ? end - start : 1) * sizeof(*recs));
	if (!recs) {
		fprintf(stderr, "hvctl: trace: out of memory\n");
		return 1;
	}
	out->recs = recs;
	out->n = 0;
	out->lost = 0;
	while (from < end) {
		int r;

		rq.from = from;
		r = hvctl_call(&rq, &rp);
		if (r)
			return r;
		if (rp.trace_part != CTL_TP_RECORDS || rp.trace.cpu != cpu ||
		    rp.trace.from < from ||
		    rp.trace.from + rp.trace.n_recs > end ||
		    (!rp.trace.n_recs && rp.trace.from == from)) {
			fprintf(stderr, "hvctl: trace: a malformed trace-read reply\n");
			return 3;
		}
		/* Overwritten before they were read: the ring's oldest. */
		out->lost += rp.trace.from - from;
		memcpy(recs + out->n, rp.trace.recs,
		       rp.trace.n_recs * sizeof(*recs));
		out->n += rp.trace.n_recs;
		from = rp.trace.from + rp.trace.n_recs;
	}
	return 0;
}

int hvctl_trace(int argc, char **argv)
{
	static struct ctl_reply legend, win;
	struct ctl_req rq = { .cmd = CTL_TRACE_START };
	struct tj_cpu cpus[CTL_CPUS_MAX] = { { 0 } };
	const char *file = NULL;
	double secs = 1;
	uint32_t n_cpus;
	int opt, r;
	long events;
	FILE *f;

	optind = 2;
	while ((opt = getopt(argc, argv, "d:o:")) != -1) {
		char *end;

		if (opt == 'o') {
			file = optarg;
			continue;
		}
		if (opt != 'd')
			return usage();
		secs = strtod(optarg, &end);
		if (*end || end == optarg || !(secs >= 0.001 && secs <= 3600)) {
			fprintf(stderr, "hvctl: trace: -d '%s' is not 0.001..3600 seconds\n",
				optarg);
			return 2;
		}
	}
	if (optind != argc || !file)
		return usage();
	/* The file first: a bad path fails before the trace, not after. */
	f = fopen(file, "w");
	if (!f) {
		fprintf(stderr, "hvctl: trace: %s: %s\n", file, strerror(errno));
		return 1;
	}
	r = hvctl_call(&rq, &legend);
	if (!r && legend.trace_part != CTL_TP_LEGEND) {
		fprintf(stderr, "hvctl: trace: a malformed trace-start reply\n");
		r = 3;
	}
	if (r)
		goto out;
	fprintf(stderr, "hvctl: trace: recording %.3f s on %u pCPU(s)...\n",
		secs, legend.trace.n_cpus);
	wait_for(secs);
	rq = (struct ctl_req){ .cmd = CTL_TRACE_STOP,
			       .session = legend.trace.session };
	r = hvctl_call(&rq, &win);
	if (!r && (win.trace_part != CTL_TP_WINDOWS ||
		   win.trace.n_cpus != legend.trace.n_cpus)) {
		fprintf(stderr, "hvctl: trace: a malformed trace-stop reply\n");
		r = 3;
	}
	n_cpus = win.trace.n_cpus;
	for (uint32_t c = 0; !r && c < n_cpus; c++)
		r = read_cpu(legend.trace.session, c, win.trace.start[c],
			     win.trace.end[c], &cpus[c]);
	if (r)
		goto out;
	events = trace_json_write(f, &legend.trace, cpus, n_cpus);
	if (events < 0 || fflush(f)) {
		fprintf(stderr, "hvctl: trace: %s: %s\n", file, strerror(errno));
		r = 1;
		goto out;
	}
	for (uint32_t c = 0; c < n_cpus; c++) {
		printf("hvctl: trace: pCPU %u: %llu records", c,
		       (unsigned long long)cpus[c].n);
		if (cpus[c].lost)
			printf(", the %llu before them lost (the ring holds %u: raise trace_records in hvisor.ini)",
			       (unsigned long long)cpus[c].lost,
			       legend.trace.capacity);
		printf("\n");
	}
	printf("hvctl: trace: %ld events to %s\n", events, file);
out:
	for (uint32_t c = 0; c < CTL_CPUS_MAX; c++)
		free((void *)cpus[c].recs);
	if (fclose(f) && !r) {
		fprintf(stderr, "hvctl: trace: %s: %s\n", file, strerror(errno));
		r = 1;
	}
	return r;
}
