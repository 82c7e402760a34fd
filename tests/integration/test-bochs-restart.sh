#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest restart (tests/configs/restart.ini): mb2check triple-faults twice
# on purpose and is rebuilt each time (on_crash = restart); its third boot
# passes every item and finds, in its virtio-blk disk, the boot count its
# crashed runs wrote. "crash" triple-faults at every boot and is stopped
# as a crash loop after 5 restarts. The sleeper beside them passes. hvisor
# exits 64 (a guest crashed for good).
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tests/integration/lib.sh
. tests/integration/lib.sh

TEST_TIMEOUT=${TEST_TIMEOUT:-300}
bochs_boot restart tests/configs/restart.ini
expect_exit 64		# HV_EXIT_GUEST_CRASH: 'crash' stays crashed
for n in 1 2; do
	grep -aqE "^hvisor: guest 'mb' crashed: triple fault at RIP [0-9a-fx]+; restarting it \(restart $n\)$" "$console" ||
		fail+=("no line saying mb crashed and restarts ($n)")
	expect_line "hvisor: guest 'mb' restarted (restart $n)"
	expect_line "[mb] mb2check: boot $n of 3: counted on the disk; triple-faulting on purpose"
done
grep -aq "guest 'mb' crashed: .*(restart 3)" "$console" &&
	fail+=("mb was restarted a third time")
expect_line "[mb] PASS virtio-restart: boot 3: sector 2 kept the count of 2 restart(s)"
# Every boot's AP comes up again: three ap-start passes.
aps=$(grep -ac '^\[mb\] PASS ap-start' "$console" || true)
[ "$aps" -eq 3 ] || fail+=("$aps 'PASS ap-start' lines for mb's 3 boots")
grep -aqE "^\[mb\] mb2check: [0-9]+ passed, 0 failed, [0-9]+ skipped$" "$console" ||
	fail+=("mb's last boot did not pass")
expect_line "hvisor: guest 'mb' finished: exit code 0"
grep -aqE '^hvisor:   mb +PASS ' "$console" || fail+=("mb is not PASS in the summary")
expect_line "hvisor:   mb           restarted 2 time(s)"
# The crash loop: five restarts, then stopped with a line saying why.
for n in 1 2 3 4 5; do
	expect_line "hvisor: guest 'crash' restarted (restart $n)"
done
expect_line "hvisor: guest 'crash': crash loop: 5 restarts within 60 s; not restarted again"
grep -aqE '^hvisor:   crash +CRASHED ' "$console" ||
	fail+=("crash is not CRASHED in the summary")
expect_line "[tick] sleeper: PASS"
# A restart costs the pCPU that runs it the copy of the images, not more:
# the sleeper beside it is never late by more than 10 ms (clearing the
# guest's 64 MiB of RAM used to make it 170 ms late).
late=$(grep -aoE '^\[tick\] sleeper: wakes [0-9]+ lateness_us p50 [0-9]+ p99 [0-9]+ max [0-9]+' "$console" |
	awk '{ print $NF }' | tail -n 1)
if [ -z "$late" ]; then
	fail+=("no sleeper lateness line")
elif [ "$late" -gt 10000 ]; then
	fail+=("the sleeper was late by $late us (bound 10000 us)")
fi
grep -aE "^hvisor: guest '(mb|crash)'|^\[mb\] (PASS virtio|mb2check: )|^\[tick\] sleeper: (wakes|PASS)" "$console" |
	sed "s/^/$tag: /" || true
report
