// SPDX-License-Identifier: GPL-2.0
/* A vCPU's VMCS and its run loop on one physical CPU. */
#include <errno.h>
#include <string.h>
#include "mm/frame.h"
#include "src/arch/cpu.h"
#include "src/arch/fpu.h"
#include "src/arch/lapic.h"
#include "src/arch/tsc.h"
#include "src/arch/x86.h"
#include "src/arch/panic.h"
#include "src/arch/percpu.h"
#include "src/arch/printk.h"
#include "src/core/vm.h"
#include "vmx/cr.h"
#include "src/core/exit.h"
#include "vmx/intr.h"
#include "src/core/vcpu.h"
#include "vmx/vmcs.h"
#include "vmx/vmx.h"

/* Control bits we ask for (Intel SDM Vol. 3C, chapter 25). */
#define PIN_EXT_INTR		(1u << 0)
#define PIN_NMI			(1u << 3)
#define PIN_VIRTUAL_NMI		(1u << 5)
#define PIN_PREEMPT_TIMER	(1u << 6)
#define PROC_TSC_OFFSET		(1u << 3)
#define PROC_HLT		(1u << 7)
#define PROC_UNCOND_IO		(1u << 24)
#define PROC_MSR_BITMAP		(1u << 28)
#define PROC_SECONDARY		(1u << 31)
#define PROC2_EPT		(1u << 1)
#define PROC2_RDTSCP		(1u << 3)
#define PROC2_VPID		(1u << 5)
#define PROC2_UNRESTRICTED	(1u << 7)
#define PROC2_PLE		(1u << 10)
#define EXIT_HOST_64		(1u << 9)
#define EXIT_ACK_INTR		(1u << 15)
#define EXIT_SAVE_PAT		(1u << 18)
#define EXIT_LOAD_PAT		(1u << 19)
#define EXIT_SAVE_EFER		(1u << 20)
#define EXIT_LOAD_EFER		(1u << 21)
#define ENTRY_LOAD_PAT		(1u << 14)
#define ENTRY_IA32E		(1u << 9)
#define ENTRY_LOAD_EFER		(1u << 15)

#define AR_CODE32		0xc09b
#define AR_DATA32		0xc093
#define AR_CODE64		0xa09b
#define AR_CODE16		0x009b
#define AR_DATA16		0x0093
#define AR_TSS_BUSY		0x008b
#define AR_UNUSABLE		0x10000

#define INTR_INFO_VALID		(1u << 31)
#define INTR_INFO_HAS_ERROR	(1u << 11)
#define INTR_INFO_RSVD		0x7ffff000u	/* bit 12: NMI unblocking, exit only */

extern char vmx_exit_stub[];
int vmx_enter(struct guest_regs *regs, int launched);

int vcpu_create(struct vcpu *v, struct vm *vm, uint32_t id)
{
	memset(v, 0, sizeof(*v));
	v->vm = vm;
	v->id = id;
	v->pending_vec = -1;
	v->vmcs_cpu = VMCS_NOWHERE;
	v->se.owner = v;
	v->se.name = v->name;
	v->vmcs_pa = frame_alloc(1);
	v->fpu = (void *)frame_alloc(1);
	if (!v->vmcs_pa || !v->fpu)
		return -ENOMEM;
	memset((void *)v->vmcs_pa, 0, 4096);
	*(uint32_t *)v->vmcs_pa = vmx_caps.revision;
	fpu_init_area(v->fpu);
	v->xcr0 = XCR0_X87;
	v->mtrr_def_type = MTRR_DEF_TYPE_BOOT;
	return 0;
}

/*
 * The pCPU's registers hold the state of cpu->current. Save it before
 * another vCPU's takes its place, or before that vCPU leaves this pCPU.
 */
static void state_save(struct vcpu *v)
{
	fpu_save(v->fpu);
	msr_state_save(&v->msrs);
}

static void state_load(struct vcpu *v)
{
	fpu_restore(v->fpu, v->xcr0);
	msr_state_load(&v->msrs);
}

static int vmptrld(uint64_t pa)
{
	uint8_t fail;

	asm volatile("vmptrld %1; setna %0" : "=q"(fail) : "m"(pa) : "cc", "memory");
	return fail ? -EIO : 0;
}

