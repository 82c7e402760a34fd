// SPDX-License-Identifier: GPL-2.0
/* VM lifetime: stopping a guest touches nothing but that guest. */
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include "src/arch/cpu.h"
#include "src/arch/lapic.h"
#include "src/arch/percpu.h"
#include "src/arch/printk.h"
#include "src/arch/tsc.h"
#include "src/arch/x86.h"
#include "src/core/exit.h"
#include "src/core/vendor.h"
#include "src/core/vm.h"
#include "src/core/vmnet.h"
#include "src/core/vmvirtio.h"
#include "sched/trace.h"
#include "src/lib/fmt.h"

struct vm vms[CFG_MAX_GUESTS];
uint32_t nr_vms;
static int running;

/*
 * Whether @vm, ending now, comes back: on_crash = restart, not a verdict
 * on port 0xF4, and not a crash loop. Only the vm_stop() that won the
 * VM's state calls it; a granted restart is counted.
 */
static bool restart_due(struct vm *vm, uint64_t now)
{
	if (vm->cfg->on_crash != CFG_ON_CRASH_RESTART || vm->verdict)
		return false;
	return crashloop_admit(&vm->restarts, now,
			       (uint64_t)VM_RESTART_WINDOW_S * 1000 * tsc_khz);
}

static const char *const log_kinds[VM_LOG_KINDS] = {
	[VM_LOG_MSR] = "unknown-MSR", [VM_LOG_VIRTIO] = "virtqueue",
	[VM_LOG_VCPU] = "vCPU start",
};

void vm_log(struct vm *vm, enum vm_log_kind kind, const char *fmt, ...)
{
	uint32_t missed;
	char line[256];
	va_list ap;

	if (!ratelimit_allow(&vm->log_rl[kind], rdtsc(),
			     VM_LOG_WINDOW_S * tsc_khz * 1000, VM_LOG_BURST,
			     &missed))
		return;
	if (missed)
		pr_warn("hvisor: guest '%s': %u more %s message(s) suppressed\n",
			vm->name, missed, log_kinds[kind]);
	va_start(ap, fmt);
	hv_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	pr_warn("hvisor: guest '%s': %s\n", vm->name, line);
}

/* The summary: what vm_log() held back at the end. */
static void print_suppressed(struct vm *vm)
{
	for (int k = 0; k < VM_LOG_KINDS; k++) {
		uint32_t n = ratelimit_take_missed(&vm->log_rl[k]);

		if (n)
			pr_info("hvisor:   %-12s %u %s message(s) suppressed\n",
				vm->name, n, log_kinds[k]);
	}
}

void vm_stop(struct vm *vm, int code, const char *fmt, ...)
{
	int expect = VM_RUNNING;
	uint64_t now = rdtsc();
	va_list ap;

	if (!__atomic_compare_exchange_n(&vm->state, &expect, VM_STOPPED,
					 false, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE))
		return;
	vm->exit_code = code;
	va_start(ap, fmt);
	hv_vsnprintf(vm->reason, sizeof(vm->reason), fmt, ap);
	va_end(ap);
	/*
	 * No UART flush here: a device handler may call us with dev_lock
	 * held, and uart_lock ranks above it (docs/DESIGN.md, "Locks"). A
	 * last line without its newline is printed by vms_summary().
	 */
	if (restart_due(vm, now)) {
		vm->n_restarts++;
		pr_warn("hvisor: guest '%s' %s: %s; restarting it (restart %u)\n",
			vm->name, code == HV_EXIT_GUEST_CRASH ? "crashed" :
			"ended", vm->reason, vm->n_restarts);
		/* Its vCPUs leave the pCPUs at their next pick; the rebuild
		 * waits for that (guests/restart.c). It still counts as
		 * running: the run loops must not end meanwhile. */
		__atomic_store_n(&vm->state, VM_RESTARTING, __ATOMIC_RELEASE);
		timer_arm(&vm->restart_timer, this_cpu()->id, now);
		return;
	}
	if (vm->cfg->on_crash == CFG_ON_CRASH_RESTART && !vm->verdict)
		pr_err("hvisor: guest '%s': crash loop: %u restarts within %u s; not restarted again\n",
		       vm->name, CRASHLOOP_MAX, VM_RESTART_WINDOW_S);
	if (code == HV_EXIT_GUEST_CRASH)
		pr_err("hvisor: guest '%s' stopped: %s\n", vm->name, vm->reason);
	else
		pr_info("hvisor: guest '%s' finished: %s\n", vm->name,
			vm->reason);
	vm_not_running(vm);
}

