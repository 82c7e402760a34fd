/* SPDX-License-Identifier: GPL-2.0 */
#ifndef HV_ARCH_SMP_H
#define HV_ARCH_SMP_H

#include <stdint.h>
#include "src/arch/percpu.h"

/*
 * Start every CPU the MADT lists with INIT-SIPI-SIPI through a trampoline
 * at @tramp_pa. Each AP calls @ap_main(its percpu) on its own stack.
 * Returns how many CPUs are online, the BSP included.
 */
int smp_start(uint64_t tramp_pa, const uint32_t *apic_ids, int n,
	      void (*ap_main)(struct percpu *c));

#endif
