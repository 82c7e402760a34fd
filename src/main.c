// SPDX-License-Identifier: GPL-2.0
/* hv_main: from a filled struct boot_info to running guests. */
#include <errno.h>
#include <string.h>
#include "guests/guest.h"
#include "mm/frame.h"
#include "src/arch/acpi.h"
#include "src/arch/cpu.h"
#include "src/arch/fpu.h"
#include "src/arch/lapic.h"
#include "src/arch/smp.h"
#include "src/arch/spec.h"
#include "src/arch/tsc.h"
#include "src/core/watchdog.h"
#include "src/arch/x86.h"
#include "src/boot/boot_info.h"
#include "src/core/config.h"
#include "src/core/guard.h"
#include "src/conin.h"
#include "src/arch/console.h"
#include "src/core/hypercall.h"
#include "src/arch/panic.h"
#include "src/arch/percpu.h"
#include "src/arch/power.h"
#include "src/arch/printk.h"
#include "src/core/vendor.h"
#include "src/core/vm.h"
#include "sched/sched.h"
#include "sched/timer.h"
#include "sched/trace.h"
#include "src/core/vcpu.h"

#define HV_VERSION	"0.1"
/* Kept back from guests for VMCS, EPT tables, stacks. */
#define HV_RESERVE	(16ULL << 20)

static struct hv_config config;
static volatile int go;		/* BSP -> APs: guests are built */
static volatile int aps_ready;

static void config_report(void *ctx, const char *msg)
{
	pr_err("%s\n", msg);
}

static int image_size(void *ctx, const char *name, uint64_t *size)
{
	const struct boot_module *m = boot_find_module(ctx, name);

	if (!m)
		return -ENOENT;
	*size = m->size;
	return 0;
}

static void load_config(struct boot_info *bi, uint32_t n_cpus)
{
	const struct boot_module *ini = boot_find_module(bi, BOOT_INI_NAME);
	struct cfg_machine m = {
		.n_cpus = n_cpus,
		.image_size = image_size,
		.report = config_report,
		.ctx = bi,
	};
	static char text[16384];
	uint64_t free = frame_pool_free_bytes(&hv_frames);

	if (!ini) {
		pr_err("hvisor: no %s was loaded (a module named '%s' is required)\n",
		       BOOT_INI_NAME, BOOT_INI_NAME);
		power_off(HV_EXIT_CONFIG);
	}
	if (ini->size >= sizeof(text)) {
		pr_err("hvisor: %s is %lu bytes; the limit is %zu\n", BOOT_INI_NAME,
		       ini->size, sizeof(text) - 1);
		power_off(HV_EXIT_CONFIG);
	}
	memcpy(text, (const void *)ini->base, ini->size);
	text[ini->size] = '\0';
	m.free_mem = free > HV_RESERVE ? free - HV_RESERVE : 1;
	if (config_parse(BOOT_INI_NAME, text, &m, &config)) {
		pr_err("hvisor: %s is invalid; no guest was started\n", BOOT_INI_NAME);
		power_off(HV_EXIT_CONFIG);
	}
	log_level = config.hyp.log_level;
	if (console_select(config.hyp.console == CFG_CONSOLE_E9 ?
			   &e9_console : &serial_console))
		pr_err("hvisor: console = %s is not present on this machine; "
		       "keeping the boot console\n",
		       config.hyp.console == CFG_CONSOLE_E9 ? "e9" : "serial");
	pr_info("hvisor: %s: %u guest(s), scheduler %s, slice %u us\n",
		BOOT_INI_NAME, config.n_guests, cfg_sched_name(config.hyp.scheduler),
		config.hyp.slice_us);
}

static void run_guests(struct percpu *c)
{
	while (!__atomic_load_n(&go, __ATOMIC_ACQUIRE)) {
		vendor_cpu_wait();
		cpu_relax();
	}
	lapic_timer_init();
	vcpu_loop();
}

