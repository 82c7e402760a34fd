// SPDX-License-Identifier: GPL-2.0
/* Wiring of the device models into a VM (see vmirq.h). */
#include <errno.h>
#include <string.h>
#include "dev/apicbus.h"
#include "dev/vioapic.h"
#include "dev/vlapic.h"
#include "dev/vpic.h"
#include "dev/vpit.h"
#include "dev/vrtc.h"
#include "mm/frame.h"
#include "src/arch/cpu.h"
#include "src/arch/lapic.h"
#include "src/arch/tsc.h"
#include "src/arch/x86.h"
#include "src/arch/percpu.h"
#include "src/arch/printk.h"
#include "src/core/intr.h"
#include "src/core/pv.h"
#include "src/core/vm.h"
#include "src/core/vmirq.h"
#include "src/core/vendor.h"

#define IOAPIC_ID	0	/* MADT: IDs 0..n-1 are the vCPUs' LAPICs; */
				/* IOAPIC IDs live in their own space */

static uint64_t now_tsc(void *ctx)
{
	return rdtsc();
}

/* The vLAPIC counts in its vCPU's TSC, which IA32_TSC_ADJUST may offset. */
static uint64_t vcpu_now(void *ctx)
{
	return vcpu_guest_tsc(ctx, rdtsc());
}

/* ---- vCPU side ---------------------------------------------------------- */

static void notify(struct vcpu *v, bool posted)
{
	uint32_t cpu;

	/* Interrupts do not end a HLT executed with them disabled. */
	if (vcpu_parked(v))
		return;
	if (v->se.state == VCPU_BLOCKED) {
		sched_wake(&v->se, rdtsc());
		return;
	}
	/*
	 * Preempted, it may run now rather than at its next turn; running,
	 * it keeps its pCPU long enough to take it (sched_interrupt()).
	 */
	sched_interrupt(&v->se, rdtsc());
	if (v->se.state == VCPU_RUNNABLE)
		return;
	/*
	 * Running elsewhere: with posted interrupts the notification vector
	 * lets the CPU take the PIR without an exit; otherwise an IPI makes
	 * it exit and sync before the next entry.
	 */
	cpu = __atomic_load_n(&v->se.cpu, __ATOMIC_RELAXED);
	if (v->se.state == VCPU_RUNNING && cpu != this_cpu()->id)
		lapic_send_ipi(cpus[cpu].apic_id, posted ?
			       vendor_notify_vector() : VEC_RESCHED);
}

void vcpu_notify(struct vcpu *v)
{
	notify(v, false);
}

static void lapic_timer_fired(struct sw_timer *t, uint64_t now)
{
	struct vcpu *v = t->data;
	uint32_t cpu = this_cpu()->id;

	/* A stopped guest's timers fire into nothing (and re-arm nothing). */
	if (vm_stopped(v->vm))
		return;
	/*
	 * Expiry belongs to the vCPU's owner. Running here, we are it: fire
	 * now (the post notifies the scheduler once). Otherwise flag it and
	 * make the owner look.
	 */
	if (sched_current(cpu) == &v->se &&
	    __atomic_load_n(&v->se.state, __ATOMIC_RELAXED) == VCPU_RUNNING) {
		vlapic_timer_expired(v->lapic);
		return;
	}
	__atomic_store_n(&v->lapic_timer_due, true, __ATOMIC_RELEASE);
	vcpu_notify(v);
}

static void vlapic_timer_arm(void *ctx, uint64_t deadline)
{
	struct vcpu *v = ctx;

	if (!deadline) {
		timer_cancel(&v->lapic_timer);
		return;
	}
	timer_arm(&v->lapic_timer, this_cpu()->id, vcpu_host_tsc(v, deadline));
}

static void lapic_notify(void *ctx, bool posted)
{
	notify(ctx, posted);
}

static void lapic_send_ipi_msg(void *ctx, const struct apic_msg *m)
{
	struct vcpu *v = ctx;
	struct vm *vm = v->vm;

	apic_bus_deliver(vm->lapics, vm->n_vcpus, v->id, m);
}

struct pv_ipi_ctx {
	struct vcpu *from;
	struct apic_msg m;
};

static void pv_ipi_one(void *ctx, uint32_t id)
{
	struct pv_ipi_ctx *c = ctx;
	struct vm *vm = c->from->vm;

	c->m.dest = id;
	apic_bus_deliver(vm->lapics, vm->n_vcpus, c->from->id, &c->m);
}