static void vmclear(uint64_t pa)
{
	asm volatile("vmclear %0" : : "m"(pa) : "cc", "memory");
}

static void setup_controls(struct vcpu *v)
{
	const struct vmx_caps *c = &vmx_caps;
	uint32_t proc2 = PROC2_EPT | PROC2_UNRESTRICTED | PROC2_RDTSCP | PROC2_PLE;
	uint32_t pin = PIN_EXT_INTR | PIN_NMI;

	/* Virtual NMIs: the CPU tracks the guest's NMI blocking for us. */
	if ((c->pin >> 32) & PIN_VIRTUAL_NMI)
		pin |= PIN_VIRTUAL_NMI;

	if (c->vpid && v->vpid)
		proc2 |= PROC2_VPID;
	if (c->preempt_timer)
		pin |= PIN_PREEMPT_TIMER;
	vmcs_write(PIN_CONTROLS, vmx_adjust(c->pin, pin));
	vmcs_write(PROC_CONTROLS, vmx_adjust(c->proc,
		   PROC_TSC_OFFSET | PROC_HLT | PROC_UNCOND_IO |
		   PROC_MSR_BITMAP | PROC_SECONDARY));
	vmcs_write(TSC_OFFSET, v->tsc_offset);
	vmcs_write(MSR_BITMAP, v->vm->msr_bitmap);
	vmcs_write(PROC_CONTROLS2, vmx_adjust(c->proc2, proc2));
	vmcs_write(EXIT_CONTROLS, vmx_adjust(c->exit,
		   EXIT_HOST_64 | EXIT_ACK_INTR | EXIT_SAVE_PAT |
		   EXIT_LOAD_PAT | EXIT_SAVE_EFER | EXIT_LOAD_EFER));
	vmcs_write(ENTRY_CONTROLS, vmx_adjust(c->entry,
		   ENTRY_LOAD_PAT | ENTRY_LOAD_EFER));
	vmcs_write(EXCEPTION_BITMAP, 0);
	vmcs_write(CR3_TARGET_COUNT, 0);
	vmcs_write(EXIT_MSR_STORE_COUNT, 0);
	vmcs_write(EXIT_MSR_LOAD_COUNT, 0);
	vmcs_write(ENTRY_MSR_LOAD_COUNT, 0);
	vmcs_write(ENTRY_INTR_INFO, 0);
	vmcs_write(VMCS_LINK_PTR, ~0ULL);
	vmcs_write(EPT_POINTER, ept_eptp(&v->vm->ept));
	if (proc2 & PROC2_VPID)
		vmcs_write(VPID, v->vpid);
	/*
	 * The guest sees the CR0/CR4 it wrote; bits VMX forces on (NE,
	 * VMXE) and the cache-disable pair are owned by us and hidden
	 * behind the read shadows (vmx/cr.h).
	 */
	vmcs_write(CR0_GUEST_HOST_MASK, CR0_HOST_OWNED);
	vmcs_write(CR4_GUEST_HOST_MASK, X86_CR4_VMXE);
	/*
	 * PAUSE-loop exiting: a guest spinning on a lock held by a vCPU
	 * that is not running yields instead of burning its slice. Gap and
	 * window in TSC cycles, about what KVM uses.
	 */
	vmcs_write(PLE_GAP, 128);
	vmcs_write(PLE_WINDOW, 4096);
}

static void setup_host(void)
{
	struct percpu *cpu = this_cpu();
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) idtr;

	asm volatile("sidt %0" : "=m"(idtr));
	vmcs_write(HOST_CR0, read_cr0());
	vmcs_write(HOST_CR3, read_cr3());
	vmcs_write(HOST_CR4, read_cr4());
	vmcs_write(HOST_CS_SEL, SEL_CODE);
	vmcs_write(HOST_SS_SEL, SEL_DATA);
	vmcs_write(HOST_DS_SEL, SEL_DATA);
	vmcs_write(HOST_ES_SEL, SEL_DATA);
	vmcs_write(HOST_FS_SEL, 0);
	vmcs_write(HOST_GS_SEL, 0);
	vmcs_write(HOST_TR_SEL, SEL_TSS);
	vmcs_write(HOST_FS_BASE, (uint64_t)cpu);
	vmcs_write(HOST_GS_BASE, (uint64_t)cpu);
	vmcs_write(HOST_TR_BASE, (uint64_t)cpu->tss);
	vmcs_write(HOST_GDTR_BASE, (uint64_t)cpu->gdt);
	vmcs_write(HOST_IDTR_BASE, idtr.base);
	vmcs_write(HOST_SYSENTER_CS, 0);
	vmcs_write(HOST_SYSENTER_ESP, 0);
	vmcs_write(HOST_SYSENTER_EIP, 0);
	vmcs_write(HOST_IA32_PAT, rdmsr(MSR_IA32_PAT));
	vmcs_write(HOST_IA32_EFER, rdmsr(MSR_EFER));
	vmcs_write(HOST_RIP, (uint64_t)vmx_exit_stub);
}

