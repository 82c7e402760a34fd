/* SPDX-License-Identifier: GPL-2.0 */
/* What hvctl's files share (src/hvctl.c, hvctl_ctl.c, hvctl_trace.c). */
#ifndef HV_HVCTL_H
#define HV_HVCTL_H

#include <stddef.h>
#include <stdint.h>

/* "0,2-3" from a mask; "all" when every CPU is allowed. */
void format_cpus(uint64_t mask, char *buf, size_t size);
/*
 * hvctl list | top | stop GUEST | restart GUEST, in hvisor's root guest:
 * the exit status (0 done, 1 refused, 2 usage, 3 no answer from hvisor).
 */
int hvctl_ctl(int argc, char **argv);
/* Whether @cmd is one of hvctl_ctl()'s. */
int hvctl_ctl_cmd(const char *cmd);

struct ctl_req;
struct ctl_reply;
/*
 * One request to hvisor and its reply: 0, or the exit status with the
 * error already printed.
 */
int hvctl_call(const struct ctl_req *rq, struct ctl_reply *rp);
/* hvctl trace [-d SECONDS] -o FILE.json (src/hvctl_trace.c). */
int hvctl_trace(int argc, char **argv);

#endif
