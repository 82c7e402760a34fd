#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# mb2check (tests/guests/mb2check/, the Asterinas boot-contract kernel)
# booted by GRUB alone on Bochs, with no hvisor: a cross-check of the test
# kernel itself against a real Multiboot2 loader. GRUB gets
#
#   multiboot2 /boot/mb2check.elf vcpus=2 modsum=<Adler-32> modlen=<bytes>
#   module2    /boot/mb2check-module.bin initrd
#
# and every loader item must PASS, no item may FAIL, and the summary line
# must be there. mbi-rsdp may SKIP: Bochs' BIOS has only an ACPI 1.0 RSDP,
# so GRUB gives tag 14 and no tag 15. cpuid15 may SKIP: Bochs' leaf 0x15
# is empty. The other platform items run on bare Bochs too and must PASS.
#
# mb2check powers Bochs off itself (port 0x8900): run-bochs.sh then exits
# 125, as there is no hvisor to print "HVISOR EXIT"; only a timeout (124)
# is an error here.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tests/integration/lib.sh
. tests/integration/lib.sh

tag=test-bochs-mb2check-grub
name=mb2check-grub
logdir=$BUILD/test-$name
iso=$BUILD/test-$name.iso
where="logs in $logdir"
elf=$BUILD/guests/mb2check.elf
mod=$BUILD/guests/mb2check-module.bin
ini=tests/configs/mb2check.ini

command -v grub-mkrescue >/dev/null ||
	abort "grub-mkrescue not found (run scripts/deps.sh)"
make -s BUILD="$BUILD" "$elf" "$mod" || abort "build failed"

# Adler-32 (RFC 1950) of the module, as mb2check computes it, and its size.
modsum=$(od -An -v -tu1 "$mod" | awk '
	BEGIN { a = 1; b = 0 }
	{ for (i = 1; i <= NF; i++) { a = (a + $i) % 65521; b = (b + a) % 65521 } }
	END { printf "%04x%04x\n", b, a }')
modlen=$(wc -c <"$mod" | tr -d ' ')

stage=$(mktemp -d "${TMPDIR:-/tmp}/mb2check-iso.XXXXXX")
mklog=$(mktemp "${TMPDIR:-/tmp}/mb2check-mkrescue.XXXXXX")
trap 'rm -rf "$stage" "$mklog"' EXIT
mkdir -p "$stage/boot/grub"
cp "$elf" "$stage/boot/mb2check.elf"
cp "$mod" "$stage/boot/mb2check-module.bin"
cat >"$stage/boot/grub/grub.cfg" <<EOF
set timeout=0
set default=0
serial --unit=0 --speed=115200
terminal_input serial console
terminal_output serial console

menuentry "mb2check" {
	multiboot2 /boot/mb2check.elf vcpus=2 modsum=$modsum modlen=$modlen
	module2 /boot/mb2check-module.bin initrd
	boot
}
EOF
grub-mkrescue -o "$iso" --fonts= --locales= --themes= "$stage" \
	>"$mklog" 2>&1 || { cat "$mklog" >&2; abort "grub-mkrescue failed"; }

rm -rf "$logdir"
mkdir -p "$logdir"
rc=0
scripts/run-bochs.sh -c 2 -m 64 -t "${TEST_TIMEOUT:-120}" -l "$logdir" "$iso" ||
	rc=$?
console=$logdir/console.txt
tr -d '\r' 2>/dev/null <"$logdir/serial.log" >"$console" || true

[ "$rc" -ne 124 ] || fail+=("Bochs timed out (mb2check did not power off)")
grep -qE '^mb2check: [0-9]+ passed, 0 failed, [0-9]+ skipped$' "$console" ||
	fail+=("no 'mb2check: N passed, 0 failed, N skipped' line")
while read -r line; do
	fail+=("$line")
done < <(grep -aE '^FAIL ' "$console" || true)

# has ITEM WORD...: ITEM's result line starts with one of the WORDs.
has() {
	local item=$1 w
	shift
	for w in "$@"; do
		grep -qE "^$w $item(:|\$)" "$console" && return 0
	done
	fail+=("no '$* $item' line")
}
for item in entry mbi-layout mbi-mmap mbi-cmdline ioapic-gsi0 module \
	    long-mode fsgsbase xsave-size madt-cpus x2apic tsc-deadline \
	    icr-idle ap-start ioapic-dest0; do
	has "$item" PASS
done
has mbi-rsdp PASS SKIP
has cpuid15 PASS SKIP
expect_line "PASS module: module 'initrd'"
expect_line "Adler-32 $modsum as modsum/modlen say"

# hvisor's mb2check configuration passes the same module: its cmdline
# must carry the same sum and length.
grep -qE "^cmdline = .*modsum=$modsum( |$)" "$ini" &&
	grep -qE "^cmdline = .*modlen=$modlen( |$)" "$ini" ||
	fail+=("$ini: cmdline must say modsum=$modsum modlen=$modlen")

grep -aE '^(PASS|FAIL|SKIP) |^mb2check: ' "$console" | sed "s/^/$tag: /" || true
report
