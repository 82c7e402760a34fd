#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# mb2check (tests/guests/mb2check/, the Asterinas boot-contract kernel)
# under hvisor (tests/configs/mb2check.ini): two vCPUs, the module
# mb2check-module.bin as its initrd. The same items as the GRUB-only test
# (test-bochs-mb2check-grub.sh), but every one must PASS here, none SKIP:
# hvisor gives tag 15 and a full CPUID 0x15, and under its KVM signature
# the platform items run. mb2check ends the guest through port 0xF4 with
# its failure count, so hvisor must exit 0.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tests/integration/lib.sh
. tests/integration/lib.sh

guest=mb
bochs_boot mb2check tests/configs/mb2check.ini
expect_exit 0
grep -qE "^\[$guest\] mb2check: [0-9]+ passed, 0 failed, 0 skipped$" "$console" ||
	fail+=("no '[$guest] mb2check: N passed, 0 failed, 0 skipped' line")
while read -r line; do
	fail+=("$line")
done < <(grep -aE "^\[$guest\] (FAIL|SKIP) " "$console" || true)
for item in entry mbi-layout mbi-mmap mbi-cmdline mbi-rsdp ioapic-gsi0 \
	    module long-mode fsgsbase xsave-size madt-cpus cpuid15 x2apic \
	    tsc-deadline icr-idle ap-start ioapic-dest0; do
	grep -qE "^\[$guest\] PASS $item(:|\$)" "$console" ||
		fail+=("no 'PASS $item' line")
done
# The module's string is its name as the INI spells it; its sum and
# length are what the INI's cmdline says (the GRUB test checks those).
expect_line "[$guest] PASS module: module 'mb2check-module.bin'"
expect_line "as modsum/modlen say"
expect_line "hvisor: guest '$guest' finished: exit code 0"

grep -aE "^\[$guest\] (PASS|FAIL|SKIP|mb2check: )" "$console" |
	sed "s/^/$tag: /" || true
report
