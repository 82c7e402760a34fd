// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for interrupt delivery (vmx/intr.c) on a fake VMCS: event
 * injection and virtual-interrupt delivery, driven by the real vLAPIC
 * model, and the choice between them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "src/arch/printk.h"
#include "dev/vlapic.h"
#include "src/core/intr.h"
#include "src/core/mmio.h"
#include "src/core/vendor.h"
#include "src/core/vm.h"
#include "src/core/vmirq.h"
#include "vmx/intr.h"
#include "vmx/vcpu.h"
#include "vmx/vmcs.h"
#include "vmx/vmx.h"

/* ---- the fake VMCS and the hypervisor pieces intr.c calls ----------------- */

static uint64_t fake[0x7000];

uint64_t vmcs_read(enum vmcs_field f)
{
	assert_true(f < 0x7000);
	return fake[f];
}

int vmcs_write(enum vmcs_field f, uint64_t v)
{
	assert_true(f < 0x7000);
	fake[f] = v;
	return 0;
}

struct vmx_caps vmx_caps;
static int pre_entry_calls;

void vmirq_vcpu_pre_entry(struct vcpu *v)
{
	pre_entry_calls++;
}

int vcpu_emulate_mmio(struct vcpu *v, uint64_t gpa)
{
	return -ENOENT;
}

static uint32_t host_ndst = 0x100;

uint32_t vcpu_host_ndst(void)
{
	return host_ndst;
}

enum log_level log_level;

void printk(enum log_level level, const char *fmt, ...)
{
}

void vm_stop(struct vm *vm, int code, const char *fmt, ...)
{
	fail_msg("vm_stop called");
}

/* ---- a vCPU with a real vLAPIC ------------------------------------------- */

static uint64_t clock;
static uint64_t env_now(void *ctx) { return clock; }
static void env_timer(void *ctx, uint64_t d) { }
static void env_notify(void *ctx, bool posted) { }
static void env_ipi(void *ctx, const struct apic_msg *m) { }
static void env_eoi(void *ctx, uint8_t v) { }
static void env_init(void *ctx) { }
static void env_sipi(void *ctx, uint8_t v) { }

static const struct vlapic_env env = {
	env_now, env_timer, env_notify, env_ipi, env_eoi, env_init, env_sipi,
};

static struct vm vm;
static struct vcpu v;
static struct vcpu_vendor vx;
static struct vm_vendor vmv;
static struct vlapic vl __attribute__((aligned(64)));
static uint32_t page[1024] __attribute__((aligned(4096)));

#define VALID			(1u << 31)

static int setup(void **state)
{
	struct vlapic_config c = { .id = 0, .bsp = true,
				   .crystal_hz = 50000000, .tsc_khz = 50000 };

	memset(fake, 0, sizeof(fake));
	memset(&vm, 0, sizeof(vm));
	memset(&v, 0, sizeof(v));
	memset(&vx, 0, sizeof(vx));
	v.vendor = &vx;
	memset(&vl, 0, sizeof(vl));
	memset(page, 0, sizeof(page));
	assert_int_equal(vlapic_init(&vl, page, &c, &env, &v), 0);
	memset(&vmv, 0, sizeof(vmv));
	vm.vendor = &vmv;
	vmv.msr_bitmap = 0x1000;
	vmv.msr_bitmap_x2vid = 0x2000;
	vmv.apic_access_page = 0x3000;
	v.vm = &vm;
	v.lapic = &vl;
	/* Software-enable the vLAPIC: SVR enable bit, spurious 0xff. */
	assert_int_equal(vlapic_mmio_write(&vl, 0xf0, 4, 0x1ff), 0);
	vmv.msr_bitmap_x2vid_tpr = 0x4000;
	fake[GUEST_RFLAGS] = 0x202;	/* IF */
	pre_entry_calls = 0;
	vid_guard = true;
	return 0;
}

static void post(uint8_t vec, bool level)
{
	struct apic_msg m = { .vector = vec, .mode = APIC_DM_FIXED,
			      .level = level, .assert = true };

	assert_true(vlapic_accept(&vl, &m));
}

