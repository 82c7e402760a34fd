// SPDX-License-Identifier: GPL-2.0
/* AP bring-up: INIT-SIPI-SIPI, one CPU at a time. */
#include <string.h>
#include "mm/frame.h"
#include "src/arch/cpu.h"
#include "src/arch/lapic.h"
#include "src/arch/smp.h"
#include "src/arch/tsc.h"
#include "src/arch/x86.h"
#include "src/arch/printk.h"

extern char tramp_start[], tramp_end[], tramp_gdt_ptr[], tramp_far32[],
	tramp_far64[], tramp_cr3[], tramp_stack[], tramp_arg[],
	tramp_entry[], tramp_pm32[], tramp_lm64[], tramp_gdt[];

static void (*ap_main_fn)(struct percpu *c);

static void __attribute__((noreturn)) ap_entry(struct percpu *c)
{
	cpu_init_control_regs();
	percpu_init(c->id, c->apic_id);
	gdt_load(c);
	idt_load();
	lapic_init();
	__atomic_store_n(&c->online, true, __ATOMIC_RELEASE);
	ap_main_fn(c);
	halt_forever();
}

static void patch32(uint64_t base, const char *field, uint32_t v)
{
	memcpy((void *)(base + (field - tramp_start)), &v, 4);
}

static void patch64(uint64_t base, const char *field, uint64_t v)
{
	memcpy((void *)(base + (field - tramp_start)), &v, 8);
}

static bool start_one(uint64_t base, struct percpu *c)
{
	uint64_t stack = frame_alloc(HV_STACK_SIZE / 4096);

	if (!stack)
		return false;
	c->stack_top = stack + HV_STACK_SIZE;
	patch64(base, tramp_stack, c->stack_top);
	patch64(base, tramp_arg, (uint64_t)c);

	lapic_send_ipi(c->apic_id, ICR_INIT | ICR_LEVEL_ASSERT);
	udelay(10000);
	for (int i = 0; i < 2; i++) {
		lapic_send_ipi(c->apic_id, ICR_STARTUP | (base >> 12));
		udelay(200);
	}
	/* Wait up to 100 ms (TSC time) for the AP to say it is up. */
	for (int i = 0; i < 1000; i++) {
		if (__atomic_load_n(&c->online, __ATOMIC_ACQUIRE))
			return true;
		udelay(100);
	}
	return false;
}

int smp_start(uint64_t base, const uint32_t *apic_ids, int n,
	      void (*ap_main)(struct percpu *c))
{
	uint32_t self = lapic_id();
	uint32_t next = 1;

	ap_main_fn = ap_main;
	memcpy((void *)base, tramp_start, tramp_end - tramp_start);
	patch32(base, tramp_gdt_ptr + 2, base + (tramp_gdt - tramp_start));
	patch32(base, tramp_far32, base + (tramp_pm32 - tramp_start));
	patch32(base, tramp_far64, base + (tramp_lm64 - tramp_start));
	patch64(base, tramp_cr3, paging_root());
	patch64(base, tramp_entry, (uint64_t)ap_entry);

	for (int i = 0; i < n && next < MAX_CPUS; i++) {
		struct percpu *c = &cpus[next];

		if (apic_ids[i] == self)
			continue;
		c->id = next;
		c->apic_id = apic_ids[i];
		if (!start_one(base, c)) {
			pr_warn("smp: CPU with APIC ID %u did not start\n",
				apic_ids[i]);
			continue;
		}
		next++;
	}
	nr_cpus = next;
	return next;
}
