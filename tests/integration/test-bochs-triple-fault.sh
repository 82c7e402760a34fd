#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# A guest that triple-faults ("crash", CPU 1) next to a hello guest
# ("alpha", CPU 0): hvisor must stop crash alone, report it, let alpha
# pass, and exit with HV_EXIT_GUEST_CRASH (64).
#
# BUILD (default build) holds the outputs; TEST_TIMEOUT (default 180)
# bounds the Bochs run in seconds.
set -euo pipefail
cd "$(dirname "$0")/../.."

name=triple-fault
want=64		# HV_EXIT_GUEST_CRASH in src/hypercall.h
BUILD=${BUILD:-build}
export BUILD
iso=$BUILD/test-$name.iso
logdir=$BUILD/test-$name

if ! make -s BUILD="$BUILD" "$BUILD/hvisor.elf" "$BUILD/hvctl" guests; then
	echo "test-bochs-$name: FAIL: build failed"
	exit 1
fi
if ! scripts/mkiso.sh -o "$iso" -e "$BUILD/hvisor.elf" -L "$BUILD/guests" \
		tests/configs/$name.ini; then
	echo "test-bochs-$name: FAIL: mkiso.sh failed"
	exit 1
fi
rm -rf "$logdir"
mkdir -p "$logdir"
rc=0
scripts/run-bochs.sh -c 2 -t "${TEST_TIMEOUT:-180}" -l "$logdir" "$iso" || rc=$?

# hvisor's console (stdout, port 0xE9) and COM1, without CRs.
log=$logdir/console.txt
cat "$logdir/stdout.log" "$logdir/serial.log" 2>/dev/null | tr -d '\r' >"$log" ||
	true

fail=()
[ "$rc" -eq "$want" ] || fail+=("exit code $rc, want $want")
grep 'crash' "$log" | grep -qi 'triple fault' ||
	fail+=("no line naming 'crash' and 'triple fault'")
grep -qF '[alpha] hello: PASS' "$log" || fail+=("no '[alpha] hello: PASS'")

if [ ${#fail[@]} -eq 0 ]; then
	echo "test-bochs-$name: PASS"
	exit 0
fi
for f in "${fail[@]}"; do
	echo "test-bochs-$name: FAIL: $f"
done
echo "test-bochs-$name: logs in $logdir"
exit 1
