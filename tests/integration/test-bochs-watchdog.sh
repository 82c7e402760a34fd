#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The hang detectors (tests/configs/watchdog.ini):
#   - a vCPU that spins with IF = 0 for 1.5 s while an IPI waits for it
#     is dumped by the pending-interrupt watch after 1 s (with its exit
#     ring, vLAPIC state showing the vector in IRR, and stack words), and
#     its guest still passes once it takes the interrupt;
#   - a guest silent for longer than its watchdog_s (1 s of guest time) is
#     dumped and stopped as crashed, while the other guest runs on.
# hvisor exits 64 (a guest was stopped by the hypervisor).
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tests/integration/lib.sh
. tests/integration/lib.sh

TEST_TIMEOUT=${TEST_TIMEOUT:-180}
bochs_boot watchdog tests/configs/watchdog.ini
expect_exit 64 "the silent guest must end as stopped by hvisor"
expect_line "hvisor: guest 'stuck': vCPU 1 has had vector 0x63 pending for over 1 s without taking it"
expect_line "vcpu-dump stuck/1: interrupt pending for 1 s: running" "no dump of the stuck vCPU"
expect_line "vcpu-dump stuck/1: stack " "the stuck vCPU's dump has no stack words"
grep -aqE 'vcpu-dump stuck/1: lapic x2apic TPR 0x0 PPR 0x0 IRR 0{32}000000080{24} ' "$console" ||
	fail+=("the stuck vCPU's dump does not show vector 0x63 in IRR")
expect_line "[stuck] ifquirk: stuck: 1 delivered, 0 with IF=0"
expect_line "hvisor: guest 'mute': no console output for 1 s of guest time: dumping its vCPUs"
expect_line "vcpu-dump mute/0: watchdog: " "no dump of the silent guest"
expect_line "hvisor: guest 'mute' stopped: watchdog: no console output for 1 s of guest time"
grep -aE 'hvisor: +(stuck|mute) +(PASS|FAIL|CRASHED)|vcpu-dump [a-z]+/[0-9]: [a-z]' "$console" |
	sed "s/^/$tag: /" | head -n 40 || true
report
