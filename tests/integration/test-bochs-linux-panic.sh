#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test-bochs-linux-panic.sh: a Linux panic ends only that guest.
# tests/configs/linux-panic.ini runs Debian's kernel (1 vCPU, PVH) beside
# the echo guest. /init crashes the kernel through sysrq; with panic=1 it
# resets through the FADT's reset register a second later, and hvisor
# ends it there (RESET, code 64) with its last console lines in the
# summary. Only then is "bye" typed to the echo guest, which must still be
# running and exit 0.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tests/integration/lib.sh
. tests/integration/lib.sh

tag=test-bochs-linux-panic
keys=$BUILD/test-linux-panic.keys
printf 'bye\r' >"$keys"
BOCHS_ARGS=(-k "$keys" -K "guest 'linux' stopped: reset")
linux_boot linux-panic tests/configs/linux-panic.ini 1200
expect_exit 64 "the reset guest counts as stopped by hvisor"
expect_line "[linux] HVTEST END panic" "/init never triggered the panic"
expect_line "Kernel panic - not syncing: sysrq triggered crash"
expect_line "hvisor:   linux        RESET   code 64" "Linux did not end as RESET"
expect_line "reset: reset control register (port 0xcf9)"
expect_line "hvisor:   linux        last console lines:"
grep -qE 'hvisor:   linux        \| .*(Kernel panic|Rebooting in)' "$console" ||
	fail+=("the summary does not show the panic in Linux's last lines")
expect_line "[echo] echo: 'bye'" "the echo guest did not outlive Linux"
expect_line "hvisor:   echo         PASS    code 0"
grep -aE 'hvisor:   (linux|echo) ' "$console" | sed "s/^/$tag: /" || true
report
