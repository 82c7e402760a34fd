/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The scheduler's event trace: one ring of fixed-size records per pCPU,
 * written only by that pCPU (no lock), the newest kept. Recording is
 * switched on from boot (hvisor.ini trace_boot, printed at the end of a
 * run) or for a while by hvctl trace (src/core/ctl.c, read while the
 * rig runs); off, a call costs a load and a branch.
 */
#ifndef HV_SCHED_TRACE_H
#define HV_SCHED_TRACE_H

#include <stdbool.h>
#include <stdint.h>

enum trace_type {
	TR_PICK,	/* ent: what runs now; arg: TRP_* | prev ent */
	TR_IRQ,		/* ent: got an interrupt; arg: TRI_* | its queue << 8 */
	TR_WAKE,	/* ent: woken; arg: 1 if it preempts | its queue << 8 */
	TR_BLOCK,	/* ent: halted */
	TR_MOVE,	/* ent: moved; arg: from << 8 | to */
	TR_SLICE,	/* ent: its slice ended with another waiting */
	TR_YIELD,	/* ent: yielded (PAUSE loop, PV yield) */
	TR_EXIT,	/* ent: the vCPU that exited; arg: exit reason */
	TR_MARK,	/* ent: the vCPU that wrote a mark; arg: the tag */
	TR_POLICY,	/* every pCPU switched policy; arg: enum sched_policy_id */
	TR_TYPES
};

/* TR_PICK's arg: the previous entity in the low 16 bits (TRACE_NONE: none). */
#define TRP_EARLY	(1u << 16)	/* an early run for an interrupt */
#define TRP_SAME	(1u << 17)	/* the same one goes on */

/* TR_IRQ's arg, low byte: what sched_interrupt() did. */
enum trace_irq {
	TRI_NONE,	/* nothing to decide (no policy hook, already next) */
	TRI_EXTEND,	/* running: keeps its pCPU for the boost slice */
	TRI_NEXT,	/* queued: runs next, the pick is on its way */
	TRI_PREEMPT,	/* queued: runs next, the running one is cut now */
	TRI_AFTER_RUN,	/* queued: runs next, after the running early run */
	TRI_BEHIND,	/* another waits for its early run: comes after it */
	TRI_CAPPED,	/* refused: too far ahead in virtual time */
	TRI_THIRD,	/* a third while two wait: waits its turn */
	TRI_OPEN,	/* running early: its window opened, the run restarts */
	TRI_DONE,	/* guarded: back where it was interrupted, the guard ends */
};

#define TRACE_NONE	0xffff

struct trace_rec {
	uint64_t tsc;
	uint32_t arg;
	uint16_t ent;
	uint8_t type;
	uint8_t pad;
};

/*
 * @n_cpus rings of @per_cpu records each (a power of two) in @mem, not
 * recording yet. @per_cpu 0: no rings. Returns -1 on a bad size.
 */
int trace_init(uint32_t n_cpus, struct trace_rec *mem, uint32_t per_cpu);
/* Records per ring (0: no rings) and the number of rings. */
uint32_t trace_capacity(void);
uint32_t trace_cpus(void);
bool trace_enabled(void);
/* Start or stop recording (no-op without rings); any pCPU, any time. */
void trace_set_enabled(bool enable);
/* Records ever written to @cpu's ring: the next record's index. */
uint64_t trace_pos(uint32_t cpu);
/*
 * Copy records [*@from, @to) of @cpu's ring, at most @max, into @out,
 * while that pCPU may go on writing: records already overwritten are
 * skipped and *@from is set to the index of the first one copied.
 * Returns how many were copied.
 */
uint32_t trace_read(uint32_t cpu, uint64_t *from, uint64_t to,
		    struct trace_rec *out, uint32_t max);
void trace_rec(uint32_t cpu, uint64_t tsc, enum trace_type type,
	       uint16_t ent, uint32_t arg);
const char *trace_type_name(enum trace_type type);
/* TR_IRQ's decision (enum trace_irq) by name, "?" if none. */
const char *trace_irq_name(uint32_t what);

/*
 * Every ring, oldest record first, one line each:
 *   "trace C TSC TYPE ENT ARG" (ENT "-" for none, ARG in hex),
 * after a line "trace-cpu C records N lost L". Call with every pCPU
 * stopped.
 */
void trace_dump(void (*print)(void *ctx, const char *line), void *ctx);

#endif