int vm_restart(struct vm *vm, const char *why)
{
	int expect = VM_RUNNING;

	if (!__atomic_compare_exchange_n(&vm->state, &expect, VM_RESTARTING,
					 false, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE)) {
		if (expect != VM_STOPPED ||
		    !__atomic_compare_exchange_n(&vm->state, &expect,
						 VM_RESTARTING, false,
						 __ATOMIC_ACQ_REL,
						 __ATOMIC_ACQUIRE))
			return -EBUSY;
		/* It had ended: it counts as running again. */
		__atomic_fetch_add(&running, 1, __ATOMIC_ACQ_REL);
	}
	vm->n_restarts++;
	hv_snprintf(vm->reason, sizeof(vm->reason), "%s", why);
	pr_warn("hvisor: guest '%s': %s; restarting it (restart %u)\n",
		vm->name, why, vm->n_restarts);
	timer_arm(&vm->restart_timer, this_cpu()->id, rdtsc());
	return 0;
}

void vm_halt(struct vm *vm, const char *why)
{
	vm->verdict = true;
	vm->halted = true;
	vm_stop(vm, 0, "%s", why);
}

const char *vm_state_name(const struct vm *vm)
{
	switch (__atomic_load_n(&vm->state, __ATOMIC_ACQUIRE)) {
	case VM_RUNNING:	return "running";
	case VM_RESTARTING:	return "restarting";
	default:		return "stopped";
	}
}

void vm_not_running(struct vm *vm)
{
	/* The last guest gone: the boot CPU may be idle, wake it. */
	if (__atomic_sub_fetch(&running, 1, __ATOMIC_ACQ_REL) == 0 &&
	    this_cpu()->id != 0)
		lapic_send_ipi(cpus[0].apic_id, VEC_RESCHED);
}

static uint32_t locked_read(void *d, uint16_t port, unsigned int size)
{
	struct locked_pio *l = d;
	uint32_t v;

	spin_lock(l->lock);
	v = l->ops->read(l->dev, port, size);
	spin_unlock(l->lock);
	return v;
}

static void locked_write(void *d, uint16_t port, unsigned int size,
			 uint32_t val)
{
	struct locked_pio *l = d;

	spin_lock(l->lock);
	l->ops->write(l->dev, port, size, val);
	spin_unlock(l->lock);
}

static const struct pio_ops locked_ops = {
	.name = "locked", .read = locked_read, .write = locked_write,
};

int vm_pio_register_locked(struct vm *vm, struct locked_pio *l,
			   spinlock_t *lock, uint16_t port, uint16_t len,
			   const struct pio_ops *ops, void *dev)
{
	l->lock = lock;
	l->ops = ops;
	l->dev = dev;
	return pio_register(&vm->pio, port, len, &locked_ops, l);
}

static int locked_mmio_read(void *d, uint64_t off, unsigned int size,
			    uint64_t *val)
{
	struct locked_mmio *l = d;
	int r;

	spin_lock(l->lock);
	r = l->ops->read(l->dev, off, size, val);
	spin_unlock(l->lock);
	return r;
}

static int locked_mmio_write(void *d, uint64_t off, unsigned int size,
			     uint64_t val)
{
	struct locked_mmio *l = d;
	int r;

	spin_lock(l->lock);
	r = l->ops->write(l->dev, off, size, val);
	spin_unlock(l->lock);
	return r;
}

static const struct mmio_ops locked_mmio_ops = {
	.name = "locked", .read = locked_mmio_read, .write = locked_mmio_write,
};

int vm_mmio_register_locked(struct vm *vm, struct locked_mmio *l,
			    spinlock_t *lock, uint64_t gpa, uint64_t len,
			    const struct mmio_ops *ops, void *dev)
{
	l->lock = lock;
	l->ops = ops;
	l->dev = dev;
	return mmio_register(&vm->mmio, gpa, len, &locked_mmio_ops, l);
}

