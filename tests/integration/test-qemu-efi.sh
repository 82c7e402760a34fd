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

name=qemu-efi
BUILD=${BUILD:-build}
export BUILD
esp=$BUILD/esp.img
ini=hvisor.ini
log=$BUILD/test-$name.log

if ! make -s BUILD="$BUILD" esp; then
	echo "test-$name: FAIL: make esp failed"
	exit 1
fi

rc=0
scripts/run-qemu-efi.sh -t "${TEST_TIMEOUT:-120}" -l "$log" "$esp" || rc=$?

# The console without CRs and the firmware's terminal escape sequences.
txt=$BUILD/test-$name.txt
tr -d '\r' <"$log" | sed 's/\x1b\[[0-9;=?]*[A-Za-z]//g' >"$txt"

# The images the INI names, as mkesp.sh put them on the ESP.
images=()
list=
if [ -x "$BUILD/hvctl" ] &&
   list=$("$BUILD/hvctl" images -L "$BUILD/guests" "$ini"); then
	while IFS=$'\t' read -r img _; do
		[ -z "$img" ] || images+=("$img")
	done <<<"$list"
else
	echo "test-$name: FAIL: '$BUILD/hvctl images' cannot list $ini"
	exit 1
fi

no_vmx='hvisor: this CPU has no VMX (CPUID.1:ECX[5]=0); cannot start guests'
fail=()
[ "$rc" -eq 66 ] || fail+=("exit code $rc, want 66 (no VMX)")
grep -qE '^hvisor\.efi: loaded hvisor\.ini \([0-9]+ bytes\)' "$txt" ||
	fail+=("no 'hvisor.efi: loaded hvisor.ini' line")
for img in "${images[@]}"; do
	n=$(grep -cF "hvisor.efi: loaded $img (" "$txt" || true)
	[ "$n" -eq 1 ] ||
		fail+=("$n 'hvisor.efi: loaded $img (...)' lines, want 1")
done
# hvisor's banner: its own line naming the loader, not one of ours.
grep -v '^hvisor\.efi:' "$txt" | grep 'hvisor' | grep -q 'uefi' ||
	fail+=("no banner line with 'hvisor' and 'uefi'")
grep -qF "$no_vmx" "$txt" || fail+=("no line '$no_vmx'")

if [ ${#fail[@]} -eq 0 ]; then
	echo "test-$name: PASS (${#images[@]} image(s) loaded, exit 66)"
	exit 0
fi
for f in "${fail[@]}"; do
	echo "test-$name: FAIL: $f"
done
echo "test-$name: log in $log"
exit 1