static void caps(bool vid)
{
	memset(&vmx_caps, 0, sizeof(vmx_caps));
	host_ndst = 0x100;
	vmx_caps.vid = vmx_caps.apic_reg_virt = vid;
	vmx_caps.proc = (uint64_t)(vid ? PROC_TPR_SHADOW : 0) << 32;
	vmx_caps.proc2 = (uint64_t)(vid ? PROC2_APIC_ACCESS | PROC2_X2APIC |
				    PROC2_APIC_REG | PROC2_VID : 0) << 32;
}

/* ---- selection -------------------------------------------------------------- */

static void test_select(void **state)
{
	caps(true);
	assert_int_equal(intr_select(CFG_DELIVERY_AUTO), 0);
	assert_string_equal(intr_method->name, "vid");
	assert_int_equal(intr_select(CFG_DELIVERY_INJECT), 0);
	assert_string_equal(intr_method->name, "inject");
	assert_int_equal(intr_select(CFG_DELIVERY_POSTED), -ENOTSUP);	/* no PI */
	caps(false);
	assert_int_equal(intr_select(CFG_DELIVERY_AUTO), 0);
	assert_string_equal(intr_method->name, "inject");
	assert_int_equal(intr_select(CFG_DELIVERY_VID), -ENOTSUP);
}

static void test_select_posted(void **state)
{
	caps(true);
	vmx_caps.posted_intr = true;
	assert_int_equal(intr_select(CFG_DELIVERY_AUTO), 0);
	assert_string_equal(intr_method->name, "posted");
	assert_int_equal(intr_method->notify_vector, 0xf2);
	assert_int_equal(intr_select(CFG_DELIVERY_VID), 0);
	assert_int_equal(intr_method->notify_vector, 0xf0);
	caps(false);
	vmx_caps.posted_intr = true;	/* posting needs delivery as well */
	assert_int_equal(intr_select(CFG_DELIVERY_POSTED), -ENOTSUP);
}

/* ---- event injection -------------------------------------------------------- */

static void test_inject_delivers(void **state)
{
	caps(false);
	intr_select(CFG_DELIVERY_INJECT);
	post(0x40, false);
	vcpu_deliver_interrupts(&v);
	assert_int_equal(pre_entry_calls, 1);
	assert_int_equal(fake[ENTRY_INTR_INFO], VALID | 0x40);
	assert_int_equal(vlapic_highest_isr(&vl), 0x40);	/* acked */
	assert_int_equal(vlapic_highest_irr(&vl), -1);
	assert_false(fake[PROC_CONTROLS] & PROC_INTR_WINDOW);
}

static void test_inject_waits_for_window(void **state)
{
	caps(false);
	intr_select(CFG_DELIVERY_INJECT);
	post(0x41, false);
	fake[GUEST_RFLAGS] = 0x2;		/* IF clear */
	vcpu_deliver_interrupts(&v);
	assert_int_equal(fake[ENTRY_INTR_INFO], 0);
	assert_true(fake[PROC_CONTROLS] & PROC_INTR_WINDOW);
	assert_int_equal(vlapic_highest_irr(&vl), 0x41);	/* still pending */

	fake[GUEST_RFLAGS] = 0x202;
	fake[GUEST_INTERRUPTIBILITY] = 1;	/* STI shadow */
	vcpu_deliver_interrupts(&v);
	assert_int_equal(fake[ENTRY_INTR_INFO], 0);
	assert_true(fake[PROC_CONTROLS] & PROC_INTR_WINDOW);

	fake[GUEST_INTERRUPTIBILITY] = 0;	/* the window opened */
	vcpu_deliver_interrupts(&v);
	assert_int_equal(fake[ENTRY_INTR_INFO], VALID | 0x41);
	assert_false(fake[PROC_CONTROLS] & PROC_INTR_WINDOW);
}

