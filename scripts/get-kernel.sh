#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# get-kernel.sh [-o DIR]
#
# Fetches Debian's stock x86-64 kernel for the Linux guest tests and leaves
# in DIR (default ${BUILD:-build}/linux):
#
#   vmlinuz    the bzImage, as Debian ships it (/boot/vmlinuz-RELEASE)
#   vmlinux    the uncompressed ELF kernel inside it, with its PVH entry
#              note (scripts/extract-vmlinux.sh), without the zero tails
#              of its segments and its symbols (scripts/lib/trim-elf.py)
#   modules/   the virtio modules, the PIIX ATA and SCSI disk drivers (for
#              the bench's bare runs) and what they depend on, laid out as
#              /lib/modules/RELEASE/ is (kernel/..., modules.dep,
#              modules.builtin), ready to be copied there by mkrootfs.sh
#   config     the kernel's .config (/boot/config-RELEASE), for reference
#   System.map /boot/System.map-RELEASE, which Debian leaves a stub; with -s
#              the real one from linux-image-RELEASE-dbg, for
#              scripts/symbolize.sh
#   package    "PACKAGE VERSION" of the Debian package used
#   version    the kernel release (uname -r), e.g. 6.1.0-56-amd64; written
#              last, so it marks a complete DIR
#   cache/     the downloaded .deb
#
# The package is the one the linux-image-amd64 metapackage depends on in
# the host's apt lists (LINUX_IMAGE=linux-image-RELEASE overrides it). If
# DIR/version already names that release, nothing is done. apt-get update
# is run (as root, or through sudo) only when apt does not know the package
# or cannot download it.
#
# The .deb has no modules.dep (Debian's postinst runs depmod): module
# dependencies come from each module's .modinfo "depends=" (readelf), and
# DIR/modules/modules.dep is written for the modules taken, in depmod's
# format. The unpacked package (about 400 MB) is deleted at the end.
#
# Needs apt-get, dpkg-deb, readelf (binutils), xz, python3.
set -euo pipefail

prog=get-kernel
die() { echo "$prog: error: $*" >&2; exit 1; }
say() { echo "$prog: $*"; }
usage() {
	echo "usage: $0 [-o DIR] [-s]" >&2
	exit 2
}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dir=${BUILD:-build}/linux
symbols=0
while getopts "o:sh" opt; do
	case $opt in
	o) dir=$OPTARG ;;
	s) symbols=1 ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || usage

# Wanted modules; those marked ? are taken only if the kernel has them.
modules=(virtio virtio_ring virtio_pci virtio_pci_modern_dev
	virtio_pci_legacy_dev virtio_blk virtio_net net_failover failover
	virtio_console virtio_mmio? ata_piix? sd_mod?)

for t in apt-get apt-cache dpkg-deb readelf; do
	command -v $t >/dev/null || die "$t not found"
done

# shellcheck source=scripts/lib/apt.sh
. "$here/lib/apt.sh"

# The kernel package the metapackage depends on ("linux-image-X-amd64").
resolve() {
	apt-cache show --no-all-versions linux-image-amd64 2>/dev/null |
		sed -n 's/^Depends: *//p' | sed 's/[,|]/\n/g' |
		sed -n 's/^ *\(linux-image-[0-9][^ ]*\).*/\1/p' | head -n 1
}

pkg=${LINUX_IMAGE:-}
if [ -z "$pkg" ]; then
	pkg=$(resolve)
	if [ -z "$pkg" ]; then
		if [ -s "$dir/version" ]; then
			say "apt does not know linux-image-amd64; using the cached" \
				"$(cat "$dir/version") in $dir"
			exit 0
		fi
		apt_update
		pkg=$(resolve)
		[ -n "$pkg" ] ||
			die "cannot resolve linux-image-amd64 to a kernel package"
	fi
