#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# extract-vmlinux.sh BZIMAGE OUT
#
# Writes OUT, the uncompressed ELF kernel (vmlinux) that a bzImage carries,
# and checks that it can be booted through PVH.
#
# The payload is looked for first where the bzImage's setup header says it
# is (boot protocol >= 2.08: payload_offset at 0x248 and payload_length at
# 0x24c, counted from the start of the protected-mode code, which follows
# the (setup_sects + 1) * 512 bytes of real-mode setup), then at every
# occurrence of a compressor's magic in the file, in this order:
#
#   xz    FD 37 7A 58 5A 00   (Debian's kernels)
#   gzip  1F 8B 08
#   zstd  28 B5 2F FD
#
# Each candidate is decompressed (trailing bytes after the stream, such as
# the 4-byte size the kernel build appends or an Authenticode signature,
# are ignored); the first one that gives an ELF file (7F 45 4C 46) wins.
#
# OUT must then have a Xen ELF note of type 0x12 (XEN_ELFNOTE_PHYS32_ENTRY,
# the 32-bit PVH entry point that QEMU and hvisor use to boot an ELF kernel
# directly); its address is printed. Without it the script fails, but OUT
# is left in place.
#
# Needs xz, gzip and zstd (only for the format found), od, grep and
# readelf (binutils).
set -euo pipefail

prog=extract-vmlinux
die() { echo "$prog: error: $*" >&2; exit 1; }
say() { echo "$prog: $*"; }
usage() {
	echo "usage: $0 BZIMAGE OUT" >&2
	exit 2
}

[ $# -eq 2 ] || usage
case $1 in -*) usage ;; esac
img=$1 out=$2
[ -f "$img" ] || die "'$img' not found"
command -v readelf >/dev/null || die "readelf not found (binutils)"

tmp=$(mktemp "${TMPDIR:-/tmp}/$prog.XXXXXX")
trap 'rm -f "$tmp"' EXIT

# u8/u16/u32 FILE OFFSET: an unsigned little-endian integer.
uint() { od -An -v -t "u$1" -j "$3" -N "$1" --endian=little "$2" | tr -d ' '; }

is_elf() { [ "$(od -An -v -t x1 -N 4 "$1" | tr -d " ")" = 7f454c46 ]; }

# decomp FORMAT: decompresses the first stream on stdin to stdout. The exit
# status is not looked at (gzip and zstd complain about trailing data even
# when the stream itself was fine): the caller checks for an ELF header.
decomp() {
	case $1 in
	xz)   xz -dc --single-stream 2>/dev/null ;;
	gzip) gzip -dc 2>/dev/null ;;
	zstd) zstd -dcq 2>/dev/null ;;
	esac
}

# try FORMAT OFFSET [LENGTH]: decompresses from OFFSET (to OFFSET + LENGTH)
# into OUT; true if that gave an ELF file.
try() {
	local fmt=$1 off=$2 len=${3:-} ok=0
	command -v "$fmt" >/dev/null || {
		say "$fmt payload at $off, but no $fmt to decompress it"
		return 1
	}
	if [ -n "$len" ]; then
		tail -c +"$((off + 1))" "$img" | head -c "$len" | decomp "$fmt" >"$tmp" || true
	else
		tail -c +"$((off + 1))" "$img" | decomp "$fmt" >"$tmp" || true
	fi
	[ -s "$tmp" ] && is_elf "$tmp" && ok=1
	if [ $ok = 1 ]; then
		say "$fmt payload at offset $off ($(stat -c %s "$tmp") bytes uncompressed): ELF"
		return 0
	fi
	say "$fmt magic at offset $off: not an ELF payload, skipped"
	return 1
}

# The format of the data at OFFSET, from its magic; empty if none.
magic_at() {
	local m
	m=$(od -An -v -t x1 -j "$1" -N 6 "$img" | tr -d ' \n')
	case $m in
	fd377a585a00) echo xz ;;
	1f8b08*)      echo gzip ;;
	28b52ffd*)    echo zstd ;;
	esac
}

found=0

# 1. Where the setup header says ("HdrS" at 0x202, version at 0x206).
if [ "$(od -An -v -c -j 514 -N 4 "$img" | tr -d ' ')" = HdrS ] &&
   [ "$(uint 2 "$img" 518)" -ge $((0x208)) ]; then
	setup_sects=$(uint 1 "$img" $((0x1f1)))
	[ "$setup_sects" -ne 0 ] || setup_sects=4
	poff=$(( (setup_sects + 1) * 512 + $(uint 4 "$img" $((0x248))) ))
	plen=$(uint 4 "$img" $((0x24c)))
	fmt=$(magic_at "$poff")
	say "bzImage protocol $(printf '%x' "$(uint 2 "$img" 518)"):" \
		"payload at $poff, $plen bytes, format ${fmt:-unknown}"
	if [ -n "$fmt" ] && try "$fmt" "$poff" "$plen"; then
		found=1
	fi
else
	say "no bzImage setup header (>= 2.08) in $img: scanning for magics"
fi

# 2. Every occurrence of each magic, in file order per format.
if [ $found = 0 ]; then
	for fmt in xz gzip zstd; do
		case $fmt in
		xz)   pat='\xfd7zXZ\x00' ;;
		gzip) pat='\x1f\x8b\x08' ;;
		zstd) pat='\x28\xb5\x2f\xfd' ;;
		esac
		while read -r off; do
			if try "$fmt" "$off"; then
				found=1
				break
			fi
		done < <(LC_ALL=C grep -obUaP "$pat" "$img" | cut -d: -f1)
		[ $found = 0 ] || break
	done
fi
[ $found = 1 ] || die "no compressed ELF kernel found in $img"

mkdir -p "$(dirname "$out")"
mv -f "$tmp" "$out"
chmod 0644 "$out"
say "wrote $out ($(stat -c %s "$out") bytes)"

# The PVH entry: a note owned by "Xen" of type 0x12 whose descriptor is the
# 32-bit physical entry address (stored in 4 or 8 bytes, little-endian).
# binutils 2.40 prints the type as "Unknown note type: (0x00000012)" and,
# with -W, the descriptor on the same line as "description data: xx xx ..."
# (older versions put it on the next line: both are accepted).
entry=$(LC_ALL=C readelf -W -n "$out" | awk '
	function addr(line,    b, n, i, v) {
		sub(/.*description data:[[:space:]]*/, "", line)
		n = split(line, b, " ")
		v = ""
		for (i = (n > 4 ? 4 : n); i >= 1; i--) v = v b[i]
		print "0x" v
		exit
	}
	$1 == "Xen" && /\(0x0*12\)/ {
		if (/description data:/) addr($0)
		want = 1
		next
	}
	want && /description data:/ { addr($0) }
	{ want = 0 }')
[ -n "$entry" ] ||
	die "$out has no Xen PVH note (XEN_ELFNOTE_PHYS32_ENTRY, type 0x12)"
say "PVH entry (XEN_ELFNOTE_PHYS32_ENTRY) at $entry"
