/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvctl's messages between the root guest and hvisor: flattened device
 * trees built and read with libfdt, one per request and one per reply,
 * over the root guest's virtio-console port "hvisor.ctl". An FDT carries
 * its own length (totalsize), so a byte stream needs no other framing.
 * The schema (version 1) is in docs/DESIGN.md, "hvctl"; this plain C
 * module is the one place that writes and reads it, for both sides
 * (tests/unit/test_ctlmsg.c).
 */
#ifndef HV_CORE_CTLMSG_H
#define HV_CORE_CTLMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sched/trace.h"

#define CTL_VERSION	1
#define CTL_MSG_MAX	16384	/* bytes, either way */
#define CTL_NAME_MAX	32
#define CTL_ERROR_MAX	160
#define CTL_GUESTS_MAX	8
#define CTL_VCPUS_MAX	8
#define CTL_CPUS_MAX	16	/* pCPUs a trace covers */
#define CTL_TRACE_ENTS	64	/* guests x vCPUs */
#define CTL_EXIT_NAMES	80	/* exit codes named in a trace */
#define CTL_EXIT_NAME_MAX 32
#define CTL_TRACE_RECS	900	/* records in one trace-read reply */
#define CTL_REASONS_MAX	12	/* top: a guest's busiest exit reasons */

enum ctl_cmd {
	CTL_LIST,	/* the guests and their state */
	CTL_STOP,	/* stop guest .guest */
	CTL_RESTART,	/* rebuild guest .guest from its images */
	CTL_TOP,	/* list, with each vCPU's counters */
	CTL_POLICY,	/* every pCPU to scheduler .policy */
	CTL_SET,	/* guest .guest's vCPUs get .weight and/or .cpus */
	CTL_TRACE_START, /* record into the rings: a new trace session */
	CTL_TRACE_STOP,	/* stop .session's recording: its windows */
	CTL_TRACE_READ,	/* .session's records of .cpu from index .from */
	CTL_CMD_N,
};

struct ctl_req {
	enum ctl_cmd cmd;
	char guest[CTL_NAME_MAX];	/* stop, restart, set */
	char policy[16];		/* policy */
	uint32_t weight;		/* set: 1..65535, 0: unchanged */
	uint64_t cpus;			/* set: affinity mask, 0: unchanged */
	uint32_t session;		/* trace-stop, trace-read */
	uint32_t cpu;			/* trace-read */
	uint64_t from;			/* trace-read */
};

/* A vCPU's counters since its guest (re)started; top takes differences. */
struct ctl_vcpu {
	uint64_t run_us, wait_us, blocked_us;	/* wait: runnable, not running */
	uint64_t switches, exits;
	uint32_t pcpu;			/* where it runs or last ran */
	uint32_t wake_p50_us, wake_p99_us;	/* log2 bucket upper bounds */
};

struct ctl_guest {
	char name[CTL_NAME_MAX];
	char state[16];		/* running, stopped, restarting */
	uint32_t vcpus;
	uint64_t cpus;		/* pCPUs its vCPUs may use, a mask */
	uint32_t restarts;
	uint32_t weight;
	int32_t exit_code;	/* when stopped */
	bool root;
	uint32_t n_stats;	/* top: vcpu[] filled */
	struct ctl_vcpu vcpu[CTL_VCPUS_MAX];
	/* top: its exits by reason since its (re)start, the busiest first. */
	uint32_t n_reasons;
	char reason[CTL_REASONS_MAX][CTL_EXIT_NAME_MAX];
	uint64_t reason_exits[CTL_REASONS_MAX];
};

/*
 * A trace session's part of a reply. trace-start: the legend (entity
 * numbers to vCPU names, exit codes to names, TSC rate, ring size);
 * trace-stop: each pCPU's window [start, end) of ring indices;
 * trace-read: records from index .from of pCPU .cpu.
 */
struct ctl_trace {
	uint32_t session;
	uint32_t capacity;	/* records per pCPU ring */
	uint32_t n_cpus;
	uint64_t tsc_khz;
	uint32_t running[CTL_CPUS_MAX];	/* what each pCPU ran at the start */
	uint64_t start[CTL_CPUS_MAX], end[CTL_CPUS_MAX];
	uint32_t n_ents;
	uint32_t ent_id[CTL_TRACE_ENTS];
	char ent_name[CTL_TRACE_ENTS][CTL_NAME_MAX + 8];	/* "guest/N" */
	uint32_t n_exit_names;
	char exit_name[CTL_EXIT_NAMES][CTL_EXIT_NAME_MAX];
	uint32_t cpu;
	uint64_t from;
	uint32_t n_recs;
	struct trace_rec recs[CTL_TRACE_RECS];
};

enum ctl_trace_part {
	CTL_TP_NONE, CTL_TP_LEGEND, CTL_TP_WINDOWS, CTL_TP_RECORDS,
};

struct ctl_reply {
	int32_t status;		/* 0, or a negative errno */
	char error[CTL_ERROR_MAX];	/* what went wrong, when status < 0 */
	char scheduler[16];
	uint64_t now_us;	/* top: when the counters were read (TSC) */
	uint32_t n_guests;
	struct ctl_guest guests[CTL_GUESTS_MAX];
	enum ctl_trace_part trace_part;	/* which of .trace is there */
	struct ctl_trace trace;
};

/* A command's name ("list") and back; -1 for an unknown name. */
const char *ctl_cmd_name(enum ctl_cmd c);
int ctl_cmd_parse(const char *name);
/*
 * How long the message at the start of @buf (@have bytes so far) is: 0
 * when its header is not all there yet, -EINVAL when it is no FDT or is
 * longer than CTL_MSG_MAX.
 */
long ctl_msg_len(const void *buf, size_t have);
/* Write @r into @buf (@len bytes): the message's length, or -errno. */
int ctl_req_encode(void *buf, size_t len, const struct ctl_req *r);
int ctl_reply_encode(void *buf, size_t len, const struct ctl_reply *r);
/*
 * Read and check a message: version, command, names (printable, NUL
 * within their size), counts. 0, or -EINVAL / -EPROTO / -E2BIG.
 */
int ctl_req_decode(const void *buf, size_t len, struct ctl_req *r);
int ctl_reply_decode(const void *buf, size_t len, struct ctl_reply *r);

#endif
