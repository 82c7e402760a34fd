// SPDX-License-Identifier: GPL-2.0
/* A VM's VMX structures: its EPT, the MSR bitmaps, the APIC-access page. */
#include <errno.h>
#include <string.h>
#include "mm/ept.h"
#include "mm/frame.h"
#include "src/core/vendor.h"
#include "src/core/vm.h"
#include "vmx/intr.h"
#include "vmx/msr.h"
#include "vmx/vcpu.h"
#include "vmx/vmx.h"

/* One set for every VM: which MSR accesses exit does not depend on it. */
static uint64_t msr_bitmap, msr_bitmap_x2vid, msr_bitmap_x2vid_tpr;
static struct vm_vendor vendors[CFG_MAX_GUESTS];

static int bitmaps_init(void)
{
	if (msr_bitmap)
		return 0;
	msr_bitmap = msr_bitmap_init();
	if (!msr_bitmap)
		return -ENOMEM;
	/* The VID guard wants self-IPI writes to exit (vmx/intr.c). */
	msr_bitmap_x2vid = msr_bitmap_x2apic_vid(msr_bitmap, true, !vid_guard);
	msr_bitmap_x2vid_tpr = msr_bitmap_x2apic_vid(msr_bitmap, false,
						     !vid_guard);
	if (!msr_bitmap_x2vid || !msr_bitmap_x2vid_tpr)
		return -ENOMEM;
	return 0;
}

int vendor_vm_init(struct vm *vm)
{
	struct vm_vendor *x;
	int r;

	if (vm->id >= CFG_MAX_GUESTS)
		return -EINVAL;
	x = &vendors[vm->id];
	vm->vendor = x;
	r = bitmaps_init();
	if (!r)
		r = ept_init(&vm->ept, &ept_host_ops, (uint32_t)vmx_caps.ept_vpid);
	if (r)
		return r;
	x->msr_bitmap = msr_bitmap;
	x->msr_bitmap_x2vid = msr_bitmap_x2vid;
	x->msr_bitmap_x2vid_tpr = msr_bitmap_x2vid_tpr;
	if (!intr_method->apic_access_page)
		return 0;
	/* The CPU virtualizes accesses that EPT sends to this page. */
	x->apic_access_page = frame_alloc(1);
	if (!x->apic_access_page)
		return -ENOMEM;
	memset((void *)x->apic_access_page, 0, 4096);
	return ept_map(&vm->ept, VM_APIC_GPA, x->apic_access_page, 4096,
		       EPT_R | EPT_W, EPT_MT_UC);
}
