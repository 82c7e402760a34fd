#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Every vCPU busy: Debian's stock kernel with 4 vCPUs on 2 pCPUs
# (tests/configs/linux-busy.ini). /init's busy check pins a CPU hog to
# every vCPU and a 1 ms SCHED_FIFO sleeper beside each hog for 3 s of
# guest time; it passes when the sleepers' p99 lateness is under 1 ms
# and they missed under 1 % of their periods. A sleeper's timer
# interrupt always finds its vCPU running a hog or preempted, so this is
# the rig that fails when hvisor lets an interrupt wait for the vCPU's
# next turn (DESIGN.md, "Scheduling"). scripts/soak.sh takes the same
# configuration as its argument.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tests/integration/lib.sh
. tests/integration/lib.sh

linux_boot linux-busy tests/configs/linux-busy.ini 1500
expect_exit 0
expect_line "[linux] HVTEST INIT" "Linux never reached /init"
expect_line "[linux] HVTEST CHECK cpus: ok 4 online" "Linux did not bring up 4 CPUs"
expect_line "[linux] HVTEST CHECK busy: ok" "the sleepers' figures are out of bounds (or missing)"
expect_line "[linux] HVTEST CHECK kernel: ok" "the kernel log has a lockup, stall, BUG or WARNING"
expect_line "[linux] HVTEST PASS" "/init's checks did not all pass"
expect_line "hvisor: guest 'linux' finished: powered off (ACPI S5)"
grep -aE '\[linux\] HVTEST (CHECK|BAD|PASS|FAIL)|\[linux\] HVTEST INFO wakelat: (wakes|hogs)|hvisor: +linux +(PASS|FAIL|CRASHED|RESET)' \
	"$console" | sed "s/^/$tag: /" || true
report "busy sleepers: $(sed -n 's/.*HVTEST CHECK busy: ok \(.*\)/\1/p' "$console" | tail -n 1)"
