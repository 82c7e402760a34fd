// SPDX-License-Identifier: GPL-2.0
/*
 * hvctl list | top | stop | restart | policy | set (and trace, in
 * hvctl_trace.c): requests to the running
 * hvisor and their replies, as FDT messages (src/core/ctlmsg.h) over the root
 * guest's virtio-console port named hvisor.ctl. Linux names it in
 * /sys/class/virtio-ports/vportNpM/name; the device is /dev/vportNpM
 * (udev would add /dev/virtio-ports/hvisor.ctl; the test initramfs has
 * no udev). HVCTL_PORT=PATH names the device instead.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <getopt.h>

#include "src/core/config.h"
#include "src/core/ctlmsg.h"
#include "src/hvctl.h"

#define PORT_NAME	"hvisor.ctl"
#define CLASS_DIR	"/sys/class/virtio-ports"
#define REPLY_WAIT_MS	10000

/* The user's commands: the wire's, less the steps of a trace, plus trace. */
int hvctl_ctl_cmd(const char *cmd)
{
	return !strcmp(cmd, "trace") ||
	       (ctl_cmd_parse(cmd) >= 0 && strncmp(cmd, "trace-", 6));
}

/* The port's device: $HVCTL_PORT, or the vport whose name is hvisor.ctl. */
static int find_port(char *path, size_t size)
{
	const char *env = getenv("HVCTL_PORT");
	struct dirent *e;
	DIR *d;

	if (env && *env) {
		snprintf(path, size, "%s", env);
		return 0;
	}
	d = opendir(CLASS_DIR);
	while (d && (e = readdir(d))) {
		char file[512], name[64] = "";
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(file, sizeof(file), CLASS_DIR "/%s/name", e->d_name);
		f = fopen(file, "r");
		if (!f)
			continue;
		if (fgets(name, sizeof(name), f))
			name[strcspn(name, "\n")] = 0;
		fclose(f);
		if (!strcmp(name, PORT_NAME)) {
			snprintf(path, size, "/dev/%s", e->d_name);
			closedir(d);
			return 0;
		}
	}
	if (d)
		closedir(d);
	return -ENOENT;
}

static int write_all(int fd, const uint8_t *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* One whole reply, however the port cuts it; -1 on timeout or error. */
static int read_reply(int fd, uint8_t *buf, size_t max, size_t *len)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	long want;

	*len = 0;
	for (;;) {
		ssize_t n;

		want = ctl_msg_len(buf, *len);
		if (want < 0)
			return -1;
		if (want > 0 && (size_t)want <= *len)
			return 0;
		if (poll(&p, 1, REPLY_WAIT_MS) != 1)
			return -1;
		n = read(fd, buf + *len, max - *len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		*len += (size_t)n;
	}
}

int hvctl_call(const struct ctl_req *rq, struct ctl_reply *rp)
{
	static uint8_t buf[CTL_MSG_MAX];
	char path[300];
	size_t len;
	int fd, n;

	if (find_port(path, sizeof(path))) {
		fprintf(stderr, "hvctl: no virtio-console port named " PORT_NAME
			" (run hvctl in hvisor's root guest, with virtio = console)\n");
		return 3;
	}
	fd = open(path, O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "hvctl: %s: %s\n", path, strerror(errno));
		return 3;
	}
	n = ctl_req_encode(buf, sizeof(buf), rq);
	if (n < 0 || write_all(fd, buf, (size_t)n)) {
		fprintf(stderr, "hvctl: %s: cannot send the request\n", path);
		close(fd);
		return 3;
	}
	if (read_reply(fd, buf, sizeof(buf), &len)) {
		fprintf(stderr, "hvctl: %s: no reply from hvisor (the port closed, or %d s passed)\n",
			path, REPLY_WAIT_MS / 1000);
		close(fd);
		return 3;
	}
	close(fd);
	n = ctl_reply_decode(buf, len, rp);
	if (n) {
		fprintf(stderr, "hvctl: a malformed reply from hvisor (%s)\n",
			strerror(-n));
		return 3;
	}
	if (rp->status) {
		fprintf(stderr, "hvctl: %s: %s\n", ctl_cmd_name(rq->cmd),
			rp->error[0] ? rp->error : strerror(-rp->status));
		return 1;
	}
	return 0;
}

static void print_list(const struct ctl_reply *r)
{
	printf("%-16s %-10s %5s %-8s %6s %8s %s\n", "GUEST", "STATE", "VCPUS",
	       "CPUS", "WEIGHT", "RESTARTS", "ROOT");
	for (uint32_t i = 0; i < r->n_guests; i++) {
		const struct ctl_guest *g = &r->guests[i];
		char cpus[64], state[32];

		format_cpus(g->cpus, cpus, sizeof(cpus));
		snprintf(state, sizeof(state), "%s", g->state);
		if (!strcmp(g->state, "stopped"))
			snprintf(state, sizeof(state), "stopped:%d", g->exit_code);
		printf("%-16s %-10s %5u %-8s %6u %8u %s\n", g->name, state,
		       g->vcpus, cpus, g->weight, g->restarts,
		       g->root ? "yes" : "-");
	}
	printf("scheduler %s\n", r->scheduler);
}

