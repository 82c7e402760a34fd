#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# vCPU migration under Bochs: a hog and two sleepers on 2 pCPUs, all with
# cpus = 0-1 (tests/configs/sched-migrate.ini). Every guest must pass and
# the hypervisor must report migrations: idle pulls moved vCPUs, and with
# them their VMCS (cleared through the owning pCPU's mailbox). The
# sleepers' p99 lateness must stay below latency_us (1000).
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tests/integration/lib.sh
. tests/integration/lib.sh

bochs_boot sched-migrate tests/configs/sched-migrate.ini
expect_exit 0
expect_line '[hog] hog: PASS'
expect_line '[sleepa] sleeper: PASS'
expect_line '[sleepb] sleeper: PASS'

migrations=$(grep -aoE 'sched-stat vcpu=[^ ]+ .* migrations=[0-9]+' "$console" |
	sed -E 's/.*migrations=//' | awk '{ s += $1 } END { print s + 0 }')
echo "$tag: $migrations migrations in total"
[ "$migrations" -gt 0 ] || fail+=("no vCPU migrated between the pCPUs")

for g in sleepa sleepb; do
	sleeper_lateness "$g" || continue
	if [ "$p99" -ge 1000 ]; then
		fail+=("$g p99 lateness $p99 us, want < 1000")
	else
		echo "$tag: $g p99 lateness $p99 us"
	fi
done
grep -aE 'sched-stat|sched-path' "$console" | sed "s/^/$tag: /" || true
report