int vmirq_pv_send_ipi(struct vcpu *v, uint64_t lo, uint64_t hi, uint64_t min,
		      uint64_t icr, unsigned int width)
{
	struct pv_ipi ipi;
	struct pv_ipi_ctx c = { .from = v };

	if (pv_ipi_decode(icr, &ipi))
		return -EINVAL;
	/* Physical destination, one APIC ID each, as x2APIC writes it. */
	c.m.vector = ipi.vector;
	c.m.mode = ipi.mode;
	c.m.shorthand = APIC_SH_NONE;
	c.m.assert = true;
	c.m.x2apic = true;
	return pv_ipi_each(lo, hi, min, width, v->vm->n_vcpus, pv_ipi_one, &c);
}

static void lapic_eoi_level(void *ctx, uint8_t vector)
{
	struct vm *vm = ((struct vcpu *)ctx)->vm;

	spin_lock(&vm->dev_lock);
	vioapic_eoi(&vm->ioapic, vector);
	spin_unlock(&vm->dev_lock);
}

static void lapic_init_ipi(void *ctx)
{
	struct vcpu *v = ctx;

	__atomic_store_n(&v->init_pending, true, __ATOMIC_RELEASE);
	vcpu_notify(v);
}

static void lapic_sipi(void *ctx, uint8_t vector)
{
	struct vcpu *v = ctx;
	struct vcpu_boot boot = {
		.mode = VCPU_MODE_REAL, .cs = vector << 8,
	};

	/*
	 * SIPI only starts a vCPU that has not run yet (wait-for-SIPI); the
	 * second SIPI of the usual pair, or one racing it from another pCPU,
	 * finds it started and is ignored, as on hardware.
	 */
	if (v->id == 0 || vcpu_started(v))
		return;
	if (vcpu_start(v, &boot, rdtsc()) && !vcpu_started(v))
		vm_log(v->vm, VM_LOG_VCPU, "SIPI for vCPU %u could not be placed",
		       v->id);
}

static const struct vlapic_env lapic_env = {
	.now = vcpu_now,
	.timer_arm = vlapic_timer_arm,
	.notify = lapic_notify,
	.send_ipi = lapic_send_ipi_msg,
	.eoi_level = lapic_eoi_level,
	.init = lapic_init_ipi,
	.sipi = lapic_sipi,
};

void vmirq_vcpu_pre_entry(struct vcpu *v)
{
	/* lapic_timer_fired() told the scheduler when the expiry came. */
	if (__atomic_exchange_n(&v->lapic_timer_due, false, __ATOMIC_ACQ_REL))
		vlapic_timer_expired_told(v->lapic);
	if (__atomic_exchange_n(&v->init_pending, false, __ATOMIC_ACQ_REL))
		vlapic_reset(v->lapic);
}

/* ---- VM side -------------------------------------------------------------- */

static void ioapic_deliver(void *ctx, const struct apic_msg *m)
{
	struct vm *vm = ctx;

	apic_bus_deliver(vm->lapics, vm->n_vcpus, APIC_BUS_NO_SELF, m);
}

static const struct vioapic_env ioapic_env = { .deliver = ioapic_deliver };

void vmirq_msi(struct vm *vm, const struct apic_msg *m)
{
	apic_bus_deliver(vm->lapics, vm->n_vcpus, APIC_BUS_NO_SELF, m);
}

/* An ISA line goes to both the 8259 and the IOAPIC; IRQ0 is GSI 2. */
static void isa_irq(struct vm *vm, unsigned int irq, bool level)
{
	vpic_set_irq(&vm->pic, irq, level);
	vioapic_set_irq(&vm->ioapic, irq == 0 ? 2 : irq, level);
}

void vmirq_isa_irq(struct vm *vm, unsigned int irq, bool level)
{
	spin_lock(&vm->dev_lock);
	isa_irq(vm, irq, level);
	spin_unlock(&vm->dev_lock);
}

void vmirq_gsi(struct vm *vm, unsigned int gsi, bool level)
{
	spin_lock(&vm->dev_lock);
	vioapic_set_irq(&vm->ioapic, gsi, level);
	spin_unlock(&vm->dev_lock);
}

static void pit_fired(struct sw_timer *t, uint64_t now)
{
	struct vm *vm = t->data;

	/* Not re-armed for a stopped guest: a restart can then cancel it. */
	if (vm_stopped(vm))
		return;
	spin_lock(&vm->dev_lock);
	vpit_timer_expired(&vm->pit, now);
	spin_unlock(&vm->dev_lock);
}

