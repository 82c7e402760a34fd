#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The Bochs IF=0 quirk and the VID guard (vmx/intr.c). The ifquirk guest
# (tests/guests/ifquirk.c) keeps vCPU 1 at IF = 0 while vCPU 0 sends it
# IPIs, so vCPU 1's pCPU takes host interrupts in guest mode with a
# virtual interrupt pending:
#
#   vid_guard = off  (tests/configs/ifquirk-unguarded.ini) Bochs delivers
#                    the pending interrupt anyway: the guest must see at
#                    least one with IF=0 (exit 1). This proves the quirk
#                    is still there and that the reproducer finds it; on
#                    a CPU without the quirk the count would be 0.
#   vid_guard = auto (tests/configs/ifquirk.ini) the boot-time probe
#                    (vmx/probe.c) must find the quirk on Bochs and turn
#                    the guard on; then none may arrive with IF=0, and
#                    every round must take its interrupts once IF is 1
#                    again (exit 0).
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tests/integration/lib.sh
. tests/integration/lib.sh

count_line() {
	grep -aoE '\[ifq\] ifquirk: [0-9]+ rounds, [0-9]+ IPIs sent, [0-9]+ delivered, [0-9]+ with IF=0' \
		"$console" | tail -n 1 || true
}

bochs_boot ifquirk-unguarded tests/configs/ifquirk-unguarded.ini
line=$(count_line)
echo "$tag: unguarded: ${line:-no result line}"
if [ -z "$line" ]; then
	fail+=("unguarded: no 'ifquirk: ... with IF=0' line")
else
	if0=$(awk '{ print $(NF - 2) }' <<<"$line")
	[ "$if0" -gt 0 ] ||
		fail+=("unguarded: no interrupt arrived with IF=0: the reproducer no longer shows the quirk")
	expect_exit 1 "the guest reports interrupts taken with IF=0"
fi
unguarded_fail=("${fail[@]}")

fail=()
bochs_boot ifquirk tests/configs/ifquirk.ini
line=$(count_line)
echo "$tag: guarded: ${line:-no result line}"
expect_exit 0
expect_line '[ifq] ifquirk: PASS'
expect_line 'VID probe: a host interrupt delivered a virtual interrupt at IF=0 (the Bochs quirk): guard on' \
	"the boot-time probe did not find Bochs's quirk"
expect_line 'interrupt delivery: vid (guarded' "hvisor did not report the guard"
grep -aE '\[ifq\] ifquirk: round' "$console" | sed "s/^/$tag: /" || true
fail=("${unguarded_fail[@]}" "${fail[@]}")
report
