#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-overcommit.sh [-n BOOTS] [-j JOBS] [-o DIR]
#
# The interrupt-delivery schemes against each other on the overcommit rig
# (tests/configs/linux-overcommit.ini: Debian's kernel, 4 vCPUs on 2
# pCPUs, two CPU hogs and two SCHED_FIFO 1 ms sleepers for 3 s of guest
# time), BOOTS boots each (default 4) through scripts/soak.sh:
#
#   vid (guarded)   apic_delivery = vid, vid_guard = on (the default)
#   inject          apic_delivery = inject
#   vid (unguarded) apic_delivery = vid, vid_guard = off (Bochs's quirk)
#
# Prints a Markdown table: boots passed, and over the passing boots the
# sleepers' mean p50 and p99, the worst p99, the worst missed share, all
# in guest time (CLOCK_MONOTONIC = the TSC). Logs stay in DIR (default
# $BUILD/bench-overcommit).
set -euo pipefail
cd "$(dirname "$0")/.."

n=4 jobs=1 out=
while getopts "n:j:o:h" opt; do
	case $opt in
	n) n=$OPTARG ;;
	j) jobs=$OPTARG ;;
	o) out=$OPTARG ;;
	*) echo "usage: $0 [-n BOOTS] [-j JOBS] [-o DIR]" >&2; exit 2 ;;
	esac
done
BUILD=${BUILD:-build}
out=${out:-$BUILD/bench-overcommit}
mkdir -p "$out"
base=tests/configs/linux-overcommit.ini

variant() {
	local name=$1 keys=$2 ini=$out/$1.ini
	# The [hypervisor] section gets the variant's keys; images are found
	# through mkiso's -L folders, as for the base configuration.
	awk -v keys="$keys" '{ print } /^\[hypervisor\]/ { n = split(keys, k, ";"); for (i = 1; i <= n; i++) print k[i] }' \
		"$base" >"$ini"
	echo "bench-overcommit: $name: $n boots" >&2
	scripts/soak.sh -n "$n" -j "$jobs" -o "$out/$name" "$ini" >"$out/$name.log" 2>&1 || true
	tail -n 1 "$out/$name.log" >&2
}

variant guarded "apic_delivery = vid;vid_guard = on"
variant inject "apic_delivery = inject"
variant unguarded "apic_delivery = vid;vid_guard = off"

echo "| delivery | boots passed | p50 us (mean) | p99 us (mean) | p99 us (worst) | missed (worst) |"
echo "|---|---|---|---|---|---|"
for v in guarded inject unguarded; do
	passed=$(sed -n 's/^soak: [0-9]* boots, \([0-9]*\) passed$/\1/p' "$out/$v.log")
	awk -v v="$v" -v n="$n" -v p="${passed:-0}" '
		{ for (i = 1; i < NF; i++) {
			if ($i == "p50") a = $(i + 1); if ($i == "p99") b = $(i + 1);
			if ($i == "missed") { m = $(i + 1); sub(/%/, "", m) } }
		  k++; s50 += a; s99 += b; if (b > w) w = b; if (m + 0 > wm) wm = m + 0 }
		END { name = v == "guarded" ? "vid, guarded (default)" : v == "inject" ? "inject" : "vid, unguarded";
		      if (k) printf "| %s | %d of %d | %.0f | %.0f | %d | %.2f%% |\n", name, p, n, s50 / k, s99 / k, w, wm;
		      else printf "| %s | %d of %d | - | - | - | - |\n", name, p, n }' \
		"$out/$v/passed" 2>/dev/null || echo "| $v | ${passed:-0} of $n | - | - | - | - |"
done
