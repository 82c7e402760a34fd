// SPDX-License-Identifier: GPL-2.0
/* Console input routing: one guest's keyboard at a time, and hypervisor keys. */
#include <stdbool.h>
#include "sched/timer.h"
#include "src/arch/tsc.h"
#include "src/conin.h"
#include "src/conkeys.h"
#include "src/arch/console.h"
#include "src/arch/printk.h"
#include "src/core/vm.h"
#include "src/core/dump.h"

#define POLL_MS		20
/* Bytes taken per poll: a 16550 FIFO and then some, without hogging CPU 0. */
#define POLL_BURST	64

static struct conkeys keys;
static int told_stopped = -1;	/* guest whose stop we said, -1: none */
static unsigned long dropped;

static bool guest_running(void *ctx, unsigned int i)
{
	return !vm_stopped(&vms[i]);
}

/* The line an operator reads to know where typing goes. */
static void say_target(void)
{
	if (keys.target < 0) {
		pr_info("hvisor: COM1 input goes to the hypervisor "
			"(n or 0-%u: a guest's COM1, ? keys)\n", nr_vms - 1);
		return;
	}
	pr_info("hvisor: COM1 input goes to guest '%s' (guest %d; Ctrl-A n "
		"next, Ctrl-A 0-%u guest N, Ctrl-A ? keys)\n",
		vms[keys.target].name, keys.target, nr_vms - 1);
}

static void hypervisor_key(int c)
{
	switch (c) {
	case 's':
		vms_print_sched(false);
		break;
	case 'v':
		for (uint32_t i = 0; i < nr_vms; i++)
			for (uint32_t j = 0; j < vms[i].n_vcpus; j++)
				if (vcpu_started(&vms[i].vcpus[j]))
					vcpu_request_dump(&vms[i].vcpus[j], "Ctrl-A v");
		break;
	default:
		pr_info("hvisor: keys: Ctrl-A s scheduler statistics, "
			"Ctrl-A v every vCPU's state and last exits, "
			"Ctrl-A n input to the next guest, Ctrl-A 0-9 input to "
			"guest N, Ctrl-A Ctrl-A a Ctrl-A for the guest\n");
		say_target();
		break;
	}
}

static void route(int c)
{
	int t = keys.target;
	struct conkey_res r;

	/* Said once: typing now goes to the hypervisor, and why. */
	if (t >= 0 && t == told_stopped && !vm_stopped(&vms[t]))
		told_stopped = -1;	/* restarted: it takes input again */
	if (t >= 0 && t != told_stopped && vm_stopped(&vms[t])) {
		told_stopped = t;
		pr_info("hvisor: guest '%s' has stopped; COM1 input goes to "
			"the hypervisor (n: next guest)\n", vms[t].name);
	}
	r = conkeys_feed(&keys, c);
	switch (r.act) {
	case CK_NONE:
		break;
	case CK_KEY:
		hypervisor_key(r.key);
		break;
	case CK_SWITCH:
		say_target();
		break;
	case CK_NO_GUEST:
		if (r.guest < 0)
			pr_info("hvisor: no guest is running\n");
		else if ((uint32_t)r.guest < nr_vms)
			pr_info("hvisor: guest %d '%s' has stopped\n", r.guest,
				vms[r.guest].name);
		else
			pr_info("hvisor: no guest %d (guests 0-%u)\n", r.guest,
				nr_vms - 1);
		break;
	case CK_GUEST:
		/* A full queue: the guest is not reading; said once a burst. */
		if (!vm_uart_input(&vms[r.guest], (uint8_t)c) &&
		    dropped++ % 256 == 0)
			pr_warn("hvisor: guest '%s' is not reading COM1; "
				"input dropped\n", vms[r.guest].name);
		break;
	}
}

static void poll(struct sw_timer *t, uint64_t now)
{
	for (int i = 0; i < POLL_BURST; i++) {
		int c = console_getc();

		if (c < 0)
			break;
		route(c);
	}
	timer_arm(t, 0, now + tsc_khz * POLL_MS);
}

static struct sw_timer conin_timer = { .fn = poll };

void conin_start(uint64_t now)
{
	int root = -1;

	for (uint32_t i = 0; i < nr_vms; i++)
		if (vms[i].cfg->root) {
			root = (int)i;
			break;
		}
	conkeys_init(&keys, root, nr_vms, guest_running, NULL);
	say_target();
	timer_arm(&conin_timer, 0, now + tsc_khz * POLL_MS);
}
