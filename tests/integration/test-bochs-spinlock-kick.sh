#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# PV unhalt (KVM_HC_KICK_CPU): two vCPUs of one guest share pCPU 0 and a
# spinlock (tests/configs/spinlock-kick.ini). A waiter halts, with
# interrupts off or on, and the unlocker kicks it; a kick that arrives
# before the HLT must make that HLT return, one that arrives during it
# must end it, and a parked (IF = 0) vCPU must come back. The guest must
# finish with its count right, the waiters must have halted and been
# kicked, and hvisor must have counted the kicks.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tests/integration/lib.sh
. tests/integration/lib.sh

bochs_boot spinlock-kick tests/configs/spinlock-kick.ini
expect_exit 0
expect_line '[spin] spinlock: PASS'
line=$(grep -aoE '\[spin\] spinlock: [0-9]+ halts, [0-9]+ kicks' "$console" || true)
halts=$(echo "$line" | sed -nE 's/.* ([0-9]+) halts.*/\1/p')
kicks=$(grep -aoE 'pv: .* ([0-9]+) kick\(s\)' "$console" |
	sed -nE 's/.* ([0-9]+) kick\(s\).*/\1/p')
echo "$tag: guest: ${line:-no halts/kicks line}; hvisor counted ${kicks:-no} kick(s)"
[ "${halts:-0}" -gt 0 ] || fail+=("no waiter halted: the kick path was not exercised")
[ "${kicks:-0}" -gt 0 ] || fail+=("hvisor counted no KVM_HC_KICK_CPU")
report