/* 100 * part / whole, one decimal, as text. */
static const char *pct(uint64_t part, uint64_t whole, char *buf, size_t size)
{
	uint64_t t = whole ? (part * 1000 + whole / 2) / whole : 0;

	snprintf(buf, size, "%llu.%llu", (unsigned long long)(t / 10),
		 (unsigned long long)(t % 10));
	return buf;
}

/* Per second over @us microseconds. */
static unsigned long long rate(uint64_t n, uint64_t us)
{
	return us ? (unsigned long long)((n * 1000000 + us / 2) / us) : 0;
}

/*
 * A guest's exits per second by reason between two samples, the busiest
 * six: "linux          HLT 1200, preemption timer 800". The reason's
 * count in @o (the same run of the guest) is taken off.
 */
static void print_reasons(const struct ctl_guest *g, const struct ctl_guest *o,
			  uint64_t span)
{
	unsigned long long per_s[CTL_REASONS_MAX];
	bool done[CTL_REASONS_MAX] = { false };
	int shown;

	if (!g->n_reasons)
		return;
	for (uint32_t i = 0; i < g->n_reasons; i++) {
		uint64_t n = g->reason_exits[i];

		for (uint32_t k = 0; o && o->restarts == g->restarts &&
				     k < o->n_reasons; k++)
			if (!strcmp(o->reason[k], g->reason[i]) &&
			    o->reason_exits[k] <= n)
				n -= o->reason_exits[k];
		per_s[i] = rate(n, span);
	}
	printf("%-14s", g->name);
	for (shown = 0; shown < 6; shown++) {
		int best = -1;

		for (uint32_t i = 0; i < g->n_reasons; i++)
			if (!done[i] && (best < 0 || per_s[i] > per_s[best]))
				best = (int)i;
		if (best < 0 || !per_s[best])
			break;
		done[best] = true;
		printf("%s %s %llu", shown ? "," : "", g->reason[best],
		       per_s[best]);
	}
	printf("%s\n", shown ? "" : " none");
}

/* One table: what each vCPU did between two samples. */
static void print_top(const struct ctl_reply *a, const struct ctl_reply *b)
{
	uint64_t span = b->now_us - a->now_us;

	printf("hvctl top: %llu.%03llu s of guest time, scheduler %s\n",
	       (unsigned long long)(span / 1000000),
	       (unsigned long long)(span / 1000 % 1000), b->scheduler);
	printf("%-14s %4s %6s %6s %6s %7s %8s %8s %8s\n", "VCPU", "PCPU",
	       "RUN%", "STEAL%", "IDLE%", "SW/S", "EXITS/S", "WAKE_P50",
	       "WAKE_P99");
	for (uint32_t i = 0; i < b->n_guests; i++) {
		const struct ctl_guest *g = &b->guests[i];
		const struct ctl_guest *o = i < a->n_guests ? &a->guests[i] : NULL;

		if (!g->n_stats) {
			printf("%-14s %s\n", g->name, g->state);
			continue;
		}
		for (uint32_t v = 0; v < g->n_stats; v++) {
			const struct ctl_vcpu *n = &g->vcpu[v];
			struct ctl_vcpu d = *n;
			char name[48], r[24], w[24], k[24];
			uint64_t all;

			/* The same run of the guest: the difference; else all. */
			if (o && v < o->n_stats && o->restarts == g->restarts &&
			    o->vcpu[v].run_us <= n->run_us) {
				d.run_us -= o->vcpu[v].run_us;
				d.wait_us -= o->vcpu[v].wait_us;
				d.blocked_us -= o->vcpu[v].blocked_us;
				d.switches -= o->vcpu[v].switches;
				d.exits -= o->vcpu[v].exits;
			}
			all = d.run_us + d.wait_us + d.blocked_us;
			snprintf(name, sizeof(name), "%s/%u", g->name, v);
			printf("%-14s %4u %6s %6s %6s %7llu %8llu %8u %8u\n", name,
			       n->pcpu, pct(d.run_us, all, r, sizeof(r)),
			       pct(d.wait_us, all, w, sizeof(w)),
			       pct(d.blocked_us, all, k, sizeof(k)),
			       rate(d.switches, span), rate(d.exits, span),
			       n->wake_p50_us, n->wake_p99_us);
		}
	}
	printf("%-14s %s\n", "GUEST", "EXITS/S BY REASON");
	for (uint32_t i = 0; i < b->n_guests; i++)
		print_reasons(&b->guests[i],
			      i < a->n_guests ? &a->guests[i] : NULL, span);
}

