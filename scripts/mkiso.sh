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
# NAME is the image name exactly as the INI spells it (kernel = / initrd =);
# the file is looked up next to the INI first, then in each -L DIR in order
# (as hvctl does). The list comes from `$BUILD/hvctl images` (BUILD defaults to build;
# HVCTL overrides the tool's path). Without hvctl, or when it rejects the
# INI, a small awk over the kernel/initrd lines is used instead: an invalid
# INI still gives an ISO, so that hvisor itself reports the error at boot.
# Only image files that cannot be found stop the build.
#
# Needs grub-mkrescue (grub-common, grub-pc-bin), xorriso and mtools.
set -euo pipefail

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
ini_dir=$(dirname "$ini")

# Print "NAME<TAB>PATH" for each image the INI names (PATH empty when not
# found): the fallback for when hvctl cannot list them.
list_images_awk() {
	# kernel/initrd lines of [guest ...] sections, as hvisor.ini's syntax
	# has them: "key = value" (or "key: value"), " ; comment" after a value,
	# whole-line comments starting with # or ;.
	awk '
		/^[ \t]*[;#]/ { next }
		/^[ \t]*\[/ {
			s = $0
			sub(/^[ \t]*\[/, "", s)
			guest = (tolower(s) ~ /^guest([ \t]|\]|$)/)
			next
		}
		guest && tolower($0) ~ /^[ \t]*(kernel|initrd)[ \t]*[=:]/ {
			v = $0
			sub(/^[^=:]*[=:]/, "", v)
			sub(/[ \t];.*$/, "", v)
			sub(/^[ \t]+/, "", v)
			sub(/[ \t\r]+$/, "", v)
			if (v != "")
				print v
		}' "$ini" | while IFS= read -r name; do
		# Like hvctl: next to the INI first, then each -L DIR.
		path=
		for d in "$ini_dir" "${libdirs[@]}"; do
			case $name in
			/*) f=$name ;;
			*) f=$d/$name ;;
			esac
			if [ -f "$f" ]; then
				path=$f
				break
			fi
		done
		printf '%s\t%s\n' "$name" "$path"
	done
}

list=
if [ -x "$hvctl" ]; then
	ldargs=()
	for d in "${libdirs[@]}"; do
		ldargs+=(-L "$d")
	done
	rc=0
	list=$("$hvctl" images "${ldargs[@]}" "$ini") || rc=$?
	case $rc in
	0) say "images from '$hvctl images'" ;;
	1) say "warning: $hvctl says $ini is invalid; building the ISO" \
		"anyway so that hvisor reports it at boot"
	   list=$(list_images_awk) ;;
	*) say "warning: '$hvctl images' failed (exit $rc); listing images" \
		"with awk instead"
	   list=$(list_images_awk) ;;
	esac
else
	say "note: $hvctl not built; listing images with awk"
	list=$(list_images_awk)
fi

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
missing=()
declare -A seen_name=() seen_file=()
while IFS=$'\t' read -r name path; do
	[ -n "$name" ] || continue
	[ -z "${seen_name[$name]:-}" ] || continue
	seen_name[$name]=1
	if [ -z "$path" ] || [ ! -f "$path" ]; then
		missing+=("$name")
		continue
	fi
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
done <<<"$list"

if [ ${#missing[@]} -gt 0 ]; then
	echo "$prog: error: image(s) named in $ini not found in" \
		"$ini_dir ${libdirs[*]:-}:" >&2
	for m in "${missing[@]}"; do
		echo "$prog:   $m" >&2
	done
	exit 1
fi

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
