#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# run-all.sh: what `make test` runs.
#
#   1. build    make all (hvisor.elf, hvisor.efi, hvctl, test guests)
#   2. unit     make unit: the cmocka binaries, through tests/run-unit.sh
#   3. fuzz     make fuzz, then each libFuzzer harness for FUZZ_SECS (60)
#               seconds from its corpus (tests/run-fuzz.sh)
#   4. each tests/integration/test-*.sh in turn (they boot under emulators)
#
# Every stage runs even when an earlier one failed, and prints its wall
# time. The build counts as one test, each unit test case as one, each
# fuzz harness as one, each integration script as one; the last line is "N passed, N failed". Exits
# 1 if anything failed.
#
# BUILD (default build) is the output folder; JOBS (default nproc) the
# build's parallelism.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=${BUILD:-build}
JOBS=${JOBS:-$(nproc)}
export BUILD

passed=0 failed=0
failures=()
out=$(mktemp "${TMPDIR:-/tmp}/run-all.XXXXXX")
trap 'rm -f "$out"' EXIT

now() { date +%s%N; }
secs() { local ms=$(( ($(now) - $1) / 1000000 )); printf '%d.%d' $((ms / 1000)) $((ms % 1000 / 100)); }
banner() { printf '\n===== %s =====\n' "$*"; }

total_start=$(now)

# ---- build ------------------------------------------------------------------
banner "build (make all)"
t=$(now)
if make -j"$JOBS" BUILD="$BUILD" all; then
	passed=$((passed + 1))
	echo "run-all: build: PASS ($(secs "$t") s)"
else
	failed=$((failed + 1))
	failures+=(build)
	echo "run-all: build: FAIL ($(secs "$t") s)"
fi

# tally STAGE RC T: add the "STAGE: N passed, M failed" line in $out to the
# counts; a stage that exited non-zero or printed no such line failed.
tally() {
	local stage=$1 rc=$2 t=$3 sum p f
	sum=$(grep -E "^$stage: [0-9]+ passed, [0-9]+ failed\$" "$out" | tail -n 1 || true)
	if [ -n "$sum" ]; then
		read -r _ p _ f _ <<<"$sum"
	else
		p=0 f=1		# it did not get as far as running anything
	fi
	[ "$rc" -eq 0 ] || [ "$f" -gt 0 ] || f=1
	passed=$((passed + p)) failed=$((failed + f))
	if [ "$f" -eq 0 ]; then
		echo "run-all: $stage: PASS, $p passed ($(secs "$t") s)"
	else
		failures+=("$stage")
		echo "run-all: $stage: FAIL, $p passed, $f failed ($(secs "$t") s)"
	fi
}

# ---- unit tests ------------------------------------------------------------
banner "unit tests (make unit)"
t=$(now)
rc=0
make -j"$JOBS" BUILD="$BUILD" unit 2>&1 | tee "$out" || rc=$?
tally unit "$rc" "$t"

# ---- fuzzing ------------------------------------------------------------------
banner "fuzz (make fuzz; tests/run-fuzz.sh)"
t=$(now)
rc=0
{ make -j"$JOBS" BUILD="$BUILD" fuzz &&
  tests/run-fuzz.sh -t "${FUZZ_SECS:-60}" -j "$JOBS"; } 2>&1 | tee "$out" || rc=$?
tally fuzz "$rc" "$t"

# ---- integration tests --------------------------------------------------------
for test in tests/integration/test-*.sh; do
	[ -e "$test" ] || continue
	name=$(basename "$test" .sh)
	banner "$name"
	t=$(now)
	if "$test"; then
		passed=$((passed + 1))
		echo "run-all: $name: PASS ($(secs "$t") s)"
	else
		failed=$((failed + 1))
		failures+=("$name")
		echo "run-all: $name: FAIL ($(secs "$t") s)"
	fi
done

banner "summary"
echo "run-all: total wall time $(secs "$total_start") s"
[ ${#failures[@]} -eq 0 ] || echo "run-all: failed: ${failures[*]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
