#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# mkiso.sh -o OUT.iso -e hvisor.elf [-L DIR]... [-c CMDLINE] FILE.ini
#
# Builds a GRUB (BIOS) ISO that boots hvisor through Multiboot2:
#
#   multiboot2 /boot/hvisor.elf [CMDLINE]
#   module2    /boot/hvisor.ini hvisor.ini
#   module2    /boot/<file>     <NAME>      one per image FILE.ini names
#
# NAME is the image name exactly as the INI spells it (kernel, initrd,
# modules); the file is looked up next to the INI first, then in each -L DIR
# in order (as hvctl does). The list comes from `$BUILD/hvctl images` (BUILD defaults to build;
# HVCTL overrides the tool's path). Without hvctl, or when it rejects the
# INI, a small awk over the kernel/initrd/modules lines is used instead: an
# invalid INI still gives an ISO, so that hvisor itself reports the error at boot.
# Only image files that cannot be found stop the build.
#
# Needs grub-mkrescue (grub-common, grub-pc-bin), xorriso and mtools.
set -euo pipefail
# shellcheck source=lib/images.sh source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib/images.sh"

prog=mkiso
die() { echo "$prog: error: $*" >&2; exit 1; }
say() { echo "$prog: $*"; }
usage() {
	echo "usage: $0 -o OUT.iso -e hvisor.elf [-L DIR]... [-c CMDLINE] FILE.ini" >&2
	exit 2
}

out='' elf='' cmdline=''
libdirs=()
while getopts "o:e:L:c:h" opt; do
	case $opt in
	o) out=$OPTARG ;;
	e) elf=$OPTARG ;;
	L) libdirs+=("$OPTARG") ;;
	c) cmdline=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] || usage
ini=$1
{ [ -n "$out" ] && [ -n "$elf" ]; } || usage
[ -f "$elf" ] || die "hypervisor image '$elf' not found"
[ -f "$ini" ] || die "configuration '$ini' not found"
command -v grub-mkrescue >/dev/null ||
	die "grub-mkrescue not found (run scripts/deps.sh)"

build=${BUILD:-build}
hvctl=${HVCTL:-$build/hvctl}

list_images ISO

stage=$(mktemp -d "${TMPDIR:-/tmp}/mkiso.XXXXXX")
log=$(mktemp "${TMPDIR:-/tmp}/mkiso-log.XXXXXX")
trap 'rm -rf "$stage" "$log"' EXIT
mkdir -p "$stage/boot/grub"

# A module string for grub.cfg. GRUB's parser takes unquoted words made of
# the characters below; anything else is single-quoted. GRUB hands a string
# with blanks, quotes or backslashes to the kernel re-quoted or escaped, so
# hvisor would not find the image by its name: refuse those.
grub_word() {
	case $1 in
	*[[:space:]\'\"\\]*)
		die "image name '$1': GRUB cannot pass blanks, quotes or" \
			"backslashes in a module string; rename the file" ;;
	*[!A-Za-z0-9._/+=:,@-]*) printf "'%s'" "$1" ;;
	*) printf '%s' "$1" ;;
	esac
}

cp "$elf" "$stage/boot/hvisor.elf"
cp "$ini" "$stage/boot/hvisor.ini"
say "/boot/hvisor.elf <- $elf"
say "/boot/hvisor.ini <- $ini (module hvisor.ini)"

modules=
declare -A seen_file=()
add_image() {
	local name=$1 path=$2 file word
	# The ISO file gets a plain name; two names may share a basename, or
	# clash with hvisor's own files.
	file=$(basename "$path")
	file=${file//[!A-Za-z0-9._+-]/_}
	if [ "$file" = hvisor.elf ] || [ "$file" = hvisor.ini ] ||
	   [ -n "${seen_file[$file]:-}" ]; then
		file=$((${#seen_file[@]} + 1))-$file
	fi
	seen_file[$file]=1
	word=$(grub_word "$name") || exit 1
	cp "$path" "$stage/boot/$file"
	say "/boot/$file <- $path (module $name)"
	modules+="	module2 /boot/$file $word"$'\n'
}
each_image add_image

mb_line="multiboot2 /boot/hvisor.elf"
[ -z "$cmdline" ] || mb_line+=" $cmdline"

cat >"$stage/boot/grub/grub.cfg" <<EOF
set timeout=0
set default=0
serial --unit=0 --speed=115200
terminal_input serial console
terminal_output serial console

menuentry "hvisor" {
	echo "grub: loading hvisor"
	$mb_line
	module2 /boot/hvisor.ini hvisor.ini
$modules	boot
}
EOF

mkdir -p "$(dirname "$out")"
say "running grub-mkrescue -> $out"
if ! grub-mkrescue -o "$out" --fonts= --locales= --themes= \
		"$stage" >"$log" 2>&1; then
	cat "$log" >&2
	die "grub-mkrescue failed"
fi
say "wrote $out ($(du -k "$out" | cut -f1) KiB)"
