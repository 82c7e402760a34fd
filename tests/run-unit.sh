#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# run-unit.sh BIN...
#
# Runs each cmocka test binary, shows the full output of those that fail,
# and sums cmocka's "[  PASSED  ] N test(s)" / "[  FAILED  ] N test(s)"
# lines into a last line
#
#   unit: N passed, N failed
#
# A binary that exits non-zero without a cmocka failure count (a crash, a
# sanitizer report), or prints no summary at all, counts as one failure.
# Exits 1 if anything failed.
set -euo pipefail

if [ $# -eq 0 ]; then
	echo "usage: $0 BIN..." >&2
	exit 2
fi

out=$(mktemp "${TMPDIR:-/tmp}/run-unit.XXXXXX")
trap 'rm -f "$out"' EXIT

# Sum of the N in lines "[  WORD  ] N test(s)" of $out.
count() {
	awk -v w="$1" '
		index($0, "[  " w) == 1 && match($0, /\] [0-9]+ test\(s\)/) {
			n += substr($0, RSTART + 2, RLENGTH - 10)
		}
		END { print n + 0 }' "$out"
}

passed=0 failed=0 skipped=0
for bin in "$@"; do
	name=$(basename "$bin")
	start=$(date +%s%N)
	rc=0
	"$bin" >"$out" 2>&1 </dev/null || rc=$?
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	p=$(count PASSED) f=$(count FAILED) s=$(count SKIPPED)
	note=
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		note=" (exit status $rc without a cmocka failure count)"
	elif [ "$p" -eq 0 ] && [ "$f" -eq 0 ] && [ "$s" -eq 0 ]; then
		f=1
		note=" (no cmocka summary)"
	fi
	if [ "$f" -ne 0 ]; then
		sed "s/^/  $name| /" "$out"
	fi
	skip=
	[ "$s" -eq 0 ] || skip=", $s skipped"
	echo "unit: $name: $p passed, $f failed$skip$note (${ms} ms)"
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
done

[ "$skipped" -eq 0 ] || echo "unit: $skipped skipped"
echo "unit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
