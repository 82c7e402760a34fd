// SPDX-License-Identifier: GPL-2.0
#include "dev/acpi_tables.h"
#include "dev/pm.h"

#define SCI_EN	1u	/* always in ACPI mode: there is no SMI command port */

static uint32_t evt_read(void *dev, uint16_t port, unsigned int size)
{
	struct vpm *pm = dev;
	uint32_t v = pm->sts | (uint32_t)pm->en << 16;

	return v >> ((port - PM1A_EVT_PORT) * 8);
}

static void evt_write(void *dev, uint16_t port, unsigned int size, uint32_t v)
{
	struct vpm *pm = dev;
	unsigned int off = port - PM1A_EVT_PORT;

	if (off < 2 && size <= 2)
		pm->sts &= ~(uint16_t)(v << (off * 8));	/* write 1 to clear */
	else if (off >= 2)
		pm->en = v << ((off - 2) * 8);
}

static uint32_t cnt_read(void *dev, uint16_t port, unsigned int size)
{
	struct vpm *pm = dev;

	return (pm->cnt | SCI_EN) >> ((port - PM1A_CNT_PORT) * 8);
}

static void cnt_write(void *dev, uint16_t port, unsigned int size, uint32_t v)
{
	struct vpm *pm = dev;

	if (port != PM1A_CNT_PORT)
		return;
	pm->cnt = v & ~ACPI_PM1_CNT_SLP_EN;
	if ((v & ACPI_PM1_CNT_SLP_EN) &&
	    ACPI_PM1_CNT_SLP_TYP(v) == ACPI_SLP_TYP_S5)
		pm->poweroff(pm->ctx);
}

const struct pio_ops vpm_evt_ops = {
	.name = "pm1a-evt", .read = evt_read, .write = evt_write,
};

const struct pio_ops vpm_cnt_ops = {
	.name = "pm1a-cnt", .read = cnt_read, .write = cnt_write,
};