static void irq_nop(struct trap_frame *f)
{
	/* The interrupt's job was to end a HLT or a guest's run. */
}

static void sched_kick(uint32_t cpu)
{
	lapic_send_ipi(cpus[cpu].apic_id, VEC_RESCHED);
}

static uint32_t sched_this_cpu(void)
{
	return this_cpu()->id;
}

static const struct sched_arch hv_sched_arch = {
	.kick = sched_kick,
	.this_cpu = sched_this_cpu,
};

/*
 * hvisor.ini's trace_records: the scheduler's event rings, one per pCPU,
 * recording from here with trace_boot, else when hvctl trace asks.
 */
static void start_trace(void)
{
	uint64_t n = config.hyp.trace_records, bytes, mem;

	if (!n)
		return;
	bytes = n * sizeof(struct trace_rec) * nr_cpus;
	mem = frame_alloc((bytes + FRAME_SIZE - 1) / FRAME_SIZE);
	if (!mem)
		panic("hvisor.ini: trace_records = %lu: no room for %lu KiB of trace rings",
		      n, bytes >> 10);
	if (trace_init(nr_cpus, (struct trace_rec *)mem, n))
		panic("hvisor.ini: trace_records = %lu: cannot set up the trace", n);
	if (!config.hyp.trace_boot)
		return;
	trace_set_enabled(true);
	pr_info("hvisor: tracing scheduler events, %lu records per pCPU (%lu KiB)\n",
		n, bytes >> 10);
}

static void start_scheduler(void)
{
	static const enum sched_policy_id ids[] = {
		[CFG_SCHED_FAIR] = SCHED_FAIR,
		[CFG_SCHED_RR] = SCHED_RR,
		[CFG_SCHED_PARTITION] = SCHED_PARTITION,
	};
	struct sched_params p = {
		.policy = ids[config.hyp.scheduler],
		.n_cpus = nr_cpus,
		.tsc_khz = tsc_khz,
		.slice = (uint64_t)config.hyp.slice_us * tsc_khz / 1000,
		.latency = (uint64_t)config.hyp.latency_us * tsc_khz / 1000,
		.boost = (uint64_t)config.hyp.boost_us * tsc_khz / 1000,
		.irq_steal = config.hyp.irq_steal,
	};

	irq_register(VEC_TIMER, irq_nop);
	irq_register(VEC_RESCHED, irq_nop);
	/* A notification that arrives outside guest mode: the loop syncs. */
	irq_register(VEC_POSTED, irq_nop);
	timer_init(nr_cpus);
	if (sched_init(&p, &hv_sched_arch))
		panic("scheduler initialisation failed");
	start_trace();
	guard_watch_enable(config.hyp.guard_watch);
	pr_info("hvisor: scheduler %s, slice %u us, latency %u us, early run %u us%s%s, "
		"%s preemption, guest FPU state by %s\n",
		sched_policy_name(p.policy), config.hyp.slice_us,
		config.hyp.latency_us, config.hyp.boost_us,
		config.hyp.guard_watch ? " (guard watch on)" : "",
		config.hyp.irq_steal ? "" : " (interrupt steal off)",
		vendor_preemption(), fpu_mode());
}

static void ap_main(struct percpu *c)
{
	c->tsc_khz = tsc_khz;
	fpu_cpu_init();
	if (vendor_cpu_init())
		pr_err("cpu%u: cannot run guests; none will run here\n", c->id);
	__atomic_fetch_add(&aps_ready, 1, __ATOMIC_ACQ_REL);
	run_guests(c);
	halt_forever();
}

static uint64_t memory_top(const struct boot_info *bi)
{
	uint64_t top = 4ULL << 30;

	for (uint32_t i = 0; i < bi->n_mmap; i++)
		if (bi->mmap[i].base + bi->mmap[i].len > top)
			top = bi->mmap[i].base + bi->mmap[i].len;
	return top;
}

