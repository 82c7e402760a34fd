#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# A hostile guest beside a well-behaved one (tests/configs/hostile.ini):
# tests/guests/hostile.c runs a PIT at reload 1, floods unknown MSRs,
# loops over MONITOR/MWAIT/WBINVD/INVD/RDPMC/VMXOFF, storms itself with
# IPIs and SIPIs, then resets from both vCPUs at once. Every item must
# finish, hvisor must stop it (RESET) and say how much of its MSR flood
# it held back, and the sleeper sharing pCPU 0 must stay within the
# bound printed here.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tests/integration/lib.sh
. tests/integration/lib.sh

# The sleeper's worst wake-up beside the hostile guest, in us of guest
# time: fair's latency bound (1 ms) and an early run, with room.
BOUND_US=5000
TEST_TIMEOUT=${TEST_TIMEOUT:-240}
bochs_boot hostile tests/configs/hostile.ini
expect_exit 64		# hostile's reset: a guest that did not finish cleanly
for item in pit msr-flood insns ipi-storm sipi-loop ioapic ring3 mmio-race virtq; do
	grep -aqE "^\[hostile\] hostile: $item: done " "$console" ||
		fail+=("hostile's $item did not finish: $(grep -a "hostile: $item:" "$console" | head -n 1)")
done
expect_line "[hostile] hostile: 0 item(s) failed; reset-all from both vCPUs"
# Three resets race: whichever lands first stops it (RESET, or CRASHED
# for the triple fault), once.
grep -aqE "^hvisor:   hostile +(RESET|CRASHED) " "$console" ||
	fail+=("hostile is not RESET or CRASHED in the summary")
grep -aqE "^hvisor:   tick +PASS " "$console" || fail+=("tick is not PASS in the summary")
expect_line "hvisor:   hostile      1 VMCALL(s) from user space refused with #UD"
# The MSR flood: 20000 #GPs, at most 10 lines per 5 s, the rest counted.
lines=$(grep -ac "^hvisor: guest 'hostile': vCPU 0: read of unknown MSR" "$console" || true)
[ "$lines" -le 20 ] || fail+=("$lines unknown-MSR lines for the flood: not rate limited")
grep -aqE "^hvisor: (guest 'hostile': [0-9]+ more|  hostile +[0-9]+) unknown-MSR message\(s\) suppressed" "$console" ||
	fail+=("no count of the suppressed unknown-MSR lines")
# The broken queues: 200 NEEDS_RESET, logged 10 times at most per 5 s.
lines=$(grep -ac "^hvisor: guest 'hostile': virtio-blk: the driver broke the virtqueue rules" "$console" || true)
[ "$lines" -le 20 ] || fail+=("$lines broken-virtqueue lines: not rate limited")
grep -aqE "^hvisor: (guest 'hostile': [0-9]+ more|  hostile +[0-9]+) virtqueue message\(s\) suppressed" "$console" ||
	fail+=("no count of the suppressed virtqueue lines")
late=$(grep -aoE '^\[tick\] sleeper: wakes [0-9]+ lateness_us p50 [0-9]+ p99 [0-9]+ max [0-9]+' "$console" |
	awk '{ print $NF }' | tail -n 1)
if [ -z "$late" ]; then
	fail+=("no sleeper lateness line")
elif [ "$late" -gt "$BOUND_US" ]; then
	fail+=("the sleeper was late by $late us beside the hostile guest (bound $BOUND_US us)")
fi
echo "$tag: sleeper max lateness ${late:-?} us (bound $BOUND_US us)"
grep -aE "^\[hostile\] hostile: |^hvisor:   (hostile|tick) |suppressed|whose instruction had changed|^\[tick\] sleeper: (wakes|PASS)" "$console" |
	sed "s/^/$tag: /" || true
report
