#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Boots hvisor with tests/configs/bad-boot.ini, which has an unknown key:
# hvisor must name the file, line, section and key
# ("hvisor.ini:LINE: [guest alpha] colour: ...") and exit with
# HV_EXIT_CONFIG (65) without starting any guest.
#
# BUILD (default build) holds the outputs; TEST_TIMEOUT (default 180)
# bounds the Bochs run in seconds.
set -euo pipefail
cd "$(dirname "$0")/../.."

name=bad-ini
ini=tests/configs/bad-boot.ini
want=65		# HV_EXIT_CONFIG in src/hypercall.h
BUILD=${BUILD:-build}
export BUILD
iso=$BUILD/test-$name.iso
logdir=$BUILD/test-$name

line=$(grep -n '^colour[ =]' "$ini" | cut -d: -f1)
[ -n "$line" ] || { echo "test-bochs-$name: FAIL: no colour key in $ini"; exit 1; }
expect="hvisor.ini:$line: [guest alpha] colour: "

if ! make -s BUILD="$BUILD" "$BUILD/hvisor.elf" "$BUILD/hvctl" guests; then
	echo "test-bochs-$name: FAIL: build failed"
	exit 1
fi
# mkiso.sh builds the ISO although hvctl rejects the INI.
if ! scripts/mkiso.sh -o "$iso" -e "$BUILD/hvisor.elf" -L "$BUILD/guests" \
		"$ini"; then
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
grep -qF "$expect" "$log" || fail+=("no line with '$expect...'")

if [ ${#fail[@]} -eq 0 ]; then
	echo "test-bochs-$name: PASS"
	exit 0
fi
for f in "${fail[@]}"; do
	echo "test-bochs-$name: FAIL: $f"
done
echo "test-bochs-$name: logs in $logdir"
exit 1
