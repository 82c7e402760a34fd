#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# mkesp.sh -o OUT.img -e hvisor.efi [-L DIR]... FILE.ini
#
# Builds a FAT32 image (no partition table, which OVMF mounts as a whole
# volume) that boots hvisor.efi through the firmware's removable-media path:
#
#   /EFI/BOOT/BOOTX64.EFI   <- hvisor.efi
#   /hvisor.ini             <- FILE.ini
#   /<NAME>                 one per image FILE.ini names, at the path the INI
#                           spells ("guests/x.elf" -> /guests/x.elf)
#
# Image files resolve against FILE.ini's folder first, then each -L DIR in
# order. The list comes from `hvctl images` (HVCTL overrides the tool's path;
# else $BUILD/hvctl, else hvctl next to hvisor.efi). Without hvctl, or when it
# rejects the INI, an awk over the kernel/initrd/modules lines of [guest ...]
# sections is used instead: an invalid INI still gives an image, so that
# hvisor itself reports the error at boot. Only image files that cannot be
# found stop the build.
#
# FAT32 because mformat needs >= 33 MiB for it and the images (a Linux
# kernel and initrd) outgrow FAT16 sizes anyway; the file is sparse, so the
# 64 MiB minimum costs nothing. Needs mtools.
set -euo pipefail
# shellcheck source=lib/images.sh source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib/images.sh"

prog=mkesp
die() { echo "$prog: error: $*" >&2; exit 1; }
say() { echo "$prog: $*"; }
usage() {
	echo "usage: $0 -o OUT.img -e hvisor.efi [-L DIR]... FILE.ini" >&2
	exit 2
}

out='' efi=''
libdirs=()
while getopts "o:e:L:h" opt; do
	case $opt in
	o) out=$OPTARG ;;
	e) efi=$OPTARG ;;
	L) libdirs+=("$OPTARG") ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] || usage
ini=$1
if [ -z "$out" ] || [ -z "$efi" ]; then usage; fi
[ -f "$efi" ] || die "hypervisor image '$efi' not found"
[ -f "$ini" ] || die "configuration '$ini' not found"
for t in mformat mmd mcopy mdir; do
	command -v $t >/dev/null || die "$t not found (install mtools)"
done

if [ -n "${HVCTL:-}" ]; then
	hvctl=$HVCTL
elif [ -n "${BUILD:-}" ]; then
	hvctl=$BUILD/hvctl
else
	hvctl=$(dirname "$efi")/hvctl
fi

list_images ESP

# The ESP path of an INI name, as hvisor.efi builds it (efi_esp_path()):
# no leading slash, runs of slashes collapsed.
esp_path() {
	local p=$1
	p=${p//\\//}
	while [[ $p == *//* ]]; do
		p=${p//\/\///}
	done
	p=${p#/}
	p=${p%/}
	printf '%s' "$p"
}

names=() paths=() esps=()
declare -A seen_esp=()
total=$(( $(stat -c %s "$efi") + $(stat -c %s "$ini") ))
add_image() {
	local name=$1 path=$2 esp lower
	esp=$(esp_path "$name")
	case /$esp/ in
	*/../* | */./* | //) die "image name '$name' cannot be placed on the ESP" ;;
	esac
	lower=${esp,,}	# FAT names compare without case
	if [ "$lower" = hvisor.ini ] || [ "$lower" = efi/boot/bootx64.efi ]; then
		die "image name '$name' clashes with hvisor's own files"
	fi
	if [ -n "${seen_esp[$lower]:-}" ]; then
		[ "${seen_esp[$lower]}" -ef "$path" ] ||
			die "two images map to /$esp on the ESP"
		return 0
	fi
	seen_esp[$lower]=$path
	names+=("$name") paths+=("$path") esps+=("$esp")
	total=$((total + $(stat -L -c %s "$path")))
}
each_image add_image

# Room for the files, FAT32's tables and slack; at least 64 MiB.
mib=$(( (total * 5 / 4 + (1 << 20) - 1) / (1 << 20) + 8 ))
[ $mib -ge 64 ] || mib=64

mkdir -p "$(dirname "$out")"
tmp=$out.tmp.$$
trap 'rm -f "$tmp"' EXIT
rm -f "$tmp"
truncate -s ${mib}M "$tmp"
export MTOOLS_SKIP_CHECK=1
say "formatting $out: FAT32, $mib MiB"
mformat -i "$tmp" -F -T $((mib * 2048)) -v HVISOR :: </dev/null

declare -A made=()
mkdir_esp() {
	local dir=$1 part acc=
	local IFS=/
	for part in $dir; do
		acc=${acc:+$acc/}$part
		if [ -z "${made[${acc,,}]:-}" ]; then
			mmd -i "$tmp" "::/$acc" </dev/null
			made[${acc,,}]=1
		fi
	done
}

put() {
	local src=$1 dst=$2
	case $dst in
	*/*) mkdir_esp "${dst%/*}" ;;
	esac
	mcopy -i "$tmp" -D o "$src" "::/$dst" </dev/null
	say "/$dst <- $src ($(stat -L -c %s "$src") bytes)"
}

put "$efi" EFI/BOOT/BOOTX64.EFI
put "$ini" hvisor.ini
for i in "${!names[@]}"; do
	put "${paths[$i]}" "${esps[$i]}"
done

mv -f "$tmp" "$out"
trap - EXIT
say "wrote $out ($(du -k "$out" | cut -f1) KiB used of $mib MiB)"
