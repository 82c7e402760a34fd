// SPDX-License-Identifier: GPL-2.0
/*
 * hvctl requests from the root guest (see ctl.h). The port's input comes
 * from the root guest's console device, under its pci_lock, on the pCPU
 * that took the notify; a request is answered there and then: each
 * command is a few loads, or a stop or restart that only marks the guest
 * and arms its timer (vm_stop(), vm_restart()), so nothing waits.
 */
#include <errno.h>
#include <string.h>
#include "sched/sched.h"
#include "sched/trace.h"
#include "src/arch/percpu.h"
#include "src/arch/printk.h"
#include "src/arch/tsc.h"
#include "src/arch/x86.h"
#include "src/core/ctl.h"
#include "src/core/ctlmsg.h"
#include "src/core/vendor.h"
#include "src/core/vm.h"
#include "src/lib/fmt.h"

/* One root guest, one port: its request bytes so far, and a reply. */
static struct vm *ctl_vm;
static uint8_t req_buf[CTL_MSG_MAX];
static size_t req_len;
static uint8_t reply_buf[CTL_MSG_MAX];
static struct ctl_reply reply;

/*
 * hvctl trace's session: one at a time, a new start takes over (a
 * killed hvctl leaves nothing locked). Recording is switched on by the
 * start unless trace_boot had it on already, and off by the stop.
 */
static struct {
	uint32_t id;
	bool started, stopped;
	bool own;		/* this session switched recording on */
	uint32_t n_cpus;
	uint64_t start[CTL_CPUS_MAX], end[CTL_CPUS_MAX];
} tsess;

static struct vm *find(const char *name)
{
	for (uint32_t i = 0; i < nr_vms; i++)
		if (!strcmp(vms[i].name, name))
			return &vms[i];
	return NULL;
}

static void fail(int err, const char *fmt, const char *name)
{
	reply.status = err;
	hv_snprintf(reply.error, sizeof(reply.error), fmt, name);
}

static void do_list(const struct ctl_req *r)
{
	hv_snprintf(reply.scheduler, sizeof(reply.scheduler), "%s",
		    sched_current_policy());
	for (uint32_t i = 0; i < nr_vms && i < CTL_GUESTS_MAX; i++) {
		const struct vm *vm = &vms[i];
		struct ctl_guest *g = &reply.guests[reply.n_guests++];

		hv_snprintf(g->name, sizeof(g->name), "%s", vm->name);
		hv_snprintf(g->state, sizeof(g->state), "%s", vm_state_name(vm));
		g->vcpus = vm->cfg->vcpus;
		g->cpus = vm->affinity;
		g->restarts = vm->n_restarts;
		g->weight = vm->weight;
		g->exit_code = vm_stopped(vm) ? vm->exit_code : 0;
		g->root = vm->cfg->root;
	}
}

/* A guest's exits by reason, the CTL_REASONS_MAX busiest, busiest first. */
static void top_reasons(const struct vm *vm, struct ctl_guest *g)
{
	uint64_t n[VCPU_EXIT_CODES];

	vm_exits_by_reason(vm, n);
	while (g->n_reasons < CTL_REASONS_MAX) {
		uint32_t best = 0;

		for (uint32_t r = 1; r < VCPU_EXIT_CODES; r++)
			if (n[r] > n[best])
				best = r;
		if (!n[best])
			break;
		hv_snprintf(g->reason[g->n_reasons], sizeof(g->reason[0]), "%s",
			    vendor_exit_name(best));
		g->reason_exits[g->n_reasons++] = n[best];
		n[best] = 0;
	}
}