static void set_seg(enum vmcs_field sel, uint16_t s, uint32_t ar,
		    uint64_t base, uint32_t limit)
{
	/* Selector, limit, AR and base fields keep the same order. */
	vmcs_write(sel, s);
	vmcs_write(GUEST_ES_LIMIT + (sel - GUEST_ES_SEL), limit);
	vmcs_write(GUEST_ES_AR + (sel - GUEST_ES_SEL), ar);
	vmcs_write(GUEST_ES_BASE + (sel - GUEST_ES_SEL), base);
}

static void setup_guest(struct vcpu *v)
{
	const struct vmx_caps *c = &vmx_caps;
	bool real = v->boot.mode == VCPU_MODE_REAL;
	bool lm = v->boot.mode == VCPU_MODE_LONG64;
	uint64_t cr0 = (real ? 0 : X86_CR0_PE) | (1UL << 4);	/* PE | ET */
	uint64_t cr4 = lm ? X86_CR4_PAE : 0;
	uint32_t entry = vmcs_read(ENTRY_CONTROLS);
	static const enum vmcs_field data_segs[] = {
		GUEST_SS_SEL, GUEST_DS_SEL, GUEST_ES_SEL, GUEST_FS_SEL,
		GUEST_GS_SEL,
	};

	if (lm)
		cr0 |= X86_CR0_PG;
	vmcs_write(CR0_READ_SHADOW, cr0);
	vmcs_write(GUEST_CR0, (cr0 | X86_CR0_NE | (c->cr0_fixed0 &
		   ~(X86_CR0_PE | X86_CR0_PG))) & c->cr0_fixed1);
	vmcs_write(CR4_READ_SHADOW, cr4);
	vmcs_write(GUEST_CR4, (cr4 | c->cr4_fixed0 | X86_CR4_VMXE) & c->cr4_fixed1);
	vmcs_write(GUEST_CR3, lm ? v->boot.cr3 : 0);
	/* IA-32e mode at entry must match EFER.LMA. */
	vmcs_write(ENTRY_CONTROLS, lm ? entry | ENTRY_IA32E : entry & ~ENTRY_IA32E);
	vmcs_write(GUEST_DR7, 0x400);
	vmcs_write(GUEST_RSP, v->boot.rsp);
	vmcs_write(GUEST_RIP, v->boot.rip);
	vmcs_write(GUEST_RFLAGS, 0x2);

	if (real) {
		/* After SIPI: CS = vector << 8, base vector << 12, 64 KiB limits. */
		set_seg(GUEST_CS_SEL, v->boot.cs, AR_CODE16, (uint64_t)v->boot.cs << 4,
			0xffff);
		for (unsigned int i = 0; i < 5; i++)
			set_seg(data_segs[i], 0, AR_DATA16, 0, 0xffff);
	} else if (lm) {
		/* The Linux boot protocol's selectors: __BOOT_CS, __BOOT_DS. */
		set_seg(GUEST_CS_SEL, 0x10, AR_CODE64, 0, 0xffffffff);
		for (unsigned int i = 0; i < 5; i++)
			set_seg(data_segs[i], 0x18, AR_DATA32, 0, 0xffffffff);
	} else {
		set_seg(GUEST_CS_SEL, 0x08, AR_CODE32, 0, 0xffffffff);
		for (unsigned int i = 0; i < 5; i++)
			set_seg(data_segs[i], 0x10, AR_DATA32, 0, 0xffffffff);
	}
	vmcs_write(GUEST_TR_SEL, 0);
	vmcs_write(GUEST_TR_LIMIT, 0xffff);
	vmcs_write(GUEST_TR_AR, AR_TSS_BUSY);
	vmcs_write(GUEST_TR_BASE, 0);
	vmcs_write(GUEST_LDTR_SEL, 0);
	vmcs_write(GUEST_LDTR_LIMIT, 0);
	vmcs_write(GUEST_LDTR_AR, AR_UNUSABLE);
	vmcs_write(GUEST_LDTR_BASE, 0);
	vmcs_write(GUEST_GDTR_BASE, lm ? v->boot.gdt : 0);
	vmcs_write(GUEST_GDTR_LIMIT, lm ? 0x1f : 0xffff);
	vmcs_write(GUEST_IDTR_BASE, 0);
	vmcs_write(GUEST_IDTR_LIMIT, 0xffff);

	vmcs_write(GUEST_IA32_DEBUGCTL, 0);
	vmcs_write(GUEST_IA32_PAT, 0x0007040600070406ULL);
	vmcs_write(GUEST_IA32_EFER, lm ? EFER_LME | EFER_LMA : 0);
	vmcs_write(GUEST_SYSENTER_CS, 0);
	vmcs_write(GUEST_SYSENTER_ESP, 0);
	vmcs_write(GUEST_SYSENTER_EIP, 0);
	vmcs_write(GUEST_ACTIVITY_STATE, 0);
	vmcs_write(GUEST_INTERRUPTIBILITY, 0);
	vmcs_write(GUEST_PENDING_DBG, 0);

	memset(&v->regs, 0, sizeof(v->regs));
	v->regs.rax = v->boot.rax;
	v->regs.rbx = v->boot.rbx;
	v->regs.rsi = v->boot.rsi;
}