static void pit_timer_arm(void *ctx, uint64_t deadline)
{
	struct vm *vm = ctx;

	if (deadline)
		timer_arm(&vm->pit_timer, this_cpu()->id, deadline);
	else
		timer_cancel(&vm->pit_timer);
}

static void pit_set_irq(void *ctx, unsigned int irq, bool level)
{
	isa_irq(ctx, irq, level);
}

static const struct vpit_env pit_env = {
	.now = now_tsc,
	.timer_arm = pit_timer_arm,
	.set_irq = pit_set_irq,
};

static const struct vrtc_env rtc_env = { .now = now_tsc };
static const struct vpic_env pic_env = { .set_intr = NULL };

static int add_locked(struct vm *vm, int slot, uint16_t port, uint16_t len,
		      const struct pio_ops *ops, void *dev)
{
	/* The VM-wide devices share the VM's lock. */
	return vm_pio_register_locked(vm, &vm->locked[slot], &vm->dev_lock,
				      port, len, ops, dev);
}

static int ioapic_read(void *d, uint64_t off, unsigned int size, uint64_t *val)
{
	struct vm *vm = d;
	int r;

	spin_lock(&vm->dev_lock);
	r = vioapic_mmio_read(&vm->ioapic, off, size, val);
	spin_unlock(&vm->dev_lock);
	return r;
}

static int ioapic_write(void *d, uint64_t off, unsigned int size, uint64_t val)
{
	struct vm *vm = d;
	int r;

	spin_lock(&vm->dev_lock);
	r = vioapic_mmio_write(&vm->ioapic, off, size, val);
	spin_unlock(&vm->dev_lock);
	return r;
}

static const struct mmio_ops ioapic_mmio = {
	.name = "ioapic", .read = ioapic_read, .write = ioapic_write,
};

/* The xAPIC page belongs to whichever vCPU touches it. */
static int xapic_read(void *d, uint64_t off, unsigned int size, uint64_t *val)
{
	return vlapic_mmio_read(this_cpu()->vcpu->lapic, off, size, val);
}

static int xapic_write(void *d, uint64_t off, unsigned int size, uint64_t val)
{
	return vlapic_mmio_write(this_cpu()->vcpu->lapic, off, size, val);
}

static const struct mmio_ops xapic_mmio = {
	.name = "xapic", .read = xapic_read, .write = xapic_write,
};

/* The host's RTC, read once for the guests' CMOS clocks. */
static bool host_time(struct rtc_time *t)
{
	uint8_t regs[RTC_HOST_NREGS] = { 0 };
	uint8_t again[RTC_HOST_NREGS];

	for (int tries = 0; tries < 10; tries++) {
		for (unsigned int i = 0; i < RTC_HOST_NREGS; i++) {
			outb(0x70, i);
			regs[i] = inb(0x71);
		}
		for (unsigned int i = 0; i < RTC_HOST_NREGS; i++) {
			outb(0x70, i);
			again[i] = inb(0x71);
		}
		if (memcmp(regs, again, 10))
			continue;
		if (!rtc_decode_host(regs, t))
			return true;
	}
	return false;
}

static void pm_poweroff(void *ctx)
{
	vm_stop(ctx, 0, "powered off (ACPI S5)");
}

/* hvisor does not restart guests: a reset request ends the guest. */
static void guest_reset(void *ctx, const char *how)
{
	struct vm *vm = ctx;

	vm->was_reset = true;
	vm_stop(vm, HV_EXIT_GUEST_CRASH, "reset: %s", how);
}

int vmirq_lapic_new(struct vcpu *v, const struct vlapic_config *c,
		    const struct vlapic_env *env)
{
	/* The struct starts with the 64-byte aligned PI descriptor. */
	struct vlapic *vl = v->lapic;
	uint32_t *page = vl ? vl->regs : NULL;
	int r;

	/* A restart reuses both pages (vmirq_create() hands them back). */
	if (!vl)
		vl = (void *)frame_alloc(1);
	if (!page)
		page = (void *)frame_alloc(1);
	if (!vl || !page)
		return -ENOMEM;
	memset(vl, 0, sizeof(*vl));
	memset(page, 0, 4096);
	r = vlapic_init(vl, page, c, env, v);
	if (!r)
		v->lapic = vl;
	return r;
}

