/* SPDX-License-Identifier: GPL-2.0 */
#ifndef HV_POWER_H
#define HV_POWER_H

#include <stdbool.h>

/* How this machine is switched off; chosen once by probing. */
struct power_ops {
	const char *name;
	bool (*probe)(void);
	void (*off)(int code);	/* returns only if it failed */
};

/* Print "HVISOR EXIT <code>" and switch the machine off. */
void __attribute__((noreturn)) power_off(int code);

/*
 * Exit codes of the hypervisor, printed as "HVISOR EXIT <n>" before it
 * powers the machine off; the test scripts exit with the same number.
 */
#define HV_EXIT_PASS		0	/* every guest exited with 0 */
#define HV_EXIT_GUEST_MIN	1	/* 1..63: a guest's own failure code */
#define HV_EXIT_GUEST_MAX	63
#define HV_EXIT_GUEST_CRASH	64	/* a guest was stopped by the hypervisor */
#define HV_EXIT_CONFIG		65	/* hvisor.ini is invalid */
#define HV_EXIT_NO_VMX		66	/* the CPU cannot run guests */
#define HV_EXIT_PANIC		67	/* the hypervisor itself failed */

#endif