/* list, and each started vCPU's counters, brought up to now. */
static void do_top(const struct ctl_req *r)
{
	uint64_t now = rdtsc();

	do_list(r);
	reply.now_us = sched_ticks_to_us(now);
	for (uint32_t i = 0; i < reply.n_guests; i++) {
		struct vm *vm = &vms[i];
		struct ctl_guest *g = &reply.guests[i];

		if (__atomic_load_n(&vm->state, __ATOMIC_ACQUIRE) != VM_RUNNING)
			continue;
		for (uint32_t j = 0; j < vm->n_vcpus && j < CTL_VCPUS_MAX; j++) {
			struct vcpu *v = &vm->vcpus[j];
			const struct sched_stats *st = &v->se.st;
			struct ctl_vcpu *c = &g->vcpu[g->n_stats++];

			if (vcpu_started(v))
				sched_account(&v->se, now);
			c->run_us = sched_ticks_to_us(st->run);
			c->wait_us = sched_ticks_to_us(st->wait);
			c->blocked_us = sched_ticks_to_us(st->blocked);
			c->switches = st->switches;
			c->exits = v->nr_exits;
			c->pcpu = v->se.cpu;
			c->wake_p50_us = (uint32_t)sched_hist_pct_us(st->wake_lat, 50);
			c->wake_p99_us = (uint32_t)sched_hist_pct_us(st->wake_lat, 99);
		}
		top_reasons(vm, g);
	}
}

/* Every pCPU to fair or rr, the vCPUs' queues moved across. */
static void do_policy(const struct ctl_req *r)
{
	int err;

	if (!strcmp(r->policy, "fair")) {
		err = sched_set_policy(SCHED_FAIR, rdtsc());
	} else if (!strcmp(r->policy, "rr")) {
		err = sched_set_policy(SCHED_RR, rdtsc());
	} else {
		fail(-EINVAL, !strcmp(r->policy, "partition") ?
		     "'%s' is chosen at boot (scheduler = partition), not switched to" :
		     "no scheduler '%s' (fair, rr)", r->policy);
		return;
	}
	if (err)
		fail(err, "switching to '%s' failed", r->policy);
	else
		pr_info("hvisor: hvctl: every pCPU runs the %s scheduler now\n",
			sched_current_policy());
}

/*
 * Every vCPU of a guest (the root too) to a new weight and/or set of
 * pCPUs, kept over restarts.
 */
static void do_set(const struct ctl_req *r)
{
	struct vm *vm = find(r->guest);
	uint64_t now = rdtsc(), online = 0;

	if (!vm) {
		fail(-ENOENT, "no guest '%s'", r->guest);
		return;
	}
	if (r->weight > 65535) {
		fail(-EINVAL, "weight out of range (1..65535) for '%s'", r->guest);
		return;
	}
	for (uint32_t c = 0; c < nr_cpus && c < 64; c++)
		if (cpus[c].virt_on)
			online |= 1ULL << c;
	if (r->cpus & ~online) {
		fail(-EINVAL, "'%s': cpus names a pCPU hvisor does not run guests on",
		     r->guest);
		return;
	}
	if (r->cpus && !strcmp(sched_current_policy(), "partition")) {
		fail(-EPERM, "'%s': partition pins each vCPU to its pCPU for good",
		     r->guest);
		return;
	}
	if (r->weight) {
		vm->weight = r->weight;
		for (uint32_t i = 0; i < vm->n_vcpus; i++)
			sched_set_weight(&vm->vcpus[i].se, r->weight, now);
		pr_info("hvisor: hvctl: guest '%s' has weight %u now\n", vm->name,
			r->weight);
	}
	if (r->cpus) {
		vm->affinity = r->cpus;
		for (uint32_t i = 0; i < vm->n_vcpus; i++)
			sched_set_affinity(&vm->vcpus[i].se, r->cpus, now);
		pr_info("hvisor: hvctl: guest '%s' runs on pCPUs %#lx now\n",
			vm->name, r->cpus);
	}
}