static void test_inject_exception_first(void **state)
{
	uint64_t gp = VALID | (3u << 8) | (1u << 11) | 13;

	caps(false);
	intr_select(CFG_DELIVERY_INJECT);
	post(0x42, false);
	fake[ENTRY_INTR_INFO] = gp;		/* a #GP from this exit */
	vcpu_deliver_interrupts(&v);
	assert_int_equal(fake[ENTRY_INTR_INFO], gp);
	assert_true(fake[PROC_CONTROLS] & PROC_INTR_WINDOW);
	assert_int_equal(vlapic_highest_irr(&vl), 0x42);
}

static void test_inject_priority(void **state)
{
	caps(false);
	intr_select(CFG_DELIVERY_INJECT);
	/* TPR class 5 masks 0x50 but not 0x61. */
	assert_int_equal(vlapic_mmio_write(&vl, 0x80, 4, 0x50), 0);
	post(0x50, false);
	vcpu_deliver_interrupts(&v);
	assert_int_equal(fake[ENTRY_INTR_INFO], 0);
	assert_false(fake[PROC_CONTROLS] & PROC_INTR_WINDOW);
	post(0x61, false);
	vcpu_deliver_interrupts(&v);
	assert_int_equal(fake[ENTRY_INTR_INFO], VALID | 0x61);
}

static void test_inject_nothing(void **state)
{
	caps(false);
	intr_select(CFG_DELIVERY_INJECT);
	fake[PROC_CONTROLS] = PROC_INTR_WINDOW;
	vcpu_deliver_interrupts(&v);
	assert_int_equal(fake[ENTRY_INTR_INFO], 0);
	assert_false(fake[PROC_CONTROLS] & PROC_INTR_WINDOW);
	assert_false(vcpu_interrupt_pending(&v));
	post(0x43, false);
	assert_true(vcpu_interrupt_pending(&v));
}

/* ---- virtual-interrupt delivery -------------------------------------------- */

static void test_vid_setup_xapic(void **state)
{
	caps(true);
	intr_select(CFG_DELIVERY_VID);
	intr_method->setup(&v);
	assert_true(fake[PROC_CONTROLS] & PROC_TPR_SHADOW);
	assert_true(fake[PROC_CONTROLS2] & PROC2_APIC_REG);
	assert_true(fake[PROC_CONTROLS2] & PROC2_VID);
	assert_true(fake[PROC_CONTROLS2] & PROC2_APIC_ACCESS);
	assert_false(fake[PROC_CONTROLS2] & PROC2_X2APIC);
	assert_int_equal(fake[VIRTUAL_APIC_ADDR], (uint64_t)page);
	assert_int_equal(fake[APIC_ACCESS_ADDR], 0x3000);
	assert_int_equal(fake[MSR_BITMAP], 0x1000);
}

static void test_vid_rvi_svi(void **state)
{
	caps(true);
	vid_guard = false;
	intr_select(CFG_DELIVERY_VID);
	intr_method->setup(&v);
	post(0x30, false);
	post(0x71, false);
	vcpu_deliver_interrupts(&v);
	/* RVI = highest IRR; nothing in service. Never injected by us. */
	assert_int_equal(fake[GUEST_INTR_STATUS], 0x71);
	assert_int_equal(fake[ENTRY_INTR_INFO], 0);
	assert_false(fake[PROC_CONTROLS] & PROC_INTR_WINDOW);
	/* The CPU delivered 0x71: IRR -> ISR in the page, as hardware does. */
	page[(0x200 + 0x10 * 3) / 4] &= ~(1u << (0x71 & 31));
	page[(0x100 + 0x10 * 3) / 4] |= 1u << (0x71 & 31);
	vcpu_deliver_interrupts(&v);
	assert_int_equal(fake[GUEST_INTR_STATUS], 0x30 | 0x71 << 8);
}

