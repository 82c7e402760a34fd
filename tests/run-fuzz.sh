#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# run-fuzz.sh [-t SECONDS] [-j JOBS] [-m] [NAME...]
#
# Runs the libFuzzer harnesses `make fuzz` built ($BUILD/fuzz/fuzz_NAME;
# default: all of tests/fuzz/fuzz_*.c) for SECONDS each (default 60),
# JOBS at a time (default 2), from the corpus in tests/fuzz/corpus/NAME
# (and seeds: tests/configs for config, the test guests for mb2). New
# inputs go to $BUILD/fuzz/work/NAME; -m then merges those that add
# coverage into tests/fuzz/corpus/NAME (scripts/fuzz-nightly.sh).
#
# One line per harness, "fuzz: NAME: PASS, R runs in S s, coverage C,
# corpus N" or FAIL with the reproducer libFuzzer wrote and the first
# lines of its report; a crash's input belongs in tests/fuzz/corpus/NAME
# once fixed, so that every later run replays it. Last line:
# "fuzz: N passed, N failed". Exits 1 if any failed.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
secs=60 jobs=2 merge=0
while getopts "t:j:m" o; do
	case $o in
	t) secs=$OPTARG ;;
	j) jobs=$OPTARG ;;
	m) merge=1 ;;
	*) echo "usage: $0 [-t SECONDS] [-j JOBS] [-m] [NAME...]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
	for f in tests/fuzz/fuzz_*.c; do
		n=${f#tests/fuzz/fuzz_}
		names+=("${n%.c}")
	done
fi

# The seeds beside the corpus, where they exist.
seeds() {
	case $1 in
	config) echo tests/configs ;;
	mb2) [ -d "$BUILD/guests" ] && echo "$BUILD/guests" ;;
	esac
	return 0
}

run_one() {
	local n=$1 bin=$BUILD/fuzz/fuzz_$1 work=$BUILD/fuzz/work/$1
	local log=$BUILD/fuzz/$1.log rc=0 runs cov corp
	if [ ! -x "$bin" ]; then
		echo "fuzz: $n: FAIL, $bin is missing (make fuzz)"
		return 1
	fi
	mkdir -p "$work" "tests/fuzz/corpus/$n"
	rm -f "$BUILD/fuzz/crash-$n-"*
	# shellcheck disable=SC2046
	"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$BUILD/fuzz/crash-$n-" \
		"$work" "tests/fuzz/corpus/$n" $(seeds "$n") >"$log" 2>&1 || rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -n 1 | cut -d' ' -f2)
	corp=$(find "$work" "tests/fuzz/corpus/$n" -type f | wc -l)
	if [ "$rc" -ne 0 ]; then
		echo "fuzz: $n: FAIL (exit $rc), reproducer: $(ls "$BUILD/fuzz/crash-$n-"* 2>/dev/null | head -n 1)"
		grep -m 12 -E 'ERROR|SUMMARY|runtime error|fuzz_|#[0-9]+ 0x' "$log" | sed "s/^/fuzz: $n: /"
		return 1
	fi
	if [ "$merge" -eq 1 ]; then
		local before after
		before=$(find "tests/fuzz/corpus/$n" -type f | wc -l)
		"$bin" -merge=1 "tests/fuzz/corpus/$n" "$work" >>"$log" 2>&1
		after=$(find "tests/fuzz/corpus/$n" -type f | wc -l)
		echo "fuzz: $n: merged $((after - before)) new input(s) into tests/fuzz/corpus/$n"
	fi
	echo "fuzz: $n: PASS, ${runs:-0} runs in $secs s, coverage ${cov:-?}, corpus $corp"
}

export -f run_one seeds
export BUILD secs merge
out=$(mktemp "${TMPDIR:-/tmp}/run-fuzz.XXXXXX")
trap 'rm -f "$out"' EXIT
echo "fuzz: ${#names[@]} harness(es), $secs s each, $jobs at a time" >&2
printf '%s\n' "${names[@]}" | xargs -P "$jobs" -I{} bash -c 'run_one "$1"' _ {} |
	tee "$out" || true
passed=$(grep -c '^fuzz: [a-z0-9_]*: PASS' "$out" || true)
failed=$((${#names[@]} - passed))
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
