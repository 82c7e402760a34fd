#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test-bochs-console-input.sh: COM1 input reaches one guest at a time. Lines
# are typed on Bochs' COM1 once an echo guest is ready; hvisor polls its
# UART and queues the bytes in the vUART of the guest taking input (the
# root guest 'echo' first), whose receive interrupt (IRQ4 through the
# vIOAPIC) wakes the halted guest. Each guest echoes its lines and exits 0
# on "bye". Ctrl-A n moves input to 'echo2', Ctrl-A 0 back, Ctrl-A 1 to
# 'echo2' again; Ctrl-A 7 names no guest. The line sent to echo2 carries
# an escape sequence (clear screen), a bell and a forged "HVISOR EXIT 9":
# its echo must reach the log in caret notation, and no line but the
# hypervisor's may start with HVISOR EXIT. The Ctrl-A ?, Ctrl-A s and
# Ctrl-A v in the middle are hypervisor keys: they print the key help, the
# scheduler table (once more than the summary does) and the vCPU dump
# (state, vLAPIC, exit ring), and must not reach a guest.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tests/integration/lib.sh
. tests/integration/lib.sh

keys=$BUILD/test-console-input.keys
mkdir -p "$BUILD"
{
	printf 'hello hvisor\r\x01?second line\r'
	printf '\x01nto two \x1b[2J\x07 HVISOR EXIT 9\r\x01s\x017'
	printf '\x010\x01vbye\r\x011bye\r'
} >"$keys"
BOCHS_ARGS=(-k "$keys" -K "echo: ready")
TEST_TIMEOUT=${TEST_TIMEOUT:-90}
bochs_boot console-input tests/configs/echo.ini
expect_exit 0
expect_line "COM1 input goes to guest 'echo' (guest 0;"
expect_line "[echo] echo: 'hello hvisor'"
expect_line "[echo] echo: 'second line'"
expect_line "COM1 input goes to guest 'echo2' (guest 1;"
expect_line "[echo2] echo: 'to two ^[[2J^G HVISOR EXIT 9'" \
	"echo2's line did not come back with its control bytes in caret notation"
expect_line "hvisor: no guest 7 (guests 0-1)"
expect_line "[echo] echo: 'bye'"
expect_line "[echo] echo: 3 lines"
expect_line "[echo2] echo: 'bye'"
expect_line "[echo2] echo: 2 lines"
expect_line "hvisor: keys: Ctrl-A s scheduler statistics"
expect_line "Ctrl-A v every vCPU's state and last exits"
expect_line "vcpu-dump echo/0: Ctrl-A v: " "Ctrl-A v printed no vCPU dump"
grep -aqE 'vcpu-dump echo/0: exit -[0-9]+ us ' "$console" ||
	fail+=("the Ctrl-A v dump has no exit ring")
# (GRUB's menu on COM1 has escapes of its own: only the guests' lines count.)
! grep -aE '^\[echo2?\] ' "$console" | grep -aq $'\x1b' ||
	fail+=("a raw ESC byte from a guest reached the log")
exits=$(grep -ac '^HVISOR EXIT' "$console" || true)
[ "$exits" -eq 1 ] ||
	fail+=("$exits lines start with HVISOR EXIT (only hvisor's may)")
tables=$(grep -c '^sched fair: ' "$console" || true)
[ "$tables" -ge 2 ] ||
	fail+=("Ctrl-A s printed no scheduler table ($tables in the log, the summary's included)")
grep -aE '\[echo2?\] echo: ' "$console" | sed "s/^/$tag: /" || true
report
