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

#endif