void vm_console_emit(void *ctx, const char *line, unsigned int len)
{
	struct vm *vm = ctx;

	__atomic_store_n(&vm->last_output_tsc, rdtsc(), __ATOMIC_RELAXED);
	vm_console_line(vm, line, len);
	pr_info("[%s] %.*s\n", vm->name, (int)len, line);
}

void vm_console_line(struct vm *vm, const char *line, unsigned int len)
{
	char *t = vm->tail[vm->tail_next++ % VM_TAIL_LINES];

	if (len > VUART_LINE_MAX)
		len = VUART_LINE_MAX;
	memcpy(t, line, len);
	t[len] = 0;
}

/* A guest that did not pass: what it printed last, oldest first. */
static void print_tail(const struct vm *vm)
{
	unsigned int n = vm->tail_next < VM_TAIL_LINES ? vm->tail_next :
			 VM_TAIL_LINES;

	if (!n)
		return;
	pr_info("hvisor:   %-12s last console lines:\n", vm->name);
	for (unsigned int i = vm->tail_next - n; i < vm->tail_next; i++)
		pr_info("hvisor:   %-12s | %s\n", vm->name,
			vm->tail[i % VM_TAIL_LINES]);
}

uint32_t vm_started_vcpus(const struct vm *vm)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < vm->n_vcpus; i++)
		n += vcpu_started(&vm->vcpus[i]);
	return n;
}

bool vm_uart_input(struct vm *vm, uint8_t c)
{
	int r;

	spin_lock(&vm->uart_lock);
	r = vuart_rx_push(&vm->uart, c);
	spin_unlock(&vm->uart_lock);
	return r == 0;
}

bool vm_stopped(const struct vm *vm)
{
	return __atomic_load_n(&vm->state, __ATOMIC_ACQUIRE) != VM_RUNNING;
}

void *vm_gpa_to_hva(const struct vm *vm, uint64_t gpa, uint64_t len)
{
	if (gpa >= vm->ram_size || len > vm->ram_size - gpa)
		return NULL;
	return (void *)(vm->ram_hpa + gpa);
}

int vms_running(void)
{
	return __atomic_load_n(&running, __ATOMIC_ACQUIRE);
}

void vm_mark_running(struct vm *vm)
{
	vm->state = VM_RUNNING;
	__atomic_fetch_add(&running, 1, __ATOMIC_ACQ_REL);
}

static void print_line(void *ctx, const char *line)
{
	pr_info("%s\n", line);
}

static uint64_t to_us(uint64_t ticks)
{
	return ticks * 1000 / tsc_khz;
}

static void path_line(const char *name, const struct path_stat *p)
{
	pr_info("sched-path %s avg=%lu min=%lu n=%lu\n", name,
		p->n ? p->sum / p->n : 0, p->min, p->n);
}

/* The scheduler table, and one machine-readable line per vCPU. */
void vms_print_sched(bool machine)
{
	struct sched_entity *ents[CFG_MAX_GUESTS * VM_MAX_VCPUS] = { 0 };
	uint64_t now = rdtsc();
	unsigned int n = 0;

	for (uint32_t i = 0; i < nr_vms; i++)
		for (uint32_t j = 0; j < vms[i].n_vcpus; j++)
			if (vcpu_started(&vms[i].vcpus[j]))
				ents[n++] = &vms[i].vcpus[j].se;
	sched_print_stats(ents, n, now, print_line, NULL);
	if (!machine)
		return;
	for (unsigned int i = 0; i < n; i++) {
		const struct sched_stats *st = &ents[i]->st;

		pr_info("sched-stat vcpu=%s run_us=%lu wait_us=%lu blocked_us=%lu "
			"switches=%lu migrations=%lu wakeups=%lu yields=%lu boosts=%lu "
			"irq_capped=%lu irq_behind=%lu irq_done=%lu irq_steals=%lu "
			"guard_looks=%lu "
			"lat_p50_us=%lu lat_p99_us=%lu lat_max_us=%lu "
			"irq_p50_us=%lu irq_p99_us=%lu irq_max_us=%lu\n", ents[i]->name,
			to_us(st->run), to_us(st->wait), to_us(st->blocked),
			st->switches, st->migrations, st->wakeups, st->yields,
			st->boosts, st->irq_capped, st->irq_behind, st->irq_done,
			st->irq_steals, se_to_vcpu(ents[i])->guard.polls,
			sched_hist_pct_us(st->wake_lat, 50),
			sched_hist_pct_us(st->wake_lat, 99),
			to_us(st->wake_lat_max),
			sched_hist_pct_us(st->irq_lat, 50),
			sched_hist_pct_us(st->irq_lat, 99),
			to_us(st->irq_lat_max));
	}
	pr_info("sched-stat elapsed_us=%lu\n", to_us(now - vms_start_tsc));
	path_line("preempt_exit_to_entry", &path_preempt);
	path_line("hlt_to_wake_entry", &path_wake);
}

