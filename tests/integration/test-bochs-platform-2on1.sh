#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The platform test guest with both vCPUs on one pCPU
# (tests/configs/platform-2on1.ini): timers and IPIs must reach a vCPU
# while the other one has the pCPU. See test-bochs-platform.sh.
set -euo pipefail
exec "$(dirname "$0")/test-bochs-platform.sh" 2on1
