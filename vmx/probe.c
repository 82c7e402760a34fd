// SPDX-License-Identifier: GPL-2.0
/*
 * The boot-time probe for "a host interrupt delivers a virtual interrupt
 * while the guest has IF = 0" (Bochs 2.7; docs/DESIGN.md, "The VID
 * guard"). A one-page real-mode guest runs once on the boot CPU:
 *
 *   - it is entered with IF = 1 and vector PROBE_VEC both in service and
 *     pending (SVI = RVI = PROBE_VEC), so nothing is deliverable yet;
 *   - it executes CLI, then an x2APIC EOI, which the CPU virtualizes: the
 *     vector leaves ISR, and the pending copy becomes recognized while
 *     IF = 0;
 *   - it spins; meanwhile another pCPU, asked before the entry, sends
 *     this one an IPI that lands in guest mode. (Not the LAPIC timer:
 *     under Bochs 2.7 the host's TSC-deadline timer fires at once.) Host
 *     interrupts already pending are taken before the entry, and an
 *     answer counts only if it came from that IPI while the guest spun (a
 *     stray one is tried again, a few times).
 *
 * A CPU that follows the SDM exits for the host interrupt (external-
 * interrupt exit) in the spin loop. One with the quirk delivers PROBE_VEC
 * instead: the guest is then in PROBE_VEC's real-mode handler (a VMCALL)
 * when it exits, for the VMCALL or for the host interrupt still pending. Anything else (no host interrupt in
 * 50 ms, a failed entry) counts as "keep the guard": it is the safe side.
 * The boot CPU stands for all: every pCPU is the same model. With a
 * single pCPU there is nobody to send the IPI: the guard stays on.
 */
#include <errno.h>
#include <string.h>
#include "mm/ept.h"
#include "mm/frame.h"
#include "src/arch/cpu.h"
#include "src/arch/lapic.h"
#include "src/arch/percpu.h"
#include "src/arch/printk.h"
#include "src/arch/tsc.h"
#include "src/arch/x86.h"
#include "src/core/intr.h"
#include "vmx/exit.h"
#include "src/core/vendor.h"
#include "src/core/vm.h"
#include "vmx/intr.h"
#include "vmx/msr.h"
#include "vmx/probe.h"
#include "vmx/vcpu.h"
#include "vmx/vmcs.h"
#include "vmx/vmx.h"

#define PROBE_VEC	0x51
#define CODE_GPA	0x800
#define HANDLER_GPA	0x900
#define STACK_GPA	0xf00
#define HOST_IRQ_US	500	/* the IPI, well after the guest's CLI */
#define GIVE_UP_MS	50	/* the preemption timer, if nothing comes */
#define SPIN_GPA	(CODE_GPA + sizeof(probe_code) - 2)
#define TRIES		4

/* cli; mov ecx, 0x80b; xor eax, eax; xor edx, edx; wrmsr (EOI); jmp $ */
static const uint8_t probe_code[] = {
	0xfa, 0x66, 0xb9, 0x0b, 0x08, 0x00, 0x00, 0x66, 0x31, 0xc0,
	0x66, 0x31, 0xd2, 0x0f, 0x30, 0xeb, 0xfe,
};
/* The handler of PROBE_VEC: vmcall. */
static const uint8_t probe_handler[] = { 0x0f, 0x01, 0xc1 };

static struct vm probe_vm;
static struct vm_vendor probe_vendor;
static struct vcpu probe_vcpu;

/* The IPI another pCPU sends at kick_at (TSC) to kick_apic. */
static uint64_t kick_at;
static uint32_t kick_apic;

