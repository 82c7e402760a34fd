// SPDX-License-Identifier: GPL-2.0
/* Console input routing: the root guest's keyboard, and hypervisor keys. */
#include <stdbool.h>
#include "sched/timer.h"
#include "src/arch/tsc.h"
#include "src/conin.h"
#include "src/arch/console.h"
#include "src/arch/printk.h"
#include "src/core/vm.h"
#include "src/core/dump.h"

#define KEY_ESCAPE	0x01		/* Ctrl-A */
#define POLL_MS		20
/* Bytes taken per poll: a 16550 FIFO and then some, without hogging CPU 0. */
#define POLL_BURST	64

static struct vm *root;
static bool escaped;
static unsigned long dropped;

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
			"Ctrl-A Ctrl-A a Ctrl-A for guest '%s'\n",
			root ? root->name : "(none)");
		break;
	}
}

static void route(int c)
{
	if (!root || vm_stopped(root)) {
		hypervisor_key(c);
		return;
	}
	if (escaped) {
		escaped = false;
		if (c != KEY_ESCAPE) {
			hypervisor_key(c);
			return;
		}
	} else if (c == KEY_ESCAPE) {
		escaped = true;
		return;
	}
	/* A full queue means the guest is not reading: say so once per burst. */
	if (!vm_uart_input(root, c) && dropped++ % 256 == 0)
		pr_warn("hvisor: guest '%s' is not reading COM1; input dropped\n",
			root->name);
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
	for (uint32_t i = 0; i < nr_vms; i++)
		if (vms[i].cfg->root) {
			root = &vms[i];
			break;
		}
	if (root)
		pr_info("hvisor: COM1 input goes to guest '%s' (Ctrl-A ? for hypervisor keys)\n",
			root->name);
	timer_arm(&conin_timer, 0, now + tsc_khz * POLL_MS);
}
