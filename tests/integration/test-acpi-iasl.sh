#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The guest ACPI tables (dev/acpi_tables.c) checked by ACPICA's iasl.
#
# test_acpi_tables --dump writes every table of a few configurations to
# files. For each table:
#   1. iasl -d disassembles it; any complaint (bad checksum, bad length,
#      unknown or truncated subtable) fails;
#   2. iasl compiles the disassembly back, with no error or warning;
#   3. the result must equal the original, except for the checksum and
#      the creator ID/revision, which iasl puts its own in.
# The RSDP, which iasl cannot disassemble, is written out as iasl data
# table source from its fields and compiled: iasl computes both checksums
# itself, so the output must equal ours byte for byte.
# Before all that, a table broken on purpose must fail these checks.
# Then the same for the tables of every input in the ACPI fuzzer's
# corpus (tests/fuzz/corpus/acpi: random configurations).
#
# BUILD (default build) is the build folder.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
BIN=$BUILD/tests/test_acpi_tables
tag=test-acpi-iasl

if ! command -v iasl >/dev/null; then
	echo "$tag: FAIL: iasl not found (Debian acpica-tools; scripts/deps.sh)"
	exit 1
fi
if ! make -s BUILD="$BUILD" "$BIN"; then
	echo "$tag: FAIL: cannot build $BIN"
	exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# What iasl says when it disagrees with a table.
complaint='error|warning|incorrect|invalid|unknown|should be|terminates|\*\*\*\*'

# hexle FILE OFF LEN: LEN little-endian bytes at OFF as one hex number.
hexle() {
	od -An -v -tx1 -j "$2" -N "$3" "$1" | tr -s ' ' '\n' |
		grep . | tac | tr -d '\n' | tr 'a-f' 'A-F'
}

# check_table DIR SIG: the round trip above for DIR/SIG.dat.
check_table() {
	local dir=$1 sig=$2 out
	out=$( (cd "$dir" && iasl -d "$sig.dat") 2>&1)
	if [ ! -s "$dir/$sig.dsl" ]; then
		echo "$dir/$sig.dat: iasl -d wrote nothing:"
		echo "$out"
		return 1
	fi
	if grep -iEq "$complaint" <<<"$out" ||
	   grep -iEq "$complaint" "$dir/$sig.dsl"; then
		echo "$dir/$sig.dat: iasl -d complains:"
		grep -iE "$complaint" <<<"$out"
		grep -iE "$complaint" "$dir/$sig.dsl"
		return 1
	fi
	mkdir -p "$dir/rt"
	cp "$dir/$sig.dsl" "$dir/rt/"
	out=$( (cd "$dir/rt" && iasl "$sig.dsl") 2>&1)
	if ! grep -q 'Compilation successful. 0 Errors, 0 Warnings' <<<"$out" ||
	   [ ! -f "$dir/rt/$sig.aml" ]; then
		echo "$dir/$sig.dsl: does not compile back cleanly:"
		echo "$out"
		return 1
	fi
	# cmp -l counts bytes from 1: 10 is the checksum, 29..36 the creator.
	if [ "$sig" = FACS ]; then
		out=$(cmp -l "$dir/rt/$sig.aml" "$dir/$sig.dat" 2>&1)
	else
		out=$(cmp -l "$dir/rt/$sig.aml" "$dir/$sig.dat" 2>&1 |
			awk '$1 != 10 && ($1 < 29 || $1 > 36)')
	fi
	if [ -n "$out" ]; then
		echo "$dir/$sig: iasl's round trip differs (offset-1, octal bytes):"
		echo "$out" | head -20
		return 1
	fi
	return 0
}

