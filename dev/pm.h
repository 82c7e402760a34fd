/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ACPI PM1a event and control blocks, as the guest's FADT describes them:
 * PM1_STS/PM1_EN (4 ports) and PM1_CNT (2 ports). A write of SLP_EN with
 * SLP_TYP = S5 powers the guest off; nothing else sleeps.
 */
#ifndef HV_DEV_PM_H
#define HV_DEV_PM_H

#include <stdint.h>
#include "dev/pio.h"

#define PM1A_EVT_PORT	0x600
#define PM1A_CNT_PORT	0x604
#define PM_SCI_IRQ	9

struct vpm {
	uint16_t sts, en, cnt;
	void (*poweroff)(void *ctx);
	void *ctx;
};

extern const struct pio_ops vpm_evt_ops;	/* at PM1A_EVT_PORT, 4 ports */
extern const struct pio_ops vpm_cnt_ops;	/* at PM1A_CNT_PORT, 2 ports */

#endif
