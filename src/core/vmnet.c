// SPDX-License-Identifier: GPL-2.0
/* The guests' network (see vmnet.h). */
#include <errno.h>
#include <string.h>
#include "dev/netsw.h"
#include "src/arch/percpu.h"
#include "src/arch/printk.h"
#include "src/core/vm.h"
#include "src/core/vmnet.h"

/* Frames moved per device per poll; the rest wait for the next exit. */
#define BATCH		64

static spinlock_t sw_lock = SPINLOCK_INIT(LOCK_NETSW);
static struct netsw switches[CFG_MAX_GUESTS];
static struct vm *port_vm[CFG_MAX_GUESTS][NETSW_MAX_PORTS];
static uint32_t n_switches;
uint32_t vmnet_pending[MAX_CPUS];
static uint8_t frame[MAX_CPUS][VNET_FRAME_MAX];

_Static_assert(CFG_MAX_GUESTS <= 32, "vmnet_pending[] has a bit per VM");
_Static_assert(CFG_MAX_GUESTS <= NETSW_MAX_PORTS, "a switch has every guest");

/* Under the sender's pci_lock: only mark it, on this pCPU. */
static void kick(void *ctx, struct virtio_net *n)
{
	const struct vm *vm = ctx;

	vmnet_pending[this_cpu()->id] |= 1u << vm->id;
}

int vmnet_create(struct vm *vm)
{
	const char *name = vm->cfg->net_switch;
	const uint8_t *mac = vm->cfg->mac;
	uint32_t i;
	int port;

	/* A restarted guest keeps its port (and the switch what it learnt). */
	if (vm->net_attached)
		return virtio_net_init(&vm->vnet, &vm->ram_view, mac, kick, vm);
	for (i = 0; i < n_switches; i++)
		if (!strcmp(switches[i].name, name))
			break;
	if (i == n_switches)
		netsw_init(&switches[n_switches++], name);
	port = netsw_add_port(&switches[i]);
	if (port < 0)
		return port;
	port_vm[i][port] = vm;
	vm->net_sw = i;
	vm->net_port = (uint32_t)port;
	vm->net_attached = true;
	pr_info("hvisor: guest '%s': virtio-net %02x:%02x:%02x:%02x:%02x:%02x on switch %s, port %d\n",
		vm->name, mac[0], mac[1], mac[2], mac[3], mac[4], mac[5], name,
		port);
	return virtio_net_init(&vm->vnet, &vm->ram_view, mac, kick, vm);
}

static void deliver(struct vm *dst, const uint8_t *buf, int len)
{
	/* A stopped guest's memory is nobody's to write. */
	if (__atomic_load_n(&dst->state, __ATOMIC_ACQUIRE) != VM_RUNNING)
		return;
	spin_lock(&dst->pci_lock);
	virtio_net_rx(&dst->vnet, buf, (size_t)len);
	spin_unlock(&dst->pci_lock);
}

/* Up to BATCH of @src's frames; true when its queue is empty. */
static bool forward(struct vm *src, uint8_t *buf)
{
	struct netsw *sw = &switches[src->net_sw];

	/* A stopped guest sends nothing (a restart rebuilds its RAM). */
	if (__atomic_load_n(&src->state, __ATOMIC_ACQUIRE) != VM_RUNNING)
		return true;
	for (int n = 0; n < BATCH; n++) {
		uint32_t out;
		int len;

		spin_lock(&src->pci_lock);
		len = virtio_net_tx(&src->vnet, buf);
		spin_unlock(&src->pci_lock);
		if (len == -EAGAIN)
			continue;
		if (len <= 0)
			return true;
		spin_lock(&sw_lock);
		out = netsw_route(sw, src->net_port, buf, (size_t)len);
		spin_unlock(&sw_lock);
		for (uint32_t p = 0; out; p++, out >>= 1)
			if (out & 1)
				deliver(port_vm[src->net_sw][p], buf, len);
	}
	return false;
}

void vmnet_flush(uint32_t cpu)
{
	uint32_t left = 0;

	while (vmnet_pending[cpu]) {
		uint32_t id = (uint32_t)__builtin_ctz(vmnet_pending[cpu]);

		vmnet_pending[cpu] &= ~(1u << id);
		if (!forward(&vms[id], frame[cpu]))
			left |= 1u << id;
	}
	vmnet_pending[cpu] = left;
}

void vmnet_summary(const struct vm *vm)
{
	const struct virtio_net *n = &vm->vnet;

	pr_info("hvisor:   %-12s virtio-net: switch %s port %u, tx %lu frame(s) %lu bytes (%lu dropped), rx %lu frame(s) %lu bytes (%lu dropped, %lu too short), %lu driver error(s)\n",
		vm->name, switches[vm->net_sw].name, vm->net_port, n->tx_frames,
		n->tx_bytes, n->tx_dropped, n->rx_frames, n->rx_bytes,
		n->rx_dropped, n->rx_short, n->vd.failures);
}

void vmnet_summary_switches(void)
{
	for (uint32_t i = 0; i < n_switches; i++) {
		const struct netsw *sw = &switches[i];

		pr_info("hvisor: switch %s: %u port(s), %lu frame(s), %lu flooded, %lu filtered, %lu runt(s)\n",
			sw->name, sw->n_ports, sw->frames, sw->flooded,
			sw->filtered, sw->runts);
	}
}
