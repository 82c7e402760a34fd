/* SPDX-License-Identifier: GPL-2.0 */
#ifndef HV_GUESTS_GUEST_H
#define HV_GUESTS_GUEST_H

#include <stdint.h>
#include "src/boot/boot_info.h"
#include "src/core/config.h"

/*
 * Build one VM per [guest] section: RAM, EPT, image, devices, vCPU, and
 * the pCPU it runs on. Reports any problem naming the guest and returns
 * a negative error; nothing runs until every guest is built.
 */
int guests_create(const struct hv_config *cfg, const struct boot_info *bi);
/* Hand every guest's boot vCPU to the scheduler. */
int guests_start(uint64_t now);

#endif
