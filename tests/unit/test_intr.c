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

#include "src/vm.h"
#include "src/printk.h"
#include "src/vmirq.h"
#include "vmx/intr.h"
#include "vmx/mmio.h"
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

int vmx_emulate_mmio(struct vcpu *v, uint64_t gpa)
{
	return -ENOENT;
}

static uint32_t host_ndst = 0x100;

uint32_t vcpu_host_ndst(void)
{
	return host_ndst;
}

enum cfg_log_level log_level;

void printk(enum cfg_log_level level, const char *fmt, ...)
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
static struct vlapic vl __attribute__((aligned(64)));
static uint32_t page[1024] __attribute__((aligned(4096)));

#define PROC_INTR_WINDOW	(1u << 2)
#define PROC_TPR_SHADOW		(1u << 21)
#define PROC2_APIC_ACCESS	(1u << 0)
#define PROC2_X2APIC		(1u << 4)
#define PROC2_APIC_REG		(1u << 8)
#define PROC2_VID		(1u << 9)
#define VALID			(1u << 31)

static int setup(void **state)
{
	struct vlapic_config c = { .id = 0, .bsp = true,
				   .crystal_hz = 50000000, .tsc_khz = 50000 };

	memset(fake, 0, sizeof(fake));
	memset(&vm, 0, sizeof(vm));
	memset(&v, 0, sizeof(v));
	memset(&vl, 0, sizeof(vl));
	memset(page, 0, sizeof(page));
	assert_int_equal(vlapic_init(&vl, page, &c, &env, &v), 0);
	vm.msr_bitmap = 0x1000;
	vm.msr_bitmap_x2vid = 0x2000;
	vm.apic_access_page = 0x3000;
	v.vm = &vm;
	v.lapic = &vl;
	/* Software-enable the vLAPIC: SVR enable bit, spurious 0xff. */
	assert_int_equal(vlapic_mmio_write(&vl, 0xf0, 4, 0x1ff), 0);
	fake[GUEST_RFLAGS] = 0x202;	/* IF */
	pre_entry_calls = 0;
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

/* ---- posted interrupts ------------------------------------------------------ */

#define PIN_POSTED	(1u << 7)

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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