static void test_vid_eoi_bitmap(void **state)
{
	caps(true);
	vid_guard = false;
	intr_select(CFG_DELIVERY_VID);
	intr_method->setup(&v);
	post(0x45, true);	/* level: its EOI must exit for the vIOAPIC */
	post(0x46, false);
	vcpu_deliver_interrupts(&v);
	assert_int_equal(fake[EOI_EXIT_BITMAP0 + 2], 1ULL << (0x45 - 64));
	assert_int_equal(fake[EOI_EXIT_BITMAP0], 0);
	assert_int_equal(fake[EOI_EXIT_BITMAP0 + 4], 0);
	assert_int_equal(fake[EOI_EXIT_BITMAP0 + 6], 0);
}

static void test_vid_x2apic_switch(void **state)
{
	caps(true);
	intr_select(CFG_DELIVERY_VID);
	intr_method->setup(&v);
	/* The guest turns on x2APIC mode (EN | EXTD | BSP). */
	assert_int_equal(vlapic_set_base(&vl, 0xfee00000 | (1 << 11) |
					 (1 << 10) | (1 << 8)), 0);
	vcpu_deliver_interrupts(&v);
	assert_true(fake[PROC_CONTROLS2] & PROC2_X2APIC);
	assert_false(fake[PROC_CONTROLS2] & PROC2_APIC_ACCESS);
	assert_int_equal(fake[MSR_BITMAP], 0x2000);
}

static void test_vid_nmi(void **state)
{
	struct apic_msg m = { .mode = APIC_DM_NMI };

	caps(true);
	intr_select(CFG_DELIVERY_VID);
	intr_method->setup(&v);
	assert_true(vlapic_accept(&vl, &m));
	vcpu_deliver_interrupts(&v);
	assert_int_equal(fake[ENTRY_INTR_INFO], VALID | (2u << 8) | 2);
}

/* ---- the VID guard ------------------------------------------------------------ */

#define PIN_VIRTUAL_NMI	(1u << 5)

static void guarded(void)
{
	caps(true);
	intr_select(CFG_DELIVERY_VID);
	intr_method->setup(&v);
	assert_true(intr_vid_guarded());
}

static void isr_set(uint8_t vec)
{
	page[(0x100 + 0x10 * (vec >> 5)) / 4] |= 1u << (vec & 31);
}

static void test_guard_if0_waits_for_window(void **state)
{
	guarded();
	post(0x41, false);
	fake[GUEST_RFLAGS] = 0x2;
	vcpu_deliver_interrupts(&v);
	/* Nothing staged: a host interrupt cannot deliver what is not there. */
	assert_int_equal(fake[GUEST_INTR_STATUS], 0);
	assert_true(fake[PROC_CONTROLS] & PROC_INTR_WINDOW);
	assert_int_equal(vlapic_highest_irr(&vl), 0x41);
	/* The window opened: staged, delivered at the first instruction. */
	fake[GUEST_RFLAGS] = 0x202;
	vcpu_deliver_interrupts(&v);
	assert_int_equal(fake[GUEST_INTR_STATUS], 0x41);
	assert_false(fake[PROC_CONTROLS] & PROC_INTR_WINDOW);
	assert_int_equal(fake[ENTRY_INTR_INFO], 0);
}

static void test_guard_shadow_and_injection(void **state)
{
	guarded();
	post(0x42, false);
	fake[GUEST_INTERRUPTIBILITY] = 1;	/* STI shadow */
	vcpu_deliver_interrupts(&v);
	assert_int_equal(fake[GUEST_INTR_STATUS], 0);
	assert_true(fake[PROC_CONTROLS] & PROC_INTR_WINDOW);
	fake[GUEST_INTERRUPTIBILITY] = 2;	/* MOV-SS shadow */
	vcpu_deliver_interrupts(&v);
	assert_int_equal(fake[GUEST_INTR_STATUS], 0);
	fake[GUEST_INTERRUPTIBILITY] = 0;
	/* A re-injected event runs its handler first, maybe with IF = 0. */
	fake[ENTRY_INTR_INFO] = VALID | (3u << 8) | 14;
	vcpu_deliver_interrupts(&v);
	assert_int_equal(fake[GUEST_INTR_STATUS], 0);
	assert_true(fake[PROC_CONTROLS] & PROC_INTR_WINDOW);
	assert_int_equal(fake[ENTRY_INTR_INFO], VALID | (3u << 8) | 14);
}