uint64_t vms_start_tsc;

/* The guest wrote @tag to HV_STATS_MARK_PORT: its vCPUs' counters now. */
void vm_print_mark(struct vm *vm, uint32_t tag)
{
	uint64_t now = rdtsc();

	trace_rec(this_cpu()->id, now, TR_MARK, TRACE_NONE, tag);
	for (uint32_t i = 0; i < vm->n_vcpus; i++) {
		struct sched_entity *se = &vm->vcpus[i].se;

		if (!vcpu_started(&vm->vcpus[i]))
			continue;
		sched_account(se, now);
		pr_info("sched-mark vm=%s tag=%u vcpu=%s run_us=%lu wait_us=%lu blocked_us=%lu\n",
			vm->name, tag, se->name, to_us(se->st.run),
			to_us(se->st.wait), to_us(se->st.blocked));
	}
	pr_info("sched-mark vm=%s tag=%u elapsed_us=%lu\n", vm->name, tag,
		to_us(now - vms_start_tsc));
}

/* Appends " NAME=@val" to @line, NAME the reason's name in one word. */
static int append_reason(char *line, int size, int len, uint32_t r,
			 uint64_t val)
{
	int at = len + 1;

	if (len >= size)
		return len;
	len += hv_snprintf(line + len, size - len, " %s=%lu",
			   vendor_exit_name(r), val);
	/* "I/O instruction" -> I/O_instruction. */
	for (; at < len && at < size && line[at] != '='; at++)
		if (line[at] == ' ')
			line[at] = '_';
	return len;
}

void vm_exits_by_reason(const struct vm *vm, uint64_t n[VCPU_EXIT_CODES])
{
	for (uint32_t r = 0; r < VCPU_EXIT_CODES; r++) {
		n[r] = 0;
		for (uint32_t j = 0; j < vm->n_vcpus; j++)
			n[r] += vm->vcpus[j].exits_by_reason[r];
	}
}

/* One line per VM: how many exits of each reason, for tuning and tests. */
static void print_exit_reasons(const struct vm *vm)
{
	uint64_t n[VCPU_EXIT_CODES];
	char line[512];
	int len = 0;

	vm_exits_by_reason(vm, n);
	for (uint32_t r = 0; r < VCPU_EXIT_CODES; r++)
		if (n[r])
			len = append_reason(line, sizeof(line), len, r, n[r]);
	pr_info("hvisor:   %-12s exits:%s\n", vm->name, len ? line : " none");
}

/*
 * What an exit of each reason costs the hypervisor when the vCPU goes on
 * (no switch): TSC ticks from the exit to the entry, mean over the VM.
 * Under Bochs with clock sync=none a tick is one instruction.
 */
static void print_exit_costs(const struct vm *vm)
{
	char line[512];
	int len = 0;
	uint64_t fast = 0;

	for (uint32_t j = 0; j < vm->n_vcpus; j++)
		fast += vm->vcpus[j].fast_reentries;
	for (uint32_t r = 0; r < VCPU_EXIT_CODES; r++) {
		uint64_t sum = 0, n = 0;

		for (uint32_t j = 0; j < vm->n_vcpus; j++) {
			sum += vm->vcpus[j].exit_cost[r];
			n += vm->vcpus[j].exit_cost_n[r];
		}
		if (n)
			len = append_reason(line, sizeof(line), len, r, sum / n);
	}
	pr_info("hvisor:   %-12s exit cost:%s; %lu resumed on the fast path\n",
		vm->name, len ? line : " none", fast);
}

