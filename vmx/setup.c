// SPDX-License-Identifier: GPL-2.0
/*
 * VMX as the hypervisor's vendor, at boot (src/core/vendor.h): is it
 * there, which interrupt-delivery method and whether the VID guard is
 * needed, and what the other pCPUs do while the boot CPU probes.
 */
#include <errno.h>
#include "src/arch/printk.h"
#include "src/core/vendor.h"
#include "vmx/intr.h"
#include "vmx/probe.h"
#include "vmx/vmx.h"

int vendor_probe(void)
{
	if (vmx_supported())
		return 0;
	pr_err("hvisor: this CPU has no VMX (CPUID.1:ECX[5]=0); cannot start guests\n");
	return -ENODEV;
}

int vendor_setup(const struct hyp_config *hyp)
{
	if (intr_select(hyp->delivery))
		return -ENOTSUP;
	/* Only virtual-interrupt delivery needs the guard (vmx/intr.c). */
	vid_guard = hyp->vid_guard == CFG_GUARD_ON ||
		    (hyp->vid_guard == CFG_GUARD_AUTO &&
		     intr_uses_guard() && vmx_probe_vid_quirk());
	pr_info("hvisor: interrupt delivery: %s%s\n", intr_method->name,
		intr_vid_guarded() ? " (guarded: never with IF=0)" :
		intr_method->apic_access_page ? " (unguarded)" : "");
	return 0;
}

void vendor_cpu_wait(void)
{
	vmx_probe_serve_kick();
}

const char *vendor_preemption(void)
{
	return vmx_caps.preempt_timer ? "VMX-preemption-timer" : "LAPIC-timer";
}