static uint64_t trampoline_page(const struct boot_info *bi)
{
	uint64_t pa = bi->trampoline;

	if (!pa)
		pa = frame_find_low_page(bi, 0x9f000);
	if (pa && bi->keep_len && pa + 4096 > bi->keep_base &&
	    pa < bi->keep_base + bi->keep_len)
		pa = 0;
	return pa;
}

void hv_main(struct boot_info *bi)
{
	struct percpu *bsp = &cpus[0];
	uint32_t apic_ids[MAX_CPUS];
	const char *how;
	uint64_t tramp;
	int n, r;

	cli();
	cpu_init_control_regs();
	percpu_init(0, 0);
	gdt_load(bsp);
	idt_init();
	idt_load();
	pic_disable();
	console_init();
	if (bi->error) {
		pr_err("hvisor: bad %s boot information (error %d)\n",
		       bi->loader, bi->error);
		power_off(HV_EXIT_PANIC);
	}
	pr_info("hvisor %s: booted by %s, command line '%s'\n", HV_VERSION,
		bi->loader, bi->cmdline);

	r = frame_pool_init(&hv_frames, bi);
	if (!r && bi->keep_len)
		r = frame_pool_reserve(&hv_frames, bi->keep_base, bi->keep_len);
	if (r)
		panic("cannot build the frame allocator from the memory map (%d)", r);
	tramp = trampoline_page(bi);
	if (tramp)
		frame_pool_reserve(&hv_frames, tramp, 4096);
	pr_info("hvisor: %u memory map entries, %lu MiB free, %u module(s)\n",
		bi->n_mmap, frame_pool_free_bytes(&hv_frames) >> 20, bi->n_mods);
	if (paging_init(memory_top(bi)))
		panic("out of memory for the host page tables");

	acpi_init(bi->rsdp);
	lapic_init();
	bsp->apic_id = lapic_id();
	n = acpi_madt_cpus(apic_ids, MAX_CPUS);
	if (n <= 0) {
		apic_ids[0] = bsp->apic_id;
		n = 1;
	}
	tsc_khz = tsc_calibrate(&how);
	bsp->tsc_khz = tsc_khz;
	pr_info("hvisor: %d CPU(s) in the MADT, local APIC in %s mode, TSC %lu kHz (%s)\n",
		n, lapic_mode(), tsc_khz, how);

	load_config(bi, n);

	if (vendor_probe())
		power_off(HV_EXIT_NO_VMX);
	fpu_probe();
	spec_probe();
	if (n > 1 && !tramp)
		panic("no free page below 1 MiB for the AP trampoline");
	if (n > 1)
		smp_start(tramp, apic_ids, n, ap_main);
	pr_info("hvisor: %u CPU(s) online\n", nr_cpus);
	if (vendor_cpu_init())
		panic("the boot CPU cannot run guests");
	fpu_cpu_init();
	fpu_probe_xsavec();
	if (fpu_has_xsave() && !fpu_xsavec_ok())
		pr_info("hvisor: XSAVEC probe: AVX state not at offset 576 (the Bochs 2.7 quirk) or no XSAVEC: not offered to guests\n");
	while (__atomic_load_n(&aps_ready, __ATOMIC_ACQUIRE) < (int)nr_cpus - 1)
		cpu_relax();

	start_scheduler();
	if (vendor_setup(&config.hyp))
		power_off(HV_EXIT_CONFIG);
	if (guests_create(&config, bi)) {
		pr_err("hvisor: guests could not be built; none was started\n");
		power_off(HV_EXIT_CONFIG);
	}
	vms_start_tsc = rdtsc();
	if (guests_start(vms_start_tsc)) {
		pr_err("hvisor: guests could not be started; none was run\n");
		power_off(HV_EXIT_CONFIG);
	}
	conin_start(vms_start_tsc);
	watchdog_start(vms_start_tsc);
	__atomic_store_n(&go, 1, __ATOMIC_RELEASE);
	run_guests(bsp);
	power_off(vms_summary(config.hyp.trace_boot));
}