int vmirq_create(struct vm *vm)
{
	static struct rtc_time boot_time;
	static bool have_time, read_time;
	int r;

	if (!read_time) {
		have_time = host_time(&boot_time);
		read_time = true;
	}
	for (uint32_t i = 0; i < vm->n_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];
		struct vlapic_config c = {
			.id = i,
			.bsp = i == 0,
			.crystal_hz = tsc_khz * 1000,
			.tsc_khz = tsc_khz,
		};

		v->lapic = vm->lapics[i];	/* NULL on the first build */
		r = vmirq_lapic_new(v, &c, &lapic_env);
		if (r)
			return r;
		vm->lapics[i] = v->lapic;
		v->lapic_timer.fn = lapic_timer_fired;
		v->lapic_timer.data = v;
	}
	vioapic_init(&vm->ioapic, &ioapic_env, vm, IOAPIC_ID);
	vpic_init(&vm->pic, &pic_env, vm);
	r = vpit_init(&vm->pit, &pit_env, vm, tsc_khz);
	if (!r)
		r = vrtc_init(&vm->rtc, &rtc_env, vm, tsc_khz,
			      have_time ? &boot_time : NULL);
	if (r)
		return r;
	vm->pit_timer.fn = pit_fired;
	vm->pit_timer.data = vm;

	r = add_locked(vm, 0, 0x20, 2, &vpic_ops, &vm->pic);
	if (!r)
		r = add_locked(vm, 1, 0xa0, 2, &vpic_ops, &vm->pic);
	if (!r)
		r = add_locked(vm, 2, 0x4d0, 2, &vpic_ops, &vm->pic);
	if (!r)
		r = add_locked(vm, 3, 0x40, 4, &vpit_ops, &vm->pit);
	if (!r)
		r = add_locked(vm, 4, 0x61, 1, &vpit_ops, &vm->pit);
	if (!r)
		r = add_locked(vm, 5, 0x70, 2, &vrtc_ops, &vm->rtc);
	vm->pm.poweroff = pm_poweroff;
	vm->pm.ctx = vm;
	if (!r)
		r = add_locked(vm, 6, PM1A_EVT_PORT, 4, &vpm_evt_ops, &vm->pm);
	if (!r)
		r = add_locked(vm, 7, PM1A_CNT_PORT, 2, &vpm_cnt_ops, &vm->pm);
	vm->reset.reset = guest_reset;
	vm->reset.ctx = vm;
	/* 0xCF9 is the PCI host bridge's to forward (src/core/vmpci.c). */
	if (!r)
		r = add_locked(vm, 8, RESET_KBC_PORT, 1, &vreset_kbc_ops, &vm->reset);
	if (!r)
		r = add_locked(vm, 9, RESET_PORT92, 1, &vreset_port92_ops, &vm->reset);
	if (!r)
		r = mmio_register(&vm->mmio, VIOAPIC_BASE, VIOAPIC_SIZE,
				  &ioapic_mmio, vm);
	if (!r)
		r = mmio_register(&vm->mmio, APIC_BASE_DEFAULT, 0x1000, &xapic_mmio, vm);
	return r;
}

/* ---- the boot-time VID probe's vLAPIC --------------------------------------- */

static uint64_t nop_now(void *ctx) { return 0; }
static void nop_arm(void *ctx, uint64_t deadline) { }
static void nop_notify(void *ctx, bool posted) { }
static void nop_ipi(void *ctx, const struct apic_msg *m) { }
static void nop_eoi(void *ctx, uint8_t vector) { }
static void nop_init(void *ctx) { }
static void nop_sipi(void *ctx, uint8_t vector) { }

static const struct vlapic_env probe_env = {
	.now = nop_now, .timer_arm = nop_arm, .notify = nop_notify,
	.send_ipi = nop_ipi, .eoi_level = nop_eoi, .init = nop_init,
	.sipi = nop_sipi,
};

int vcpu_apic_probe_create(struct vcpu *v)
{
	struct vlapic_config c = { .id = 0, .bsp = true,
				   .crystal_hz = 1000000, .tsc_khz = 1000 };

	if (vmirq_lapic_new(v, &c, &probe_env) ||
	    vlapic_set_base(v->lapic, APIC_BASE_DEFAULT | APIC_BASE_EN |
			    APIC_BASE_EXTD | APIC_BASE_BSP))
		return -EINVAL;
	return 0;
}

static void set_vec(uint32_t *page, uint32_t reg, uint8_t vec)
{
	page[(reg + (vec >> 5) * 0x10) >> 2] |= 1u << (vec & 31);
}

void vcpu_apic_probe_stage(struct vcpu *v, uint8_t vec)
{
	uint32_t *page = v->lapic->regs;

	memset(page, 0, 4096);
	set_vec(page, VAPIC_IRR, vec);
	set_vec(page, VAPIC_ISR, vec);
}
