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
# shellcheck source=tests/integration/lib.sh
. tests/integration/lib.sh

name=bad-ini
ini=tests/configs/bad-boot.ini

line=$(grep -n '^colour[ =]' "$ini" | cut -d: -f1)
[ -n "$line" ] || { echo "test-bochs-$name: FAIL: no colour key in $ini"; exit 1; }
expect="hvisor.ini:$line: [guest alpha] colour: "

# mkiso.sh builds the ISO although hvctl rejects the INI.
bochs_boot "$name" "$ini"
expect_exit 65		# HV_EXIT_CONFIG in src/core/hypercall.h
expect_line "$expect" "no line with '$expect...'"
report
