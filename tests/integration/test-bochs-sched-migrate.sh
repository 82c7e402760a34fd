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

# The event trace (trace_records in the INI): nothing lost, picks on both
# pCPUs, one move per migration counted, and a timeline JSON that parses.
json=$BUILD/test-bochs-sched-migrate.json
grep -aq '^trace-cpu 0 records [0-9]* lost 0' "$console" &&
	grep -aq '^trace-cpu 1 records [0-9]* lost 0' "$console" ||
	fail+=("no trace-cpu lines for pCPUs 0 and 1 with nothing lost")
moves=$(grep -ac '^trace [01] [0-9]* move ' "$console" || true)
echo "$tag: $moves moves in the trace"
[ "$moves" -eq "$migrations" ] ||
	fail+=("the trace has $moves moves, the counters $migrations migrations")
if scripts/trace2json.py -o "$json" "$console"; then
	python3 - "$json" <<'EOF_PY' || fail+=("trace2json's JSON: no runs on both pCPUs")
import json, sys
ev = json.load(open(sys.argv[1]))["traceEvents"]
cpus = {e["tid"] for e in ev if e["ph"] == "X"}
names = {e["name"] for e in ev if e["ph"] == "X"}
print("trace json: %d events, runs on pCPUs %s of %s" % (len(ev), sorted(cpus), sorted(names)))
sys.exit(0 if cpus == {0, 1} and {"hog/0", "sleepa/0", "sleepb/0"} <= names else 1)
EOF_PY
else
	fail+=("scripts/trace2json.py failed on the console")
fi

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
