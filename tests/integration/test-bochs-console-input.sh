#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test-bochs-console-input.sh: COM1 input reaches the root guest. Lines are
# typed on Bochs' COM1 once the echo guest is ready; hvisor polls its UART
# and queues the bytes in the guest's vUART, whose receive interrupt (IRQ4
# through the vIOAPIC) wakes the halted guest. It echoes each line and
# exits 0 on "bye". The Ctrl-A ?, Ctrl-A s and Ctrl-A v in the middle are
# hypervisor keys: they print the key help, the scheduler table (once more
# than the summary does) and the vCPU dump (state, vLAPIC, exit ring), and
# must not reach the guest.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tests/integration/lib.sh
. tests/integration/lib.sh

keys=$BUILD/test-console-input.keys
mkdir -p "$BUILD"
printf 'hello hvisor\r\x01?second line\r\x01s\x01vbye\r' >"$keys"
BOCHS_ARGS=(-k "$keys" -K "echo: ready")
TEST_TIMEOUT=${TEST_TIMEOUT:-90}
bochs_boot console-input tests/configs/echo.ini
expect_exit 0
expect_line "COM1 input goes to guest 'echo'"
expect_line "[echo] echo: 'hello hvisor'"
expect_line "[echo] echo: 'second line'"
expect_line "[echo] echo: 'bye'"
expect_line "[echo] echo: 3 lines"
expect_line "hvisor: keys: Ctrl-A s scheduler statistics"
expect_line "Ctrl-A v every vCPU's state and last exits"
expect_line "vcpu-dump echo/0: Ctrl-A v: " "Ctrl-A v printed no vCPU dump"
grep -aqE 'vcpu-dump echo/0: exit -[0-9]+ us ' "$console" ||
	fail+=("the Ctrl-A v dump has no exit ring")
tables=$(grep -c '^sched fair: ' "$console" || true)
[ "$tables" -ge 2 ] ||
	fail+=("Ctrl-A s printed no scheduler table ($tables in the log, the summary's included)")
grep -a '\[echo\] echo: ' "$console" | sed "s/^/$tag: /" || true
report