void vcpu_end_shadow(void)
{
	uint32_t intr = vmcs_read(GUEST_INTERRUPTIBILITY);

	if (intr & 3)
		vmcs_write(GUEST_INTERRUPTIBILITY, intr & ~3u);
}

void vcpu_skip_instruction(struct vcpu *v)
{
	vmcs_write(GUEST_RIP, v->exit.rip + v->exit.len);
	vcpu_end_shadow();
}

static void life_bug(enum vcpu_life from, enum vcpu_life to)
{
	panic("vCPU life: no edge from %d to %d", from, to);
}

bool vcpu_life_to(struct vcpu *v, enum vcpu_life from, enum vcpu_life to)
{
	return vcpu_life_move(&v->life, from, to, life_bug);
}

int vcpu_start(struct vcpu *v, const struct vcpu_boot *boot, uint64_t now)
{
	/* Only the winner writes the boot state the new vCPU will read. */
	if (!vcpu_life_to(v, VCPU_LIFE_CREATED, VCPU_LIFE_STARTING))
		return -EBUSY;
	v->boot = *boot;
	if (sched_add(&v->se, now)) {
		vcpu_life_to(v, VCPU_LIFE_STARTING, VCPU_LIFE_CREATED);
		return -EBUSY;
	}
	vcpu_life_to(v, VCPU_LIFE_STARTING, VCPU_LIFE_STARTED);
	return 0;
}

/* ---- VMCS ownership across pCPUs ---------------------------------------- */

/* Clear every VMCS other CPUs asked for; runs only on this CPU. */
static void mbox_process(struct percpu *cpu)
{
	spin_lock(&cpu->mbox_lock);
	for (unsigned int i = 0; i < cpu->n_clear; i++) {
		struct vcpu *v = cpu->clear_req[i];

		vmclear(v->vmcs_pa);
		if (cpu->current == v) {
			state_save(v);
			cpu->current = NULL;
		}
		v->launched = false;
		__atomic_store_n(&v->vmcs_cpu, VMCS_NOWHERE, __ATOMIC_RELEASE);
	}
	cpu->n_clear = 0;
	spin_unlock(&cpu->mbox_lock);
}

/*
 * VMCLEAR must run on the CPU where a VMCS is active: ask that CPU
 * through its mailbox and an IPI, and serve our own mailbox while
 * waiting so two CPUs asking each other cannot deadlock.
 */