/* hvctl top [-n COUNT] [-d SECONDS]: COUNT tables, SECONDS apart. */
static int top(int argc, char **argv)
{
	static struct ctl_reply a, b;
	struct ctl_req rq = { .cmd = CTL_TOP };
	long count = 0, secs = 1;
	int opt, r;

	optind = 2;
	while ((opt = getopt(argc, argv, "n:d:")) != -1) {
		char *end;
		long v = strtol(optarg ? optarg : "", &end, 10);

		if (opt == '?' || *end || v < 1 || v > 3600) {
			fprintf(stderr, "usage: hvctl top [-n COUNT] [-d SECONDS]\n");
			return 2;
		}
		if (opt == 'n')
			count = v;
		else
			secs = v;
	}
	if (optind != argc) {
		fprintf(stderr, "usage: hvctl top [-n COUNT] [-d SECONDS]\n");
		return 2;
	}
	r = hvctl_call(&rq, &a);
	for (long i = 0; !r && (!count || i < count); i++) {
		sleep((unsigned int)secs);
		r = hvctl_call(&rq, &b);
		if (r)
			break;
		if (isatty(STDOUT_FILENO) && count != 1)
			printf("\033[H\033[J");	/* a refreshing screen */
		print_top(&a, &b);
		fflush(stdout);
		a = b;
	}
	return r;
}

/* hvctl set GUEST [weight=N] [cpus=LIST]: at least one of the two. */
static int set(int argc, char **argv)
{
	static const char use[] = "usage: hvctl set GUEST [weight=N] [cpus=LIST]\n";
	static struct ctl_reply reply;
	struct ctl_req rq = { .cmd = CTL_SET };
	char cpus[64];
	int r;

	if (argc < 4 || argc > 5 || strlen(argv[2]) >= sizeof(rq.guest)) {
		fputs(use, stderr);
		return 2;
	}
	for (int i = 3; i < argc; i++) {
		const char *v = strchr(argv[i], '=');
		unsigned long w;
		uint64_t bad;
		char *end;

		if (v && !strncmp(argv[i], "weight=", 7) && !rq.weight) {
			errno = 0;
			w = strtoul(v + 1, &end, 10);
			if (errno || *end || !v[1] || w < 1 || w > 65535) {
				fprintf(stderr, "hvctl: set: weight '%s' is not 1..65535\n",
					v + 1);
				return 2;
			}
			rq.weight = (uint32_t)w;
		} else if (v && !strncmp(argv[i], "cpus=", 5) && !rq.cpus) {
			if (cfg_parse_cpus(v + 1, &rq.cpus, &bad) || !rq.cpus) {
				fprintf(stderr, "hvctl: set: cpus '%s' is not a list such as 0-1 or 0,2\n",
					v + 1);
				return 2;
			}
		} else {
			fputs(use, stderr);
			return 2;
		}
	}
	strcpy(rq.guest, argv[2]);
	r = hvctl_call(&rq, &reply);
	if (r)
		return r;
	printf("hvctl: guest '%s':", rq.guest);
	if (rq.weight)
		printf(" weight %u", rq.weight);
	if (rq.cpus) {
		format_cpus(rq.cpus, cpus, sizeof(cpus));
		printf(" cpus %s", cpus);
	}
	printf("\n");
	return 0;
}

int hvctl_ctl(int argc, char **argv)
{
	static struct ctl_reply reply;
	struct ctl_req rq = { .cmd = (enum ctl_cmd)ctl_cmd_parse(argv[1]) };
	int r;

	if (!strcmp(argv[1], "trace"))
		return hvctl_trace(argc, argv);
	if (rq.cmd == CTL_TOP)
		return top(argc, argv);
	if (rq.cmd == CTL_SET)
		return set(argc, argv);
	if (rq.cmd == CTL_LIST ? argc != 2 : argc != 3) {
		fprintf(stderr, "usage: hvctl list | top [-n COUNT] [-d SECONDS] | stop GUEST | restart GUEST | policy fair|rr | set GUEST [weight=N] [cpus=LIST] | trace [-d SECONDS] -o FILE.json\n");
		return 2;
	}
	if (rq.cmd != CTL_LIST) {
		char *to = rq.cmd == CTL_POLICY ? rq.policy : rq.guest;
		size_t max = rq.cmd == CTL_POLICY ? sizeof(rq.policy) :
			     sizeof(rq.guest);

		if (strlen(argv[2]) >= max) {
			fprintf(stderr, "hvctl: '%s' is too long\n", argv[2]);
			return 2;
		}
		strcpy(to, argv[2]);
	}
	r = hvctl_call(&rq, &reply);
	if (r)
		return r;
	if (rq.cmd == CTL_LIST)
		print_list(&reply);
	else if (rq.cmd == CTL_POLICY)
		printf("hvctl: every pCPU runs %s now\n", rq.policy);
	else
		printf("hvctl: guest '%s': %s\n", rq.guest,
		       rq.cmd == CTL_STOP ? "stopped" : "restarting");
	return 0;
}
