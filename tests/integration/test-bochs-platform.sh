#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test-bochs-platform.sh [2on2|2on1]: the virtual interrupt platform under
# Bochs. Boots tests/configs/platform-CONF.ini (default 2on2: 2 vCPUs on
# pCPUs 0-1; 2on1: both on pCPU 0, which test-bochs-platform-2on1.sh
# runs). The platform guest (tests/guests/platform.c) must exit 0 with a
# PASS line for every one of its items.
set -euo pipefail
conf=${1:-2on2}
case $conf in
2on2 | 2on1 | 2on1-inject) ;;
*)
	echo "usage: $0 [2on2|2on1|2on1-inject]" >&2
	exit 2
	;;
esac
cd "$(dirname "$0")/../.."
# shellcheck source=tests/integration/lib.sh
. tests/integration/lib.sh

items=(cpuid xapic x2apic timer-oneshot timer-periodic timer-tscdeadline ipi
	timer-desched ioapic uart-irq uart-rx pit-calibration rtc msr-gp
	insn-exits cr4-dr efer-lme)

# The guest's timer items HLT without a watchdog: a lost interrupt hangs
# it, and the run then ends at this timeout (a pass takes about 30 s).
TEST_TIMEOUT=${TEST_TIMEOUT:-90}
bochs_boot "platform-$conf" "tests/configs/platform-$conf.ini"
expect_exit 0
for item in "${items[@]}"; do
	expect_line "[plat] platform: $item: PASS" "no PASS line for '$item'"
done
expect_line "[plat] platform: ${#items[@]} items, 0 failed"

# Which delivery path ran, by the exits only it produces: injection opens
# interrupt windows and never traps APIC writes; virtual-interrupt delivery
# traps APIC writes. Guarded VID (vmx/intr.c) opens a window only for an
# interrupt that arrives while the guest has IF = 0, and says so.
path=$(grep -aoE 'hvisor: interrupt delivery: [a-z]+' "$console" | awk '{ print $4 }')
exits=$(grep -aE 'hvisor: +plat +exits:' "$console" || true)
echo "$tag: delivery $path;$exits"
case $conf in
*-inject) want=inject ;;
*) want=$(grep -q 'virtual-interrupt delivery yes' "$console" && echo vid || echo inject) ;;
esac
[ "$path" = "$want" ] || fail+=("interrupt delivery '$path', want '$want'")
case $path in
inject)
	grep -q 'interrupt_window=' <<<"$exits" ||
		fail+=("event injection never opened an interrupt window")
	! grep -qE 'APIC_write=|EOI_induced=' <<<"$exits" ||
		fail+=("APIC-virtualization exits under event injection")
	;;
vid)
	grep -q 'APIC_write=' <<<"$exits" ||
		fail+=("no APIC-write exit: virtualization did not run")
	grep -q 'interrupt delivery: vid (guarded' "$console" ||
		! grep -q 'interrupt_window=' <<<"$exits" ||
		fail+=("interrupt-window exits under unguarded virtual-interrupt delivery")
	;;
esac
# insn-exits: each instruction exited once (MWAIT three times), none ran
# on the pCPU: hvisor asks for these exits (INVD and VMX always exit).
for e in MONITOR=1 MWAIT=3 WBINVD=1 INVD=1 RDPMC=1 VMX_instruction=1; do
	grep -qE "(^| )$e( |\$)" <<<"$exits" || fail+=("the summary has no $e exit")
done
grep -a '\] platform: ' "$console" | sed "s/^/$tag: /" || true
report