static void test_guard_second_vector_eoi_exits(void **state)
{
	guarded();
	isr_set(0x31);			/* an older handler still in service */
	post(0x51, false);
	post(0x45, false);
	vcpu_deliver_interrupts(&v);
	/* 0x51 staged; the CPU refills RVI with 0x45 once it delivers, so
	 * the EOIs of 0x51 and of 0x31 must exit instead of re-evaluating. */
	assert_int_equal(fake[GUEST_INTR_STATUS], 0x51 | 0x31 << 8);
	assert_int_equal(fake[EOI_EXIT_BITMAP0], (1ULL << 0x31));
	assert_int_equal(fake[EOI_EXIT_BITMAP0 + 2],
			 1ULL << (0x51 - 64));
	/* Alone in IRR: no EOI exit needed. */
	memset(page + 0x100 / 4, 0, 0x80);
	page[(0x200 + 0x10 * 2) / 4] &= ~(1u << (0x45 & 31));
	vcpu_deliver_interrupts(&v);
	assert_int_equal(fake[GUEST_INTR_STATUS], 0x51);
	assert_int_equal(fake[EOI_EXIT_BITMAP0], 0);
	assert_int_equal(fake[EOI_EXIT_BITMAP0 + 2], 0);
}

static void test_guard_isr_blocked(void **state)
{
	guarded();
	isr_set(0x61);
	post(0x52, false);
	vcpu_deliver_interrupts(&v);
	/* Class 5 under class 6 in service: wait for that EOI, no window. */
	assert_int_equal(fake[GUEST_INTR_STATUS], 0x61 << 8);
	assert_int_equal(fake[EOI_EXIT_BITMAP0 + 2], 1ULL << (0x61 - 64));
	assert_false(fake[PROC_CONTROLS] & PROC_INTR_WINDOW);
	assert_false(vx.intr_poll);
}

static void test_guard_tpr_blocked(void **state)
{
	guarded();
	assert_int_equal(vlapic_mmio_write(&vl, 0x80, 4, 0x50), 0);
	post(0x53, false);
	vcpu_deliver_interrupts(&v);
	/* xAPIC TPR writes never exit: poll. */
	assert_int_equal(fake[GUEST_INTR_STATUS], 0);
	assert_true(vx.intr_poll);
	assert_int_equal(fake[MSR_BITMAP], 0x1000);
	/* x2APIC: the TPR write exits instead. */
	assert_int_equal(vlapic_set_base(&vl, 0xfee00000 | (1 << 11) |
					 (1 << 10) | (1 << 8)), 0);
	assert_int_equal(vlapic_wrmsr(&vl, 0x808, 0x50), 0);
	vcpu_deliver_interrupts(&v);
	assert_false(vx.intr_poll);
	assert_int_equal(fake[MSR_BITMAP], 0x4000);
	assert_int_equal(vlapic_wrmsr(&vl, 0x808, 0), 0);
	vcpu_deliver_interrupts(&v);
	assert_int_equal(fake[MSR_BITMAP], 0x2000);
	assert_int_equal(fake[GUEST_INTR_STATUS], 0x53);
}

static void test_guard_off_is_architectural(void **state)
{
	caps(true);
	vid_guard = false;
	intr_select(CFG_DELIVERY_VID);
	intr_method->setup(&v);
	assert_false(intr_vid_guarded());
	post(0x41, false);
	fake[GUEST_RFLAGS] = 0x2;
	vcpu_deliver_interrupts(&v);
	assert_int_equal(fake[GUEST_INTR_STATUS], 0x41);
	assert_false(fake[PROC_CONTROLS] & PROC_INTR_WINDOW);
}

