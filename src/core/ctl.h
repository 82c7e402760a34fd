/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvisor's end of hvctl: the root guest's virtio-console port
 * "hvisor.ctl" (dev/virtio_console.h), its byte stream cut into request
 * messages (src/core/ctlmsg.h), each answered with one reply.
 */
#ifndef HV_CORE_CTL_H
#define HV_CORE_CTL_H

#include "dev/virtio_console.h"

struct vm;

/* The port's operations for @vm's console: only the root guest has one. */
const struct vcon_port_ops *ctl_port(struct vm *vm);

#endif
