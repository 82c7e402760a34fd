// SPDX-License-Identifier: GPL-2.0
/* Guest creation from the validated configuration. */
#include <errno.h>
#include <string.h>
#include "guests/guest.h"
#include "guests/restart.h"
#include "guests/layout.h"
#include "guests/loader.h"
#include "mm/ept.h"
#include "mm/frame.h"
#include "src/arch/x86.h"
#include "src/lib/fmt.h"
#include "src/arch/percpu.h"
#include "src/arch/printk.h"
#include "src/core/vm.h"
#include "src/core/vendor.h"
#include "src/core/vmirq.h"
#include "src/core/vmpci.h"
#include "src/core/vmvirtio.h"

#define RAM_ALIGN	(2ULL << 20)

static void uart_irq(void *ctx, bool level)
{
	vmirq_isa_irq(ctx, 4, level);	/* COM1 is IRQ4 */
}

static void test_exit(void *ctx, uint32_t code)
{
	struct vm *vm = ctx;

	code &= 0xff;
	vm->verdict = true;	/* a test's verdict is final: no restart */
	/* Codes above the guest range would pose as hypervisor verdicts. */
	if (code > HV_EXIT_GUEST_MAX)
		code = HV_EXIT_GUEST_MAX;
	vm_stop(vm, code, "exit code %u (port 0xf4)", code);
}

static void stats_mark(void *ctx, uint32_t tag)
{
	vm_print_mark(ctx, tag & 0xff);
}

/*
 * A guest's modules by name: for kind = linux its initrd alone, for
 * kind = multiboot2 the initrd (the first module) and then its modules.
 */
static int find_modules(const struct guest_config *g, const struct boot_info *bi,
			const struct boot_module **mods, unsigned int *n)
{
	*n = 0;
	for (uint32_t i = 0; i <= g->n_modules; i++) {
		const char *name = i ? g->modules[i - 1] : g->initrd;

		if (!name[0])
			continue;
		mods[*n] = boot_find_module(bi, name);
		if (!mods[*n]) {
			pr_err("hvisor: guest '%s': %s '%s' was not loaded\n",
			       g->name, i ? "module" : "initrd", name);
			return -ENOENT;
		}
		(*n)++;
	}
	return 0;
}

/* The pCPUs a guest's vCPUs may use: its cpus list, online and with VMX. */
static uint64_t usable_cpus(const struct guest_config *g)
{
	uint64_t mask = 0;

	for (uint32_t c = 0; c < nr_cpus; c++)
		if ((g->cpus & (1ULL << c)) && cpus[c].virt_on)
			mask |= 1ULL << c;
	return mask;
}

/*
 * Partition pins each vCPU where the config check placed it, so that
 * vCPUs a guest starts late still find their pCPU free.
 */
static int8_t partition_pin[CFG_MAX_GUESTS][CFG_MAX_CPUS];
static bool partitioned;

/* The boot modules: the images stay where the boot loader put them. */
static const struct boot_info *boot_bi;

int guest_build(struct vm *vm)
{
	const struct guest_config *g = vm->cfg;
	const struct boot_module *kernel = boot_find_module(boot_bi, g->kernel);
	const struct boot_module *mods[1 + CFG_MAX_MODULES];
	uint64_t affinity = vm->affinity;
	unsigned int n_mods;
	struct vcpu_boot boot;
	int r;

	memset(vm->rebuilt_begin, 0, vm->rebuilt_end - vm->rebuilt_begin);
	spin_lock_init(&vm->dev_lock, LOCK_DEV);
	spin_lock_init(&vm->uart_lock, LOCK_UART);
	vm->n_vcpus = g->vcpus;		/* the ACPI tables list them */
	r = find_modules(g, boot_bi, mods, &n_mods);
	if (r)
		return r;
	if (g->kind == CFG_GUEST_LINUX)
		r = load_linux(vm, kernel, n_mods ? mods[0] : NULL, &boot);
	else
		r = load_multiboot2(vm, kernel, mods, n_mods, &boot);
	if (r)
		return r;

	vuart_init(&vm->uart, vm_console_emit, vm);
	vm->uart.set_irq = uart_irq;
	vm->texit.write = test_exit;
	vm->texit.ctx = vm;
	vm->smark.write = stats_mark;
	vm->smark.ctx = vm;
	r = vm_pio_register_locked(vm, &vm->uart_pio, &vm->uart_lock, 0x3f8, 8,
				   &vuart_ops, &vm->uart);
	if (!r)
		r = pio_register(&vm->pio, HV_TEST_EXIT_PORT, 1, &hvport_ops,
				 &vm->texit);
	if (!r)
		r = pio_register(&vm->pio, HV_STATS_MARK_PORT, 1, &hvport_ops,
				 &vm->smark);
	if (r) {
		pr_err("hvisor: guest '%s': its serial port and hvisor's ports could not be placed (%d)\n",
		       g->name, r);
		return r;
	}

	for (uint32_t i = 0; i < g->vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];

		r = vcpu_create(v, vm, i);
		if (r)
			return r;
		/* VPIDs only need to differ between vCPUs; 0 is the host's. */
		v->vpid = vm->id * VM_MAX_VCPUS + i + 1;
		v->se.affinity = partitioned ?
			1ULL << partition_pin[vm->id][i] : affinity;
		if (!(v->se.affinity & usable_cpus(g))) {
			pr_err("hvisor: guest '%s': vCPU %u's partition pCPU %d is not online with VMX\n",
			       g->name, i, partition_pin[vm->id][i]);
			return -ENODEV;
		}
		v->se.weight = vm->weight;
		hv_snprintf(v->name, sizeof(v->name), "%s/%u", g->name, i);
	}
	vm->boot = boot;
	r = vmirq_create(vm);
	if (r) {
		pr_err("hvisor: guest '%s': its interrupt platform could not be built (%d)\n",
		       g->name, r);
		return r;
	}
	r = vmpci_create(vm);
	if (r) {
		pr_err("hvisor: guest '%s': its PCI bus could not be built (%d)\n",
		       g->name, r);
		return r;
	}
	r = vmvirtio_create(vm);
	if (r) {
		pr_err("hvisor: guest '%s': its virtio devices could not be built (%d)\n",
		       g->name, r);
		return r;
	}
	return 0;
}