static void test_nmi_blocking(void **state)
{
	struct apic_msg m = { .mode = APIC_DM_NMI };

	guarded();
	fake[PIN_CONTROLS] |= PIN_VIRTUAL_NMI;
	assert_true(vlapic_accept(&vl, &m));
	fake[GUEST_INTERRUPTIBILITY] = 8;	/* an NMI handler runs */
	vcpu_deliver_interrupts(&v);
	assert_int_equal(fake[ENTRY_INTR_INFO], 0);
	assert_true(fake[PROC_CONTROLS] & PROC_NMI_WINDOW);
	fake[GUEST_INTERRUPTIBILITY] = 2;	/* MOV-SS shadow */
	vcpu_deliver_interrupts(&v);
	assert_int_equal(fake[ENTRY_INTR_INFO], 0);
	fake[GUEST_INTERRUPTIBILITY] = 0;
	vcpu_deliver_interrupts(&v);
	assert_int_equal(fake[ENTRY_INTR_INFO], VALID | (2u << 8) | 2);
	assert_false(fake[PROC_CONTROLS] & PROC_NMI_WINDOW);
	/* Without virtual NMIs an STI shadow still holds it back. */
	fake[PIN_CONTROLS] &= ~PIN_VIRTUAL_NMI;
	fake[ENTRY_INTR_INFO] = 0;
	assert_true(vlapic_accept(&vl, &m));
	fake[GUEST_INTERRUPTIBILITY] = 1;
	caps(false);
	intr_select(CFG_DELIVERY_INJECT);
	vcpu_deliver_interrupts(&v);
	assert_int_equal(fake[ENTRY_INTR_INFO], 0);
	assert_true(fake[PROC_CONTROLS] & PROC_INTR_WINDOW);
}

/*
 * A model of the CPU's virtual-interrupt delivery as Bochs 2.7 runs it,
 * quirk included: a host interrupt delivers a recognized virtual
 * interrupt whatever the guest's IF. A random guest (CLI/STI, EOIs, TPR
 * writes, self-IPIs through the vLAPIC, host interrupts, new interrupts
 * at exits) runs against the guard's plans; no virtual interrupt may
 * ever be delivered while IF = 0. Without the guard the same walk must
 * hit the quirk, or the model proves nothing.
 */
struct cpu_model {
	bool if_flag, window, pending, in_guest;
	int rvi, svi;
	uint64_t eoi_exit[4];
	bool tpr_exits;
	unsigned int violations, delivered;
};

static uint32_t rnd_state = 12345;

static uint32_t rnd(uint32_t n)
{
	rnd_state = rnd_state * 1103515245 + 12345;
	return (rnd_state >> 16) % n;
}

static uint32_t vppr(void)
{
	uint32_t tpr = page[0x80 / 4] & 0xff;
	int isr = vlapic_highest_isr(&vl);
	uint32_t isr_cls = isr < 0 ? 0 : (uint32_t)isr & 0xf0;

	return (tpr & 0xf0) >= isr_cls ? tpr & 0xf0 : isr_cls;
}

static void evaluate(struct cpu_model *c)
{
	c->pending = !c->window && c->rvi && ((uint32_t)c->rvi >> 4) > (vppr() >> 4);
}

static void deliver(struct cpu_model *c)
{
	uint8_t vec = c->rvi;

	if (!c->if_flag)
		c->violations++;
	c->delivered++;
	page[(0x200 + 0x10 * (vec >> 5)) / 4] &= ~(1u << (vec & 31));
	isr_set(vec);
	c->svi = vec;
	c->rvi = vlapic_highest_irr(&vl) < 0 ? 0 : vlapic_highest_irr(&vl);
	c->pending = false;
	c->if_flag = false;		/* an interrupt gate */
}

