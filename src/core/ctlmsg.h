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

#define CTL_VERSION	1
#define CTL_MSG_MAX	16384	/* bytes, either way */
#define CTL_NAME_MAX	32
#define CTL_ERROR_MAX	160
#define CTL_GUESTS_MAX	8
#define CTL_VCPUS_MAX	8

enum ctl_cmd {
	CTL_LIST,	/* the guests and their state */
	CTL_STOP,	/* stop guest .guest */
	CTL_RESTART,	/* rebuild guest .guest from its images */
	CTL_TOP,	/* list, with each vCPU's counters */
	CTL_POLICY,	/* every pCPU to scheduler .policy */
	CTL_SET,	/* guest .guest's vCPUs get .weight */
	CTL_CMD_N,
};

struct ctl_req {
	enum ctl_cmd cmd;
	char guest[CTL_NAME_MAX];	/* stop, restart */
	char policy[16];		/* policy */
	uint32_t weight;		/* set: 1..65535 */
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
};

struct ctl_reply {
	int32_t status;		/* 0, or a negative errno */
	char error[CTL_ERROR_MAX];	/* what went wrong, when status < 0 */
	char scheduler[16];
	uint64_t now_us;	/* top: when the counters were read (TSC) */
	uint32_t n_guests;
	struct ctl_guest guests[CTL_GUESTS_MAX];
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
