/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvctl trace's output: the scheduler's event records (sched/trace.h) of
 * each pCPU as a Chrome/Perfetto trace-event JSON file. One track per
 * pCPU shows what ran there (a complete event from each pick to the
 * next, early runs for an interrupt marked) and, as instant events,
 * interrupt decisions, wake-ups, blocks, migrations, slice ends, yields,
 * guest marks and VM exits. Times are microseconds of TSC time from the
 * first record (guest time under Bochs with clock sync=none).
 */
#ifndef HV_TRACEJSON_H
#define HV_TRACEJSON_H

#include <stdint.h>
#include <stdio.h>

#include "src/core/ctlmsg.h"

/* One pCPU's records, oldest first, and how many the ring lost before them. */
struct tj_cpu {
	const struct trace_rec *recs;
	uint64_t n;
	uint64_t lost;
};

/*
 * Write the timeline of @n_cpus rings to @f; @legend names the entities
 * and exit codes and gives the TSC rate (a trace-start reply). Returns
 * the number of events written, or -1 on a write error.
 */
long trace_json_write(FILE *f, const struct ctl_trace *legend,
		      const struct tj_cpu *cpus, uint32_t n_cpus);

#endif