/* What a VM keeps for its life: RAM, EPT, the disk image; then a build. */
static int create_one(struct vm *vm, const struct guest_config *g)
{
	uint64_t affinity;
	int r;

	vm->cfg = g;
	vm->name = g->name;
	vm->weight = g->weight;
	if (!boot_find_module(boot_bi, g->kernel)) {
		pr_err("hvisor: guest '%s': image '%s' was not loaded\n",
		       g->name, g->kernel);
		return -ENOENT;
	}
	affinity = usable_cpus(g);
	if (!affinity) {
		pr_err("hvisor: guest '%s': none of its cpus is online with VMX\n",
		       g->name);
		return -ENODEV;
	}
	vm->affinity = affinity;
	if (g->vcpus > VM_MAX_VCPUS) {
		pr_err("hvisor: guest '%s': vcpus = %u, at most %d are supported\n",
		       g->name, g->vcpus, VM_MAX_VCPUS);
		return -E2BIG;
	}
	vm->ram_size = g->memory;
	vm->ram_hpa = frame_alloc_aligned(g->memory >> 12, RAM_ALIGN);
	if (!vm->ram_hpa) {
		pr_err("hvisor: guest '%s': no contiguous %lu MiB block left for its RAM\n",
		       g->name, g->memory >> 20);
		return -ENOMEM;
	}
	/* The vendor's structures first: its EPT, then RAM goes in. */
	r = vendor_vm_init(vm);
	if (!r)
		r = ept_map(&vm->ept, 0, vm->ram_hpa, vm->ram_size, EPT_RWX,
			    EPT_MT_WB);
	if (r) {
		pr_err("hvisor: guest '%s': building its EPT failed (%d)\n",
		       g->name, r);
		return r;
	}
	vm->blk_image = NULL;
	if (g->blk_image[0]) {
		vm->blk_image = boot_find_module(boot_bi, g->blk_image);
		if (!vm->blk_image) {
			pr_err("hvisor: guest '%s': disk image '%s' was not loaded\n",
			       g->name, g->blk_image);
			return -ENOENT;
		}
	}
	vm->restart_timer.fn = guest_restart_step;
	vm->restart_timer.data = vm;
	memset((void *)vm->ram_hpa, 0, vm->ram_size);
	r = guest_build(vm);
	if (r)
		return r;
	pr_info("hvisor: guest '%s': %lu MiB at host %#lx, %u vCPU(s), cpus %#lx, weight %u%s\n",
		g->name, vm->ram_size >> 20, vm->ram_hpa, vm->n_vcpus,
		affinity, g->weight,
		g->on_crash == CFG_ON_CRASH_RESTART ? ", restarts on a crash" : "");
	return 0;
}

int guests_create(const struct hv_config *cfg, const struct boot_info *bi)
{
	uint32_t fail;

	boot_bi = bi;
	partitioned = cfg->hyp.scheduler == CFG_SCHED_PARTITION;
	if (partitioned &&
	    cfg_partition_place(cfg, nr_cpus, partition_pin, &fail) != cfg->n_guests) {
		pr_err("hvisor: scheduler = partition: no free pCPU left for a vCPU\n");
		return -EBUSY;
	}
	for (uint32_t i = 0; i < cfg->n_guests; i++) {
		struct vm *vm = &vms[i];
		int r;

		vm->id = i;
		r = create_one(vm, &cfg->guests[i]);
		if (r)
			return r;
		nr_vms = i + 1;
	}
	return 0;
}

int guests_start(uint64_t now)
{
	for (uint32_t i = 0; i < nr_vms; i++) {
		struct vm *vm = &vms[i];
		int r;

		vm_mark_running(vm);
		/* vCPU 0 boots; the others wait for their guest to start them. */
		r = vcpu_start(&vm->vcpus[0], &vm->boot, now);
		if (r) {
			pr_err("hvisor: guest '%s': the scheduler cannot place vCPU 0 (%d)\n",
			       vm->name, r);
			return r;
		}
	}
	return 0;
}
