#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Two hello guests (alpha on CPU 0, beta on CPU 1) under hvisor in Bochs:
# hvisor must exit 0 and both guests must print "hello: PASS", which
# hvisor prefixes with the guest's name.
#
# BUILD (default build) holds the outputs; TEST_TIMEOUT (default 180)
# bounds the Bochs run in seconds.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tests/integration/lib.sh
. tests/integration/lib.sh

bochs_boot two-guests tests/configs/two-guests.ini
expect_exit 0
expect_line '[alpha] hello: PASS'
expect_line '[beta] hello: PASS'
report