void vmx_probe_serve_kick(void)
{
	uint64_t at = __atomic_load_n(&kick_at, __ATOMIC_ACQUIRE);

	if (!at || rdtsc() < at)
		return;
	if (__atomic_compare_exchange_n(&kick_at, &at, 0, false,
					__ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
		lapic_send_ipi(kick_apic, VEC_RESCHED);
}

static void prepare(struct vcpu *v)
{
	/* Whatever the host has pending is served now, not in the guest. */
	sti();
	cpu_relax();
	cli();
	vcpu_apic_probe_stage(v, PROBE_VEC);
	vmcs_write(GUEST_INTR_STATUS, PROBE_VEC | PROBE_VEC << 8);
	vmcs_write(GUEST_RFLAGS, 0x202);
	vmcs_write(PROC_CONTROLS, vmcs_read(PROC_CONTROLS) & ~(1u << 2));
	if (vmx_caps.preempt_timer)
		vmcs_write(PREEMPT_TIMER_VALUE,
			   (GIVE_UP_MS * tsc_khz) >> vmx_caps.preempt_shift);
	kick_apic = this_cpu()->apic_id;
	__atomic_store_n(&kick_at, rdtsc() + HOST_IRQ_US * tsc_khz / 1000,
			 __ATOMIC_RELEASE);
}

/* Build the probe guest: its page, EPT, MSR bitmaps and an x2APIC vLAPIC. */
static int build(struct vm *vm, struct vcpu *v)
{
	uint64_t ram = frame_alloc(1);
	uint16_t *ivt;

	if (!ram)
		return -ENOMEM;
	memset((void *)ram, 0, 4096);
	memcpy((uint8_t *)ram + CODE_GPA, probe_code, sizeof(probe_code));
	memcpy((uint8_t *)ram + HANDLER_GPA, probe_handler, sizeof(probe_handler));
	ivt = (uint16_t *)ram;
	ivt[PROBE_VEC * 2] = HANDLER_GPA;	/* offset, then segment 0 */
	vm->name = "vid-probe";
	if (ept_init(&vm->ept, &ept_host_ops, (uint32_t)vmx_caps.ept_vpid) ||
	    ept_map(&vm->ept, 0, ram, 4096, EPT_RWX, EPT_MT_WB))
		return -ENOMEM;
	vm->vendor = &probe_vendor;
	probe_vendor.msr_bitmap = msr_bitmap_init();
	if (!probe_vendor.msr_bitmap)
		return -ENOMEM;
	/* EOI writes virtualized: that is the point. */
	probe_vendor.msr_bitmap_x2vid =
		msr_bitmap_x2apic_vid(probe_vendor.msr_bitmap, true, true);
	probe_vendor.msr_bitmap_x2vid_tpr = probe_vendor.msr_bitmap_x2vid;
	if (!probe_vendor.msr_bitmap_x2vid || vcpu_create(v, vm, 0))
		return -ENOMEM;
	if (vcpu_apic_probe_create(v))
		return -EINVAL;
	v->boot.mode = VCPU_MODE_REAL;
	v->boot.cs = 0;
	v->boot.rip = CODE_GPA;
	v->boot.rsp = STACK_GPA;
	return 0;
}

/* One try: 1 quirk, 0 no quirk, -1 no answer. */
static int try_once(struct vcpu *v)
{
	const struct vm_exit *e = &v->exit;
	uint64_t entered = rdtsc();
	int r = vcpu_enter_once(v, prepare);
	uint32_t info = vmx(v)->intr_info;

	__atomic_store_n(&kick_at, 0, __ATOMIC_RELEASE);
	if (r) {
		pr_warn("hvisor: VID probe: the probe guest could not run (%d)\n", r);
		return -1;
	}
	/*
	 * In PROBE_VEC's handler: its VMCALL, or (under Bochs) the IPI's
	 * own exit right at the handler's first instruction, since the
	 * quirk delivers the virtual interrupt and leaves the host one
	 * pending. Either way it was delivered with IF = 0.
	 */
	if (e->rip == HANDLER_GPA)
		return 1;
	/* The IPI, while the guest spun with IF = 0 after its EOI. */
	if (e->reason == EXIT_EXTERNAL_INTR && e->rip == SPIN_GPA &&
	    (info & 0xff) == VEC_RESCHED)
		return 0;
	pr_info("hvisor: VID probe: no answer from exit %u (%s) at %#lx, vector %#x, %lu us after the entry\n",
		e->reason, vendor_exit_name(e->reason), e->rip, info & 0xff, (rdtsc() - entered) * 1000 / tsc_khz);
	return -1;
}

bool vmx_probe_vid_quirk(void)
{
	int r = -1;

	if (!vmx_caps.unrestricted || nr_cpus < 2) {
		pr_info("hvisor: VID probe: needs unrestricted guest and a second pCPU; guard on\n");
		return true;
	}
	if (build(&probe_vm, &probe_vcpu)) {
		pr_warn("hvisor: VID probe: no memory for the probe guest; guard on\n");
		return true;
	}
	for (int i = 0; i < TRIES && r < 0; i++)
		r = try_once(&probe_vcpu);
	if (r == 1)
		pr_info("hvisor: VID probe: a host interrupt delivered a virtual interrupt at IF=0 (the Bochs quirk): guard on\n");
	else if (r == 0)
		pr_info("hvisor: VID probe: a host interrupt at IF=0 exited, as the SDM says: guard off\n");
	else
		pr_warn("hvisor: VID probe: no answer in %d tries; guard on\n", TRIES);
	return r != 0;
}