static void vmcs_pull(struct percpu *cpu, struct vcpu *v, int owner)
{
	struct percpu *o = &cpus[owner];

	spin_lock(&o->mbox_lock);
	o->clear_req[o->n_clear++] = v;
	spin_unlock(&o->mbox_lock);
	lapic_send_ipi(o->apic_id, VEC_RESCHED);
	while (__atomic_load_n(&v->vmcs_cpu, __ATOMIC_ACQUIRE) != VMCS_NOWHERE) {
		mbox_process(cpu);
		cpu_relax();
	}
}

/* Make @v's VMCS the current one on this CPU. */
static int vcpu_load(struct percpu *cpu, struct vcpu *v)
{
	int owner = __atomic_load_n(&v->vmcs_cpu, __ATOMIC_ACQUIRE);

	if (owner != VMCS_NOWHERE && owner != (int)cpu->id)
		vmcs_pull(cpu, v, owner);
	if (cpu->current == v)
		return 0;
	if (vmptrld(v->vmcs_pa))
		return -EIO;
	if (cpu->current)
		state_save(cpu->current);
	state_load(v);
	cpu->current = v;
	if (v->vmcs_cpu == (int)cpu->id)
		return 0;
	/*
	 * First time on this CPU since it left: host state is per CPU. The
	 * VPID stays, so this pCPU may still cache translations from the
	 * vCPU's last stay here, made stale by what the guest changed since
	 * elsewhere (SDM 28.3.3.3): flush them.
	 */
	v->vmcs_cpu = cpu->id;
	v->launched = false;
	vcpu_flush_tlb(v);
	if (!v->configured) {
		setup_controls(v);
		if (v->lapic)
			intr_method->setup(v);
		setup_guest(v);
		v->configured = true;
	}
	setup_host();
	return 0;
}

uint32_t vcpu_host_ndst(void)
{
	uint32_t id = this_cpu()->apic_id;

	/* SDM 30.6: xAPIC destinations sit in bits 15:8 of NDST. */
	return lapic_x2apic() ? id : id << 8;
}

/* ---- the loop ------------------------------------------------------------ */

struct path_stat path_preempt, path_wake;

static void path_add(struct path_stat *p, uint64_t cycles)
{
	/* Shared by all CPUs; a rare lost update only blurs an average. */
	p->sum += cycles;
	if (!p->n || cycles < p->min)
		p->min = cycles;
	p->n++;
}

/* How soon a vCPU whose interrupt waits on an xAPIC TPR write looks again. */
#define INTR_POLL_US	100

static void arm_slice_timer(struct vcpu *v, uint32_t cpu, uint64_t now)
{
	uint64_t end = sched_slice_end(cpu, now);
	uint64_t t = timer_next(cpu);

	if (t < end)
		end = t;
	if (v->intr_poll && now + INTR_POLL_US * tsc_khz / 1000 < end)
		end = now + INTR_POLL_US * tsc_khz / 1000;
	/* A guest that never exits must still meet the pending-IRQ watch. */
	if (v->pending_vec >= 0 && !v->pending_dumped &&
	    v->pending_since + PENDING_WATCH_MS * tsc_khz < end)
		end = v->pending_since + PENDING_WATCH_MS * tsc_khz;
	if (vmx_caps.preempt_timer) {
		uint64_t ticks = end > now ?
			(end - now) >> vmx_caps.preempt_shift : 0;

		vmcs_write(PREEMPT_TIMER_VALUE,
			   ticks > 0xffffffff ? 0xffffffff : ticks);
	} else {
		/* No preemption timer: the host LAPIC timer exits the guest. */
		lapic_timer_arm(end);
	}
}

static void idle(struct percpu *cpu)
{
	uint64_t next = timer_next(cpu->id);

	lapic_timer_arm(next == UINT64_MAX ? 0 : next);
	sti();
	hlt();
	cli();
	cpu->idle_wake_tsc = rdtsc();
}

/*
 * SDM 27.2.4 / 28.2.3: an exit during event delivery (an EPT violation on
 * the stack, a host interrupt) leaves the event in the IDT-vectoring
 * information; it was not delivered and must be injected again, error
 * code and instruction length included.
 */
static void reinject(struct vcpu *v)
{
	uint32_t info = v->exit.idt_info;
	uint32_t type = (info >> 8) & 7;

	vmcs_write(ENTRY_INTR_INFO, info & ~INTR_INFO_RSVD);
	if (info & INTR_INFO_HAS_ERROR)
		vmcs_write(ENTRY_EXCEPTION_ERROR, vmcs_read(IDT_VECTORING_ERROR));
	/* Software interrupts and exceptions restart at the instruction. */
	if (type == 4 || type == 5 || type == 6)
		vmcs_write(ENTRY_INSTR_LEN, v->exit.len);
	v->nr_reinjected++;
}

