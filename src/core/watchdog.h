/* SPDX-License-Identifier: GPL-2.0 */
#ifndef HV_WATCHDOG_H
#define HV_WATCHDOG_H

#include <stdint.h>

/*
 * Guests with watchdog_s set: one whose console stays silent that long
 * (TSC time) gets its vCPUs dumped and, a second later, is stopped as
 * crashed. Runs from a software timer on pCPU 0.
 */
void watchdog_start(uint64_t now);

#endif