fi
case $pkg in
linux-image-*) ;;
*) die "'$pkg' is not a linux-image-* package" ;;
esac
release=${pkg#linux-image-}
release=${release%-unsigned}

# -s: Debian's /boot/System.map is a stub; the real one ships in the -dbg
# package (about 820 MiB). Fetch it once, keep only the map.
fetch_symbols() {
	local dbg=linux-image-$release-dbg tmp
	if ! grep -q 'The real System.map is in' "$dir/System.map" 2>/dev/null &&
	   [ -s "$dir/System.map" ]; then
		say "System.map already has the symbols"
		return 0
	fi
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/$prog-dbg.XXXXXX")
	say "downloading $dbg (large) for its System.map"
	apt_download "$tmp" "$dbg"
	dpkg-deb --fsys-tarfile "$tmp"/"$dbg"_*.deb |
		tar -xO "./usr/lib/debug/boot/System.map-$release" >"$dir/System.map.tmp" ||
		{ rm -rf "$tmp"; die "$dbg has no System.map-$release"; }
	rm -rf "$tmp"
	mv -f "$dir/System.map.tmp" "$dir/System.map"
	say "System.map: $(wc -l <"$dir/System.map") symbols"
}

if [ -s "$dir/version" ] && [ "$(cat "$dir/version")" = "$release" ] &&
   [ -s "$dir/vmlinuz" ] && [ -s "$dir/vmlinux" ] && [ -s "$dir/System.map" ] &&
   [ -s "$dir/modules/modules.dep" ] &&
   [ "$(cat "$dir/modules/wanted" 2>/dev/null)" = "${modules[*]}" ]; then
	say "$release is cached in $dir (rm $dir/version to fetch again)"
	[ $symbols = 0 ] || fetch_symbols
	exit 0
fi

mkdir -p "$dir/cache"
rm -f "$dir/version"

# The .deb: the cached one if its version is the candidate, else download.
want=$(apt-cache policy "$pkg" 2>/dev/null | sed -n 's/^ *Candidate: *//p')
[ "$want" != "(none)" ] || want=''
deb=''
for f in "$dir/cache/${pkg}"_*.deb; do
	[ -f "$f" ] || continue
	if [ -z "$want" ] || [ "$(dpkg-deb -f "$f" Version)" = "$want" ]; then
		deb=$f
	fi
done
if [ -n "$deb" ]; then
	say "using cached $deb"
else
	say "downloading $pkg${want:+ $want}"
	rm -f "$dir/cache/${pkg}"_*.deb
	apt_download "$dir/cache" "$pkg"
	for f in "$dir/cache/${pkg}"_*.deb; do deb=$f; done
	[ -f "$deb" ] || die "apt-get download left no $pkg .deb"
fi
version=$(dpkg-deb -f "$deb" Version)
say "$pkg $version ($(du -k "$deb" | cut -f1) KiB)"

root=$(mktemp -d "$dir/cache/root.XXXXXX")
stage=$(mktemp -d "$dir/modules.XXXXXX")
scratch=$(mktemp -d "${TMPDIR:-/tmp}/$prog.XXXXXX")
trap 'rm -rf "$root" "$stage" "$scratch"' EXIT

say "unpacking $(basename "$deb")"
dpkg-deb -x "$deb" "$root"
moddir=$root/lib/modules/$release
[ -f "$root/boot/vmlinuz-$release" ] ||
	die "$(basename "$deb") has no /boot/vmlinuz-$release"
[ -d "$moddir" ] || die "$(basename "$deb") has no /lib/modules/$release"

cp "$root/boot/vmlinuz-$release" "$dir/vmlinuz.tmp"
mv -f "$dir/vmlinuz.tmp" "$dir/vmlinuz"
say "vmlinuz: $(stat -c %s "$dir/vmlinuz") bytes"
if [ -f "$root/boot/config-$release" ]; then
	cp "$root/boot/config-$release" "$dir/config"
fi
# For scripts/symbolize.sh: the test kernel runs with nokaslr.
[ -f "$root/boot/System.map-$release" ] ||
	die "$(basename "$deb") has no /boot/System.map-$release"
cp "$root/boot/System.map-$release" "$dir/System.map"

"$here/extract-vmlinux.sh" "$dir/vmlinuz" "$dir/vmlinux.full"
# The same memory image from half the file: less for GRUB to read in Bochs.
python3 "$here/lib/trim-elf.py" "$dir/vmlinux.full" "$dir/vmlinux"
rm -f "$dir/vmlinux.full"

# Modules: name (with '-' read as '_', as the kernel does) -> path relative
# to $moddir.
declare -A path=() deps=() builtin=()
while IFS= read -r f; do
	n=${f##*/}
	n=${n%%.ko*}
	path[${n//-/_}]=$f
done < <(cd "$moddir" && find kernel -name '*.ko' -o -name '*.ko.*' | LC_ALL=C sort)
if [ -f "$moddir/modules.builtin" ]; then
	while IFS= read -r f; do
		n=${f##*/}
		n=${n%%.ko*}
		builtin[${n//-/_}]=1
	done <"$moddir/modules.builtin"
fi

# The "depends=" entry of a module's .modinfo, as a blank-separated list.
modinfo_depends() {
	local f=$moddir/$1 ko=$scratch/mod.ko
	case $f in
	*.ko)     ko=$f ;;
	*.ko.xz)  xz -dc "$f" >"$ko" ;;
	*.ko.zst) zstd -dcq "$f" >"$ko" ;;
	*.ko.gz)  gzip -dc "$f" >"$ko" ;;
	*) die "$1: unknown module compression" ;;
	esac
	LC_ALL=C readelf -p .modinfo "$ko" |
		sed -n 's/^ *\[ *[0-9a-f]*\] *depends=//p' | tr ',-' ' _'
}

# Post-order walk: $order lists each module after everything it needs.
order=()
declare -A state=()
visit() {
	local n=$1 d
	case ${state[$n]:-} in
	done) return ;;
	busy) die "module dependency loop at $n" ;;
	esac
	state[$n]='busy'
	deps[$n]=$(modinfo_depends "${path[$n]}")
	for d in ${deps[$n]}; do
		[ -n "${path[$d]:-}" ] ||
			die "$n needs $d, which is not in $(basename "$deb")"
		visit "$d"
	done
	state[$n]='done'
	order+=("$n")
}

