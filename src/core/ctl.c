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
#include "src/arch/printk.h"
#include "src/arch/x86.h"
#include "src/core/ctl.h"
#include "src/core/ctlmsg.h"
#include "src/core/vm.h"
#include "src/lib/fmt.h"

/* One root guest, one port: its request bytes so far, and a reply. */
static struct vm *ctl_vm;
static uint8_t req_buf[CTL_MSG_MAX];
static size_t req_len;
static uint8_t reply_buf[CTL_MSG_MAX];
static struct ctl_reply reply;

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

static void do_list(void)
{
	hv_snprintf(reply.scheduler, sizeof(reply.scheduler), "%s",
		    sched_current_policy());
	for (uint32_t i = 0; i < nr_vms && i < CTL_GUESTS_MAX; i++) {
		const struct vm *vm = &vms[i];
		struct ctl_guest *g = &reply.guests[reply.n_guests++];

		hv_snprintf(g->name, sizeof(g->name), "%s", vm->name);
		hv_snprintf(g->state, sizeof(g->state), "%s", vm_state_name(vm));
		g->vcpus = vm->cfg->vcpus;
		g->cpus = vm->cfg->cpus;
		g->restarts = vm->n_restarts;
		g->weight = vm->weight;
		g->exit_code = vm_stopped(vm) ? vm->exit_code : 0;
		g->root = vm->cfg->root;
	}
}

/* list, and each started vCPU's counters, brought up to now. */
static void do_top(void)
{
	uint64_t now = rdtsc();

	do_list();
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

/* Every vCPU of a guest (the root too) to a new weight, kept over restarts. */
static void do_set(const struct ctl_req *r)
{
	struct vm *vm = find(r->guest);
	uint64_t now = rdtsc();

	if (!vm) {
		fail(-ENOENT, "no guest '%s'", r->guest);
		return;
	}
	if (r->weight > 65535) {
		fail(-EINVAL, "weight out of range (1..65535) for '%s'", r->guest);
		return;
	}
	vm->weight = r->weight;
	for (uint32_t i = 0; i < vm->n_vcpus; i++)
		sched_set_weight(&vm->vcpus[i].se, r->weight, now);
	pr_info("hvisor: hvctl: guest '%s' has weight %u now\n", vm->name,
		r->weight);
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
	else if (r.cmd == CTL_LIST)
		do_list();
	else if (r.cmd == CTL_TOP)
		do_top();
	else if (r.cmd == CTL_POLICY)
		do_policy(&r);
	else if (r.cmd == CTL_SET)
		do_set(&r);
	else
		do_guest(&r);
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
