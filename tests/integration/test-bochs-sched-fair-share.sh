#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Scheduler fairness under Bochs (virtual time): 4 vCPUs, two hog guests
# with 2 vCPUs each and cpus = 0-1, on 2 pCPUs under scheduler = fair
# (tests/configs/sched-share-4on2.ini). hvisor must exit 0, both guests
# must pass, and each of the 4 vCPUs' work in the common window must be
# within 5 % of the mean of the four.
#
# The guests count work units in a window of the same length each, so
# "work" is per_ms times the window without per_ms's rounding; the test
# compares those.
#
# BUILD (default build) holds the outputs; TEST_TIMEOUT (default 180)
# bounds the Bochs run in seconds.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tests/integration/lib.sh
. tests/integration/lib.sh

tolerance_pct=5

bochs_boot sched-fair-share tests/configs/sched-share-4on2.ini
expect_exit 0
expect_line '[hog1] hog: PASS'
expect_line '[hog2] hog: PASS'

# "[hog1] hog: vcpu 0 work 66950 per_ms 66" -> "hog1/0 66950"
works=$(grep -aoE '\[hog[12]\] hog: vcpu [0-9]+ work [0-9]+ per_ms [0-9]+' \
	"$console" | sed -E 's/^\[([^]]+)\] hog: vcpu ([0-9]+) work ([0-9]+).*/\1\/\2 \3/' |
	sort -u || true)
n=$(printf '%s' "$works" | grep -c . || true)
if [ "$n" -ne 4 ]; then
	fail+=("$n distinct 'hog: vcpu N work' lines, want 4")
else
	# One line per vCPU: name work deviation-from-mean in %, and
	# "BAD" where the deviation exceeds the tolerance.
	table=$(printf '%s\n' "$works" | awk -v tol="$tolerance_pct" '
		{ name[NR] = $1; w[NR] = $2; sum += $2 }
		END {
			mean = sum / NR
			for (i = 1; i <= NR; i++) {
				dev = mean > 0 ? (w[i] - mean) * 100 / mean : 100
				adev = dev < 0 ? -dev : dev
				printf "%s %d %+.2f %s\n", name[i], w[i], dev,
					adev <= tol ? "ok" : "BAD"
			}
		}')
	echo "$tag: work in the window (tolerance ${tolerance_pct} % of the mean):"
	printf '%s\n' "$table" | sed 's/^/  /'
	while read -r name work dev verdict; do
		[ "$verdict" = ok ] ||
			fail+=("vCPU $name work $work is $dev % from the mean (limit ${tolerance_pct} %)")
	done <<<"$table"
fi
grep -a 'sched-stat' "$console" | sed "s/^/$tag: /" || true
report