static void enter(struct cpu_model *c)
{
	int vec;

	fake[GUEST_RFLAGS] = c->if_flag ? 0x202 : 0x2;
	fake[GUEST_INTERRUPTIBILITY] = 0;
	fake[ENTRY_INTR_INFO] = 0;
	vcpu_deliver_interrupts(&v);
	c->rvi = fake[GUEST_INTR_STATUS] & 0xff;
	c->svi = (fake[GUEST_INTR_STATUS] >> 8) & 0xff;
	c->window = fake[PROC_CONTROLS] & PROC_INTR_WINDOW;
	c->tpr_exits = vx.intr_tpr_watch;
	for (int i = 0; i < 4; i++)
		c->eoi_exit[i] = fake[EOI_EXIT_BITMAP0 + 2 * i];
	c->in_guest = true;
	/*
	 * Never lost: a vector above PPR is staged, or an exit is armed
	 * for when IF opens. An entry that skips the plan (nothing new
	 * since an idle one) must not break this either.
	 */
	vec = vlapic_highest_irr(&vl);
	if (vec >= 0 && ((uint32_t)vec >> 4) > (vppr() >> 4))
		assert_true(c->rvi == vec || c->window);
	assert_int_equal(c->svi, vlapic_highest_isr(&vl) < 0 ? 0 :
			 vlapic_highest_isr(&vl));
	evaluate(c);
	/* The first instruction boundary. */
	if (c->pending && c->if_flag)
		deliver(c);
}

static void vexit(struct cpu_model *c)
{
	fake[GUEST_INTR_STATUS] = c->rvi | c->svi << 8;
	c->in_guest = false;
}

static unsigned int walk(bool guard, unsigned int steps)
{
	struct cpu_model c = { .if_flag = true };

	caps(true);
	vid_guard = guard;
	intr_select(CFG_DELIVERY_VID);
	intr_method->setup(&v);
	assert_int_equal(vlapic_set_base(&vl, 0xfee00000 | (1 << 11) |
					 (1 << 10) | (1 << 8)), 0);
	enter(&c);
	for (unsigned int i = 0; i < steps; i++) {
		int isr;

		switch (rnd(8)) {
		case 0:		/* CLI */
			c.if_flag = false;
			break;
		case 1:		/* STI (the shadow ends at the next boundary) */
			c.if_flag = true;
			if (c.window) {
				vexit(&c);
				enter(&c);
			}
			break;
		case 2:		/* EOI, virtualized unless its bit exits */
			isr = vlapic_highest_isr(&vl);
			if (isr < 0)
				break;
			page[(0x100 + 0x10 * (isr >> 5)) / 4] &= ~(1u << (isr & 31));
			c.svi = vlapic_highest_isr(&vl) < 0 ? 0 : vlapic_highest_isr(&vl);
			if (c.eoi_exit[isr >> 6] & (1ULL << (isr & 63))) {
				vexit(&c);
				vlapic_eoi_exit(&vl, isr);
				enter(&c);
			} else {
				evaluate(&c);
			}
			break;
		case 3:		/* x2APIC TPR write */
			if (c.tpr_exits) {
				vexit(&c);
				assert_int_equal(vlapic_wrmsr(&vl, 0x808, rnd(2) ? 0 : 0x40), 0);
				enter(&c);
			} else {
				page[0x80 / 4] = rnd(2) ? 0 : 0x40;
				evaluate(&c);
			}
			break;
		case 4:		/* a host interrupt: Bochs's quirk */
			if (c.pending) {
				deliver(&c);
			} else {
				vexit(&c);
				if (rnd(2))
					post(0x30 + rnd(0xc0), false);
				enter(&c);
			}
			break;
		case 5:		/* an exit for any other reason */
			vexit(&c);
			if (rnd(3) == 0)
				post(0x30 + rnd(0xc0), false);
			enter(&c);
			break;
		case 6:		/* self-IPI: exits under the guard */
			if (!guard) {
				uint8_t vec = 0x30 + rnd(0xc0);

				page[(0x200 + 0x10 * (vec >> 5)) / 4] |= 1u << (vec & 31);
				if (vec > c.rvi)
					c.rvi = vec;
				evaluate(&c);
			} else {
				vexit(&c);
				assert_int_equal(vlapic_wrmsr(&vl, 0x83f, 0x30 + rnd(0xc0)), 0);
				enter(&c);
			}
			break;
		default:	/* an instruction boundary */
			if (c.window && c.if_flag) {
				vexit(&c);
				enter(&c);
			} else if (c.pending && c.if_flag) {
				deliver(&c);
			}
			break;
		}
	}
	print_message("guard %s: %u delivered, %u with IF = 0\n",
		      guard ? "on" : "off", c.delivered, c.violations);
	assert_true(c.delivered > steps / 50);
	return c.violations;
}