static void run_one(struct percpu *cpu, struct vcpu *v)
{
	uint64_t now;

	if (vcpu_load(cpu, v)) {
		vm_stop(v->vm, HV_EXIT_GUEST_CRASH,
			"VMPTRLD of vCPU %u's VMCS failed", v->id);
		return;
	}
	vcpu_deliver_interrupts(v);
	now = rdtsc();
	vcpu_watch_pending(v, now);
	arm_slice_timer(v, cpu->id, now);
	/* Hypervisor path lengths: from the event to this entry, on this pCPU. */
	if (cpu->idle_wake_tsc)
		path_add(&path_wake, now - cpu->idle_wake_tsc);
	else if (cpu->preempt_exit_tsc)
		path_add(&path_preempt, now - cpu->preempt_exit_tsc);
	cpu->idle_wake_tsc = 0;
	cpu->preempt_exit_tsc = 0;
	if (vmx_enter(&v->regs, v->launched)) {
		vm_stop(v->vm, HV_EXIT_GUEST_CRASH,
			"VM entry failed: VM-instruction error %lu",
			vmcs_read(VM_INSTRUCTION_ERROR));
		return;
	}
	v->exit.tsc = rdtsc();
	v->launched = true;
	v->exit.reason = vmcs_read(EXIT_REASON);
	v->exit.qual = vmcs_read(EXIT_QUALIFICATION);
	v->exit.rip = vmcs_read(GUEST_RIP);
	v->exit.len = vmcs_read(EXIT_INSTR_LEN);
	v->exit.idt_info = vmcs_read(IDT_VECTORING_INFO);
	v->nr_exits++;
	vcpu_trace_exit(v);
	/* An event the exit interrupted is delivered again at the next entry. */
	if (v->exit.idt_info & INTR_INFO_VALID)
		reinject(v);
	if ((v->exit.reason & 0xffff) < 72)
		v->exits_by_reason[v->exit.reason & 0xffff]++;
	if ((v->exit.reason & 0xffff) == EXIT_PREEMPT_TIMER)
		cpu->preempt_exit_tsc = v->exit.tsc;
	vmx_handle_exit(v);
	vcpu_serve_dump(v);
}

int vcpu_enter_once(struct vcpu *v, void (*prepare)(struct vcpu *v))
{
	struct percpu *cpu = this_cpu();
	int r = 0;

	v->configured = false;		/* set up afresh each time */
	if (vcpu_load(cpu, v))
		return -EIO;
	prepare(v);
	if (vmx_enter(&v->regs, 0)) {
		r = -EIO;
	} else {
		v->exit.reason = vmcs_read(EXIT_REASON);
		v->exit.rip = vmcs_read(GUEST_RIP);
		v->exit.intr_info = vmcs_read(EXIT_INTR_INFO);
		/* A host interrupt acknowledged on exit is ours to serve. */
		if ((v->exit.reason & 0xffff) == EXIT_EXTERNAL_INTR &&
		    (v->exit.intr_info & INTR_INFO_VALID)) {
			struct trap_frame f = { .vector = v->exit.intr_info & 0xff };

			trap_dispatch(&f);
		}
	}
	vmclear(v->vmcs_pa);
	cpu->current = NULL;
	v->vmcs_cpu = VMCS_NOWHERE;
	v->launched = false;
	return r;
}

void vcpu_loop(void)
{
	struct percpu *cpu = this_cpu();
	struct sched_entity *se = NULL;

	while (vms_running()) {
		uint64_t now;

		mbox_process(cpu);
		now = rdtsc();
		timer_run(cpu->id, now);
		se = sched_current(cpu->id);
		if (!se || se->state != VCPU_RUNNING || sched_need_resched(cpu->id))
			se = sched_pick(cpu->id, now);
		if (!se) {
			idle(cpu);
			continue;
		}
		if (vm_stopped(se_to_vcpu(se)->vm)) {
			sched_remove(se, now);
			continue;
		}
		run_one(cpu, se_to_vcpu(se));
	}
	mbox_process(cpu);
}
