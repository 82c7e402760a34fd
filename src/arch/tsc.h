/* SPDX-License-Identifier: GPL-2.0 */
#ifndef HV_ARCH_TSC_H
#define HV_ARCH_TSC_H

#include <stdint.h>

extern uint64_t tsc_khz;

/* Find the TSC rate: CPUID 0x15 when complete, else against the PIT. */
uint64_t tsc_calibrate(const char **how);
void udelay(uint64_t us);

#endif
