// SPDX-License-Identifier: GPL-2.0
/*
 * Power-off with an exit code. Emulators take the code directly (QEMU's
 * isa-debug-exit); Bochs takes none, so the code travels in the
 * "HVISOR EXIT <code>" line printed first. Real machines use ACPI S5.
 */
#include <stdint.h>
#include <string.h>
#include "src/arch/acpi.h"
#include "src/arch/x86.h"
#include "src/arch/console.h"
#include "src/arch/power.h"
#include "src/arch/printk.h"

static bool cpuid_hv_vendor(const char *sig)
{
	struct cpuid_regs r;
	char v[13];

	if (!(cpuid(1, 0).ecx & (1u << 31)))
		return false;
	r = cpuid(0x40000000, 0);
	memcpy(v, &r.ebx, 4);
	memcpy(v + 4, &r.ecx, 4);
	memcpy(v + 8, &r.edx, 4);
	v[12] = 0;
	return !strcmp(v, sig);
}

static bool qemu_probe(void)
{
	return cpuid_hv_vendor("TCGTCGTCGTCG");
}

static void qemu_off(int code)
{
	/* isa-debug-exit at 0xf4: QEMU exits with (code << 1) | 1. */
	outl(0xf4, code);
}

static bool bochs_probe(void)
{
	/* No hypervisor leaf, yet port 0xE9 answers: Bochs' e9 hack. */
	return !(cpuid(1, 0).ecx & (1u << 31)) && e9_present();
}

static void bochs_off(int code)
{
	const char *s = "Shutdown";

	while (*s)
		outb(0x8900, *s++);
}

static bool acpi_probe(void)
{
	return acpi_find_table("FACP") != NULL;
}

static void acpi_off(int code)
{
	acpi_poweroff();
}

static const struct power_ops power_methods[] = {
	{ "qemu", qemu_probe, qemu_off },
	{ "bochs", bochs_probe, bochs_off },
	{ "acpi", acpi_probe, acpi_off },
};

void power_off(int code)
{
	cli();
	printk(LOG_ERROR, "HVISOR EXIT %d\n", code);
	printk_flush();
	console_flush();
	for (unsigned int i = 0; i < 3; i++)
		if (power_methods[i].probe())
			power_methods[i].off(code);
	/* Still here: nothing could switch us off. */
	halt_forever();
}