for m in "${modules[@]}"; do
	n=${m%\?}
	if [ -n "${path[$n]:-}" ]; then
		visit "$n"
	elif [ -n "${builtin[$n]:-}" ]; then
		say "module $n is built into the kernel"
	elif [ "$n" != "$m" ]; then
		say "module $n is not in this kernel: skipped"
	else
		die "module $n is neither in $(basename "$deb") nor built in"
	fi
done

# The transitive dependencies of a module, in modules.dep order: a module
# comes before those it needs, so that modprobe loads from the end.
closure() {
	local n=$1 i
	declare -A need=()
	need_add() {
		local d
		for d in ${deps[$1]}; do
			[ -n "${need[$d]:-}" ] && continue
			need[$d]=1
			need_add "$d"
		done
	}
	need_add "$n"
	for ((i = ${#order[@]} - 1; i >= 0; i--)); do
		[ -n "${need[${order[$i]}]:-}" ] && printf ' %s' "${path[${order[$i]}]}"
	done
	return 0
}

for n in "${order[@]}"; do
	mkdir -p "$stage/$(dirname "${path[$n]}")"
	cp "$moddir/${path[$n]}" "$stage/${path[$n]}"
	echo "${path[$n]}:$(closure "$n")" >>"$stage/modules.dep"
	say "module $n${deps[$n]:+ (needs ${deps[$n]// /, })}"
done
[ ! -f "$moddir/modules.builtin" ] || cp "$moddir/modules.builtin" "$stage/"
# The list asked for: a cached DIR with another list is fetched again.
echo "${modules[*]}" >"$stage/wanted"
chmod -R u=rwX,go=rX "$stage"
rm -rf "$dir/modules"
mv "$stage" "$dir/modules"

echo "$pkg $version" >"$dir/package"
echo "$release" >"$dir/version.tmp"
mv -f "$dir/version.tmp" "$dir/version"
say "$release ready in $dir (${#order[@]} modules)"
[ $symbols = 0 ] || fetch_symbols
