#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The platform test guest with both vCPUs on one pCPU and event injection
# forced (tests/configs/platform-2on1-inject.ini), so that Bochs runs the
# injection path as well as virtual-interrupt delivery. See
# test-bochs-platform.sh.
set -euo pipefail
exec "$(dirname "$0")/test-bochs-platform.sh" 2on1-inject