/* What the paravirtual interface did for @vm, when it was used at all. */
static void print_pv(const struct vm *vm)
{
	uint64_t flushes = 0, yields = 0, kicks = 0, ipis = 0;
	uint32_t steal = 0;

	for (uint32_t j = 0; j < vm->n_vcpus; j++) {
		flushes += vm->vcpus[j].pv_flushes;
		yields += vm->vcpus[j].pv_yields;
		kicks += vm->vcpus[j].pv_kicks;
		ipis += vm->vcpus[j].pv_ipis;
		steal += !!vm->vcpus[j].steal.rec;
	}
	if (steal || yields || kicks || ipis)
		pr_info("hvisor:   %-12s pv: steal time on %u vCPU(s), %lu TLB flush(es) done at entry, %lu yield(s) to a preempted vCPU, %lu kick(s), %lu PV IPI call(s)\n",
			vm->name, steal, flushes, yields, kicks, ipis);
}

/* VMCALLs from user space, answered with #UD (the test counts them). */
static void print_user_vmcalls(const struct vm *vm)
{
	uint64_t n = 0;

	for (uint32_t j = 0; j < vm->n_vcpus; j++)
		n += vm->vcpus[j].nr_vmcall_user;
	if (n)
		pr_info("hvisor:   %-12s %lu VMCALL(s) from user space refused with #UD\n",
			vm->name, n);
	n = 0;
	for (uint32_t j = 0; j < vm->n_vcpus; j++)
		n += vm->vcpus[j].nr_mmio_retry;
	if (n)
		pr_info("hvisor:   %-12s %lu MMIO exit(s) whose instruction had changed: run again\n",
			vm->name, n);
}

static void trace_line(void *ctx, const char *line)
{
	pr_info("%s\n", line);
}

/*
 * The scheduler's event rings (hvisor.ini trace_boot), after a legend
 * of the entity numbers; scripts/trace2json.py reads them.
 */
static void print_trace(void)
{
	trace_set_enabled(false);
	for (uint32_t i = 0; i < nr_vms; i++)
		for (uint32_t j = 0; j < vms[i].n_vcpus; j++)
			pr_info("trace-ent %u %s\n", vms[i].vcpus[j].se.tid,
				vms[i].vcpus[j].name);
	trace_dump(trace_line, NULL);
}

int vms_summary(bool with_trace)
{
	int worst = 0;

	/* Every vCPU is off: flush what the guests left without a newline. */
	for (uint32_t i = 0; i < nr_vms; i++) {
		spin_lock(&vms[i].uart_lock);
		vuart_flush(&vms[i].uart);
		spin_unlock(&vms[i].uart_lock);
		vmvirtio_flush(&vms[i]);
	}
	pr_info("hvisor: summary of %u guest(s):\n", nr_vms);
	for (uint32_t i = 0; i < nr_vms; i++) {
		const struct vm *vm = &vms[i];
		const char *verdict = vm->halted ? "STOPPED" :
			vm->exit_code == 0 ? "PASS" :
			vm->was_reset ? "RESET" :
			vm->exit_code == HV_EXIT_GUEST_CRASH ? "CRASHED" : "FAIL";
		uint64_t exits = 0;

		for (uint32_t j = 0; j < vm->n_vcpus; j++)
			exits += vm->vcpus[j].nr_exits;
		pr_info("hvisor:   %-12s %-7s code %-3d vcpus %u exits %lu: %s\n",
			vm->name, verdict, vm->exit_code, vm->n_vcpus, exits,
			vm->reason);
		if (vm->n_restarts)
			pr_info("hvisor:   %-12s restarted %u time(s); the counts are its last run's\n",
				vm->name, vm->n_restarts);
		if (vm->exit_code > worst)
			worst = vm->exit_code;
		print_exit_reasons(vm);
		print_exit_costs(vm);
		print_pv(vm);
		print_user_vmcalls(vm);
		print_suppressed(&vms[i]);
		vmvirtio_summary(vm);
		if (vm->exit_code)
			print_tail(vm);
	}
	vmnet_summary_switches();
	vms_print_sched(true);
	if (with_trace)
		print_trace();
	return worst;
}
