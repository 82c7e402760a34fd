/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest FPU/SSE/AVX state. VMX switches none of it, and several vCPUs
 * share a pCPU, so each vCPU keeps its state in an XSAVE (or FXSAVE) area
 * that the pCPU saves and restores when it switches vCPUs. The hypervisor
 * itself never uses these registers once guests run.
 */
#ifndef HV_ARCH_FPU_H
#define HV_ARCH_FPU_H

#include <stdbool.h>
#include <stdint.h>

#define XCR0_X87	(1ULL << 0)
#define XCR0_SSE	(1ULL << 1)
#define XCR0_AVX	(1ULL << 2)

struct fpu_ops {
	const char *name;
	void (*save)(void *area);
	void (*restore)(const void *area);
};

/* Probe once on the BSP: XSAVE when the CPU has it, else FXSAVE. */
void fpu_probe(void);
/* Per CPU: enable what fpu_probe chose (CR4.OSXSAVE, XCR0). */
void fpu_cpu_init(void);
/*
 * On the BSP after fpu_cpu_init(), before guests: does XSAVEC store the
 * compacted format right? Bochs 2.7's writes AVX over the XSAVE header;
 * guests are not offered XSAVEC there (fpu_xsavec_ok()).
 */
void fpu_probe_xsavec(void);
bool fpu_xsavec_ok(void);
/* Prepare a fresh 4 KiB area in the reset state. */
void fpu_init_area(void *area);
void fpu_save(void *area);
/* The guest on this pCPU changed XCR0 (an XSETBV exit we allowed). */
void fpu_set_xcr0(uint64_t xcr0);
/* Restore @area, then give the guest its own XCR0. */
void fpu_restore(const void *area, uint64_t guest_xcr0);
/* XCR0 bits a guest may set, and the XSAVE size for them. */
uint64_t fpu_guest_xcr0_mask(void);
bool fpu_has_xsave(void);
const char *fpu_mode(void);

#endif