/* trace-start: note where each ring is, record, and send the legend. */
static void do_trace_start(const struct ctl_req *r)
{
	struct ctl_trace *t = &reply.trace;

	if (!trace_capacity()) {
		fail(-ENODEV, "no trace rings: hvisor.ini has trace_records = 0%s", "");
		return;
	}
	if (trace_cpus() > CTL_CPUS_MAX) {
		fail(-E2BIG, "more pCPUs than a trace covers%s", "");
		return;
	}
	tsess.id = tsess.id + 1 ? tsess.id + 1 : 1;
	tsess.n_cpus = trace_cpus();
	for (uint32_t c = 0; c < tsess.n_cpus; c++)
		tsess.start[c] = trace_pos(c);
	/* A session taken over mid-way keeps what it had switched on. */
	if (!(tsess.started && !tsess.stopped && tsess.own))
		tsess.own = !trace_enabled();
	tsess.started = true;
	tsess.stopped = false;
	trace_set_enabled(true);

	reply.trace_part = CTL_TP_LEGEND;
	t->session = tsess.id;
	t->capacity = trace_capacity();
	t->n_cpus = tsess.n_cpus;
	t->tsc_khz = tsc_khz;
	/* A pCPU may run one vCPU the whole trace: no pick would name it. */
	for (uint32_t c = 0; c < tsess.n_cpus; c++) {
		struct sched_entity *se = sched_current(c);

		t->running[c] = se ? se->tid : TRACE_NONE;
	}
	for (uint32_t i = 0; i < nr_vms; i++)
		for (uint32_t j = 0; j < vms[i].n_vcpus; j++) {
			if (t->n_ents == CTL_TRACE_ENTS)
				break;
			t->ent_id[t->n_ents] = vms[i].vcpus[j].se.tid;
			hv_snprintf(t->ent_name[t->n_ents], sizeof(t->ent_name[0]),
				    "%s", vms[i].vcpus[j].name);
			t->n_ents++;
		}
	t->n_exit_names = CTL_EXIT_NAMES;
	for (uint32_t code = 0; code < CTL_EXIT_NAMES; code++)
		hv_snprintf(t->exit_name[code], sizeof(t->exit_name[0]), "%s",
			    vendor_exit_name(code));
	pr_info("hvisor: hvctl: trace session %u records into %u ring(s) of %u\n",
		tsess.id, tsess.n_cpus, t->capacity);
}

/* trace-stop and trace-read name the current session. */
static bool trace_session_ok(const struct ctl_req *r)
{
	if (!tsess.started || r->session != tsess.id) {
		reply.status = -ESTALE;
		hv_snprintf(reply.error, sizeof(reply.error),
			    "trace session %u is not the current one (%u): another hvctl trace started since",
			    r->session, tsess.id);
		return false;
	}
	return true;
}

/* trace-stop: recording off (if this session put it on), the windows. */
static void do_trace_stop(const struct ctl_req *r)
{
	struct ctl_trace *t = &reply.trace;

	if (!trace_session_ok(r))
		return;
	if (!tsess.stopped) {
		if (tsess.own)
			trace_set_enabled(false);
		for (uint32_t c = 0; c < tsess.n_cpus; c++)
			tsess.end[c] = trace_pos(c);
		tsess.stopped = true;
	}
	reply.trace_part = CTL_TP_WINDOWS;
	t->session = tsess.id;
	t->n_cpus = tsess.n_cpus;
	memcpy(t->start, tsess.start, sizeof(t->start));
	memcpy(t->end, tsess.end, sizeof(t->end));
}

/* trace-read: a stopped session's records of one pCPU, a reply's worth. */
static void do_trace_read(const struct ctl_req *r)
{
	struct ctl_trace *t = &reply.trace;
	uint64_t from = r->from;

	if (!trace_session_ok(r))
		return;
	if (!tsess.stopped) {
		fail(-EINVAL, "trace session %s is still recording: stop it first", "");
		return;
	}
	if (r->cpu >= tsess.n_cpus || from < tsess.start[r->cpu] ||
	    from > tsess.end[r->cpu]) {
		fail(-EINVAL, "no such pCPU or index in the trace%s", "");
		return;
	}
	reply.trace_part = CTL_TP_RECORDS;
	t->session = tsess.id;
	t->cpu = r->cpu;
	t->n_recs = trace_read(r->cpu, &from, tsess.end[r->cpu], t->recs,
			       CTL_TRACE_RECS);
	t->from = from;
}

