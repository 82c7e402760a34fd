#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The UEFI boot path under QEMU TCG + OVMF: hvisor.efi, booted from a FAT
# image made from the repository's hvisor.ini (make esp), must load the INI
# and every image it names, leave boot services, print hvisor's banner for
# the uefi loader, find no VMX (TCG has none) and exit with code 66.
#
# BUILD (default build) holds the outputs; TEST_TIMEOUT (default 120)
# bounds the QEMU run in seconds.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tests/integration/lib.sh
. tests/integration/lib.sh

name=qemu-efi
tag=test-$name
esp=$BUILD/esp.img
ini=hvisor.ini
log=$BUILD/test-$name.log
where="log in $log"

make -s BUILD="$BUILD" esp || abort "make esp failed"

rc=0
scripts/run-qemu-efi.sh -t "${TEST_TIMEOUT:-120}" -l "$log" "$esp" || rc=$?

# The console without CRs and the firmware's terminal escape sequences.
console=$BUILD/test-$name.txt
tr -d '\r' <"$log" | sed 's/\x1b\[[0-9;=?]*[A-Za-z]//g' >"$console"

# The images the INI names, as mkesp.sh put them on the ESP.
images=()
list=
if [ -x "$BUILD/hvctl" ] &&
   list=$("$BUILD/hvctl" images -L "$BUILD/guests" "$ini"); then
	while IFS=$'\t' read -r img _; do
		[ -z "$img" ] || images+=("$img")
	done <<<"$list"
else
	abort "'$BUILD/hvctl images' cannot list $ini"
fi

no_vmx='hvisor: this CPU has no VMX (CPUID.1:ECX[5]=0); cannot start guests'
expect_exit 66 'no VMX'
grep -qE '^hvisor\.efi: loaded hvisor\.ini \([0-9]+ bytes\)' "$console" ||
	fail+=("no 'hvisor.efi: loaded hvisor.ini' line")
for img in "${images[@]}"; do
	n=$(grep -cF "hvisor.efi: loaded $img (" "$console" || true)
	[ "$n" -eq 1 ] ||
		fail+=("$n 'hvisor.efi: loaded $img (...)' lines, want 1")
done
# hvisor's banner: its own line naming the loader, not one of ours.
grep -v '^hvisor\.efi:' "$console" | grep 'hvisor' | grep -q 'uefi' ||
	fail+=("no banner line with 'hvisor' and 'uefi'")
expect_line "$no_vmx" "no line '$no_vmx'"
report "(${#images[@]} image(s) loaded, exit 66)"