static void test_guard_model_never_if0(void **state)
{
	assert_int_equal(walk(true, 200000), 0);
}

static void test_guard_model_off_shows_quirk(void **state)
{
	assert_true(walk(false, 200000) > 0);
}

/* ---- posted interrupts ------------------------------------------------------ */

static void test_posted_setup(void **state)
{
	caps(true);
	vmx_caps.posted_intr = true;
	intr_select(CFG_DELIVERY_POSTED);
	intr_method->setup(&v);
	assert_true(fake[PIN_CONTROLS] & PIN_POSTED);
	assert_int_equal(fake[POSTED_INTR_NV], 0xf2);
	assert_int_equal(fake[POSTED_INTR_DESC], (uint64_t)&vl.pi);
	assert_int_equal((vl.pi.control & PI_NV_MASK) >> PI_NV_SHIFT, 0xf2);
	/* It is virtual-interrupt delivery underneath. */
	assert_true(fake[PROC_CONTROLS2] & PROC2_VID);
}

static void test_posted_ndst_follows_pcpu(void **state)
{
	caps(true);
	vmx_caps.posted_intr = true;
	intr_select(CFG_DELIVERY_POSTED);
	intr_method->setup(&v);
	host_ndst = 0x300;		/* xAPIC ID 3 in bits 15:8 */
	vcpu_deliver_interrupts(&v);
	assert_int_equal(vl.pi.control >> PI_NDST_SHIFT, 0x300);
	host_ndst = 0x500;		/* migrated */
	post(0x44, false);
	vcpu_deliver_interrupts(&v);
	assert_int_equal(vl.pi.control >> PI_NDST_SHIFT, 0x500);
	/* The PIR still reaches RVI at entry. */
	assert_int_equal(fake[GUEST_INTR_STATUS] & 0xff, 0x44);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_select, setup),
		cmocka_unit_test_setup(test_select_posted, setup),
		cmocka_unit_test_setup(test_posted_setup, setup),
		cmocka_unit_test_setup(test_posted_ndst_follows_pcpu, setup),
		cmocka_unit_test_setup(test_inject_delivers, setup),
		cmocka_unit_test_setup(test_inject_waits_for_window, setup),
		cmocka_unit_test_setup(test_inject_exception_first, setup),
		cmocka_unit_test_setup(test_inject_priority, setup),
		cmocka_unit_test_setup(test_inject_nothing, setup),
		cmocka_unit_test_setup(test_vid_setup_xapic, setup),
		cmocka_unit_test_setup(test_vid_rvi_svi, setup),
		cmocka_unit_test_setup(test_vid_eoi_bitmap, setup),
		cmocka_unit_test_setup(test_vid_x2apic_switch, setup),
		cmocka_unit_test_setup(test_vid_nmi, setup),
		cmocka_unit_test_setup(test_guard_if0_waits_for_window, setup),
		cmocka_unit_test_setup(test_guard_shadow_and_injection, setup),
		cmocka_unit_test_setup(test_guard_second_vector_eoi_exits, setup),
		cmocka_unit_test_setup(test_guard_isr_blocked, setup),
		cmocka_unit_test_setup(test_guard_tpr_blocked, setup),
		cmocka_unit_test_setup(test_guard_off_is_architectural, setup),
		cmocka_unit_test_setup(test_nmi_blocking, setup),
		cmocka_unit_test_setup(test_guard_model_never_if0, setup),
		cmocka_unit_test_setup(test_guard_model_off_shows_quirk, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