/* stop and restart: any guest but the root itself. */
static void do_guest(const struct ctl_req *r)
{
	struct vm *vm = find(r->guest);

	if (!vm) {
		fail(-ENOENT, "no guest '%s'", r->guest);
	} else if (vm->cfg->root) {
		fail(-EPERM, "'%s' is the root guest: hvctl does not stop or restart it",
		     r->guest);
	} else if (r->cmd == CTL_STOP) {
		if (vm_stopped(vm))
			fail(-EALREADY, "guest '%s' is not running", r->guest);
		else
			vm_halt(vm, "stopped by hvctl");
	} else if (vm_restart(vm, "restart asked by hvctl")) {
		fail(-EBUSY, "guest '%s' is being restarted already", r->guest);
	}
}

/* The reply, encoded, to the root guest's port. */
static void send_reply(void)
{
	int n = ctl_reply_encode(reply_buf, sizeof(reply_buf), &reply);

	if (n < 0)
		pr_warn("hvisor: hvctl: a reply does not fit (%d)\n", n);
	else
		virtio_console_port_send(&ctl_vm->vcon, reply_buf, (size_t)n);
}

/* One handler per command; ctl_req_decode() gives only known ones. */
static void (*const handlers[CTL_CMD_N])(const struct ctl_req *r) = {
	[CTL_LIST] = do_list, [CTL_TOP] = do_top, [CTL_STOP] = do_guest,
	[CTL_RESTART] = do_guest, [CTL_POLICY] = do_policy, [CTL_SET] = do_set,
	[CTL_TRACE_START] = do_trace_start, [CTL_TRACE_STOP] = do_trace_stop,
	[CTL_TRACE_READ] = do_trace_read,
};

static void answer(const uint8_t *msg, size_t len)
{
	struct ctl_req r;
	int err;

	memset(&reply, 0, sizeof(reply));
	err = ctl_req_decode(msg, len, &r);
	if (err == -EPROTO)
		fail(err, "hvctl speaks another version of the protocol%s", "");
	else if (err)
		fail(err, "a malformed request%s", "");
	else
		handlers[r.cmd](&r);
	send_reply();
}

/* Not a message: what came is dropped, and answered once. */
static void garbage(void)
{
	req_len = 0;
	memset(&reply, 0, sizeof(reply));
	fail(-EINVAL, "not an hvctl message%s", "");
	send_reply();
}

static void input(void *ctx, const uint8_t *buf, size_t len)
{
	long n;

	while (len) {
		/* A whole message always fits: CTL_MSG_MAX is the buffer. */
		size_t take = sizeof(req_buf) - req_len;

		if (take > len)
			take = len;
		memcpy(req_buf + req_len, buf, take);
		req_len += take;
		buf += take;
		len -= take;
		while ((n = ctl_msg_len(req_buf, req_len)) != 0) {
			if (n < 0) {
				garbage();
				return;
			}
			if ((size_t)n > req_len)
				break;
			answer(req_buf, (size_t)n);
			memmove(req_buf, req_buf + n, req_len - (size_t)n);
			req_len -= (size_t)n;
		}
	}
}

static void opened(void *ctx, bool open)
{
	/* A new user starts a new stream: no half request of the last one. */
	req_len = 0;
}

static const struct vcon_port_ops port_ops = {
	.name = "hvisor.ctl", .input = input, .opened = opened,
};

const struct vcon_port_ops *ctl_port(struct vm *vm)
{
	if (!vm->cfg->root)
		return NULL;
	ctl_vm = vm;
	return &port_ops;
}
