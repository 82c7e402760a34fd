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
# shellcheck source=tests/integration/lib.sh
. tests/integration/lib.sh

bochs_boot triple-fault tests/configs/triple-fault.ini
expect_exit 64		# HV_EXIT_GUEST_CRASH in src/core/hypercall.h
grep 'crash' "$console" | grep -qi 'triple fault' ||
	fail+=("no line naming 'crash' and 'triple fault'")
expect_line '[alpha] hello: PASS'
report
