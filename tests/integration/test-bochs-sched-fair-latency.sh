#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Scheduler wake-up latency under Bochs (virtual time), fair: two 1-vCPU
# hog guests and the sleeper share pCPU 0 (3 vCPUs on 1 pCPU,
# tests/configs/sched-latency-3on1.ini). hvisor must exit 0, all three
# guests must pass, and the sleeper's p99 lateness must stay below the
# INI's latency_us (default 1000): a waking vCPU gets a bounded lag
# credit instead of waiting for the hogs' slices.
#
# BUILD (default build) holds the outputs; TEST_TIMEOUT (default 180)
# bounds the Bochs run in seconds.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tests/integration/lib.sh
. tests/integration/lib.sh

ini=tests/configs/sched-latency-3on1.ini

latency_us=$(hv_key "$ini" latency_us 1000)

bochs_boot sched-fair-latency "$ini"
expect_exit 0
expect_line '[hog1] hog: PASS'
expect_line '[hog2] hog: PASS'
expect_line '[sleep] sleeper: PASS'

if sleeper_lateness sleep; then
	echo "$tag: sleeper: $wakes wake-ups, lateness p50 $p50 us, p99 $p99 us," \
		"max $max us; latency_us $latency_us"
	[ "$p99" -lt "$latency_us" ] ||
		fail+=("sleeper p99 lateness $p99 us, want < latency_us $latency_us")
fi
grep -aE '\[hog[12]\] hog: vcpu|sched-stat|sched-path' "$console" |
	sed "s/^/$tag: /" || true
report