# check_rsdp DIR: DIR/RSDP.dat as iasl data table source, compiled.
check_rsdp() {
	local f=$1/RSDP.dat src=$1/rsdp.asl out
	{
		echo '[0008]                          Signature : "RSD PTR "'
		echo "[0001]                           Checksum : $(hexle "$f" 8 1)"
		echo "[0006]                             Oem ID : \"$(dd if="$f" bs=1 skip=9 count=6 2>/dev/null)\""
		echo "[0001]                           Revision : $(hexle "$f" 15 1)"
		echo "[0004]                       RSDT Address : $(hexle "$f" 16 4)"
		echo "[0004]                             Length : $(hexle "$f" 20 4)"
		echo "[0008]                       XSDT Address : $(hexle "$f" 24 8)"
		echo "[0001]                  Extended Checksum : $(hexle "$f" 32 1)"
		echo "[0003]                           Reserved : $(hexle "$f" 33 3)"
	} >"$src"
	out=$( (cd "$1" && iasl rsdp.asl) 2>&1)
	if ! grep -q 'Compilation successful. 0 Errors, 0 Warnings' <<<"$out" ||
	   ! cmp "$1/rsdp.aml" "$f"; then
		echo "$f: iasl builds a different RSDP (bad checksum?):"
		echo "$out" | grep -iE "$complaint"
		cmp -l "$1/rsdp.aml" "$f" | head
		return 1
	fi
	return 0
}

if ! "$BIN" --dump "$tmp" >"$tmp/list"; then
	echo "$tag: FAIL: $BIN --dump failed"
	exit 1
fi

# The checks must be able to fail: a MADT with a zero-length entry, a
# DSDT whose package runs past the end, an RSDP with a wrong checksum.
first=$(sed -n '1s|/[^/]*$||p' "$tmp/list")
mkdir -p "$tmp/broken"
cp "$first/APIC.dat" "$first/DSDT.dat" "$first/RSDP.dat" "$tmp/broken/"
printf '\0' | dd of="$tmp/broken/APIC.dat" bs=1 seek=45 conv=notrunc 2>/dev/null
printf '\x09' | dd of="$tmp/broken/DSDT.dat" bs=1 seek=42 conv=notrunc 2>/dev/null
printf '\x01' | dd of="$tmp/broken/RSDP.dat" bs=1 seek=32 conv=notrunc 2>/dev/null
selftest=0
check_table "$tmp/broken" APIC >/dev/null && selftest=1
check_table "$tmp/broken" DSDT >/dev/null && selftest=1
check_rsdp "$tmp/broken" >/dev/null 2>&1 && selftest=1
if [ "$selftest" -ne 0 ]; then
	echo "$tag: FAIL: a broken table passed the checks"
	exit 1
fi

# The fuzzer's corpus of random configurations (tests/fuzz/fuzz_acpi.c):
# each input's tables, written by the harness itself, go through the same
# checks. Where clang cannot build the harness, say so and check the
# fixed ones only.
fuzzed=0
if make -s BUILD="$BUILD" "$BUILD/fuzz/fuzz_acpi" >/dev/null 2>&1; then
	mkdir -p "$tmp/fuzz"
	HV_ACPI_DUMP=$tmp/fuzz "$BUILD/fuzz/fuzz_acpi" -runs=0 \
		tests/fuzz/corpus/acpi >/dev/null 2>&1
	fuzzed=$(find "$tmp/fuzz" -mindepth 1 -maxdepth 1 -type d | wc -l)
	find "$tmp/fuzz" -name '*.dat' | sort >>"$tmp/list"
else
	echo "$tag: the fuzz harness did not build (make fuzz needs clang): corpus not checked"
fi

pass=0 fail=0
while read -r path; do
	dir=$(dirname "$path")
	sig=$(basename "$path" .dat)
	check=check_table
	[ "$sig" = RSDP ] && check=check_rsdp
	if "$check" "$dir" "$sig"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
	fi
done <"$tmp/list"

echo "$tag: $pass tables passed, $fail failed, from 3 fixed and $fuzzed fuzzed configurations ($(iasl -v 2>&1 | grep -o 'version [0-9]*' | head -1))"
[ "$pass" -gt 0 ] && [ "$fail" -eq 0 ]
