#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Overcommit must never hang: Debian's stock kernel with 4 vCPUs on 2
# pCPUs (tests/configs/linux-overcommit.ini). /init's overcommit check
# runs two CPU hogs and two 1 ms sleepers for 3 s of guest time and passes
# when the sleepers' p99 lateness is under 1 ms and they missed under 1 %
# of their periods; its kernel check fails the boot on any soft lockup,
# RCU stall, hung task, BUG: or WARNING: line. Every vCPU must register
# KVM steal time, /proc/stat must show steal, and the kernel must use the
# PV TLB flush, PV sched yield, PV spinlocks (kick) and PV IPIs. Over the
# sleepers' run, the steal the guest saw in /proc/stat must be within 5
# points of what hvisor counted (its stats marks, port 0xf5). The
# figures are printed.
# scripts/soak.sh boots the same configuration again and again.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tests/integration/lib.sh
. tests/integration/lib.sh

linux_boot linux-overcommit tests/configs/linux-overcommit.ini 1500
expect_exit 0
expect_line "[linux] HVTEST INIT" "Linux never reached /init"
expect_line "[linux] HVTEST CHECK cpus: ok 4 online" "Linux did not bring up 4 CPUs"
expect_line "[linux] HVTEST CHECK overcommit: ok" "the sleepers' figures are out of bounds (or missing)"
expect_line "[linux] HVTEST CHECK steal: ok" "the guest's /proc/stat shows no steal time"
expect_line "[linux] HVTEST CHECK pvtlb: ok" "the guest did not take the PV TLB flush"
expect_line "[linux] HVTEST CHECK pvyield: ok" "the guest did not take the PV sched yield"
expect_line "[linux] HVTEST CHECK pvkick: ok" "the guest did not take the PV spinlocks (kick)"
expect_line "[linux] HVTEST CHECK pvipi: ok" "the guest did not take the PV IPIs"
expect_line "[linux] HVTEST CHECK kernel: ok" "the kernel log has a lockup, stall, BUG or WARNING"
for i in 0 1 2 3; do
	expect_line "hvisor: guest 'linux' vCPU $i: steal time at GPA" \
		"vCPU $i never registered its steal-time record"
done
# Steal over the sleepers' run, as the guest saw it and as hvisor counted.
guest_pct=$(sed -n 's/^\[linux\] HVTEST INFO steal-window .* pct=\([0-9.]*\).*/\1/p' \
	"$console" | tail -n 1)
if [ -z "$guest_pct" ]; then
	fail+=("no 'HVTEST INFO steal-window' line")
else
	steal_window linux 3 4 "$guest_pct"
fi
expect_line "[linux] HVTEST PASS" "/init's checks did not all pass"
expect_line "hvisor: guest 'linux' finished: powered off (ACPI S5)"
grep -aE 'pv: steal|\[linux\] HVTEST (CHECK|BAD|PASS|FAIL)|\[linux\] HVTEST INFO wakelat: (wakes|hogs)|hvisor: +linux +(PASS|FAIL|CRASHED|RESET)|interrupt delivery' \
	"$console" | sed "s/^/$tag: /" || true
report "steal over the run: guest ${guest_pct:-?} %, hvisor ${hv_pct:-?} %"
