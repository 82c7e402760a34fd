#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest FPU/SSE/AVX state across vCPU switches: two guests that hold
# values in XMM/YMM registers share one pCPU (tests/configs/fpu-share.ini).
# Both must pass, which they only do if the hypervisor saves and restores
# each vCPU's register state when it switches between them.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tests/integration/lib.sh
. tests/integration/lib.sh

bochs_boot fpu tests/configs/fpu-share.ini
expect_exit 0
expect_line '[fpua] fpu: PASS'
expect_line '[fpub] fpu: PASS'
switches=$(grep -aoE 'sched-stat vcpu=fpua/0 .* switches=[0-9]+' "$console" |
	sed -E 's/.*switches=//' | tail -n 1)
echo "$tag: fpua was switched in ${switches:-?} times"
[ "${switches:-0}" -gt 10 ] || fail+=("the two guests hardly shared the pCPU (${switches:-no} switches)")
grep -aE '\] fpu: ' "$console" | sed "s/^/$tag: /" || true
report
