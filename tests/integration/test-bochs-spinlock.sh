#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# PAUSE-loop exiting: two vCPUs of one guest share pCPU 0 and a spinlock
# (tests/configs/spinlock.ini). When the holder is descheduled, the
# waiter spins with PAUSE; the hypervisor must see the PAUSE loop and make
# it yield. The guest must pass and the waiters' yields must be counted.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tests/integration/lib.sh
. tests/integration/lib.sh

bochs_boot spinlock tests/configs/spinlock.ini
expect_exit 0
expect_line '[spin] spinlock: PASS'
yields=$(grep -aoE 'sched-stat vcpu=spin/[0-9]+ .* yields=[0-9]+' "$console" |
	sed -E 's/.*yields=//' | awk '{ s += $1 } END { print s + 0 }')
echo "$tag: $yields PAUSE-loop yields"
[ "$yields" -gt 0 ] || fail+=("no PAUSE-loop yield was counted")
grep -aE '\] spinlock: |sched-stat vcpu=spin' "$console" | sed "s/^/$tag: /" || true
report
