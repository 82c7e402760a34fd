// SPDX-License-Identifier: GPL-2.0
#include "src/arch/x86.h"
#include "src/lib/lockdep.h"
#include "src/arch/panic.h"
#include "src/arch/percpu.h"

struct percpu cpus[MAX_CPUS];
uint32_t nr_cpus = 1;

void percpu_init(uint32_t id, uint32_t apic_id)
{
	struct percpu *c = &cpus[id];

	c->self = c;
	c->id = id;
	c->apic_id = apic_id;
	/* Not secret, only distinct: catches overruns in inih and libfdt. */
	c->stack_canary = (rdtsc() * 0x9e3779b97f4a7c15ULL) & ~0xffULL;
	wrmsr(MSR_GS_BASE, (uint64_t)c);
	wrmsr(MSR_FS_BASE, (uint64_t)c);
}

/* lockdep (debug builds): GS base is 0 until percpu_init() ran here. */
uint32_t lockdep_cpu_id(void)
{
	return rdmsr(MSR_GS_BASE) ? this_cpu()->id : 0;
}

void lockdep_violation(const char *what, unsigned int held, unsigned int want)
{
	panic("lockdep: %s: taking class %u while holding class %u (src/lib/spinlock.h)",
	      what, want, held);
}
