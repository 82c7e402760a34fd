#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The lock hierarchy (src/lib/spinlock.h) checked at run time: hvisor built
# with DEBUG=1 (lockdep, in $BUILD/debug) boots the platform guest with 2
# vCPUs on 2 pCPUs; its items go through every device lock (the vUART and
# its IRQ, PIT, IOAPIC, RTC, PM), IPIs, software timers, the VMCS mailbox
# and both pCPUs' run queues. A lock taken out of order panics with
# "lockdep:" and the run fails.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tests/integration/lib.sh
. tests/integration/lib.sh

BUILD=$BUILD/debug DEBUG=1
export BUILD DEBUG
TEST_TIMEOUT=${TEST_TIMEOUT:-120}
bochs_boot lockdep-platform tests/configs/platform-2on2.ini
expect_exit 0
expect_line "[plat] platform: 17 items, 0 failed"
! grep -aq 'lockdep:' "$console" || fail+=("$(grep -a -m1 'lockdep:' "$console")")
report
