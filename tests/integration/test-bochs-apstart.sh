#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest SMP start-up through the vLAPIC (tests/configs/apstart.ini): the
# guest's vCPU 0 sends INIT, an INIT de-assert and two SIPIs the way
# Asterinas does; vCPU 1 must start once, in real mode at the SIPI page.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tests/integration/lib.sh
. tests/integration/lib.sh

bochs_boot apstart tests/configs/apstart.ini
expect_exit 0
expect_line '[ap] apstart: vCPU 1 checked in (APIC ID 1, 1 time)'
expect_line '[ap] apstart: PASS'
grep -aE '\] apstart: |sched-stat vcpu=ap' "$console" | sed "s/^/$tag: /" || true
report
