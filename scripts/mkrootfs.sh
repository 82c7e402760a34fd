#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# mkrootfs.sh [-k KERNELDIR] [-c HVCTL] [-o OUT]
#
# Builds the Linux guest's initramfs, a gzip'd newc cpio archive, from
# Debian packages and the kernel that scripts/get-kernel.sh left in
# KERNELDIR (default ${BUILD:-build}/linux; OUT defaults to
# KERNELDIR/rootfs.cpio.gz):
#
#   /init                       scripts/rootfs/init (the hvtest= checks)
#   /bin/busybox                from busybox-static, with a symlink for
#                               each applet where `busybox --list-full`
#                               puts it
#   /usr/bin/wakelat            scripts/rootfs/wakelat.c, built static here
#                               (the overcommit check's sleepers and hogs)
#   /usr/bin/blkread            scripts/rootfs/blkread.c, built static here
#                               (the bench's disk read)
#   /usr/bin/vmcall             scripts/rootfs/vmcall.c, built static here
#                               (VMCALL from user space must be #UD)
#   /usr/bin/hvctl              HVCTL, a static build of hvctl (make's
#                               $BUILD/hvctl-static), when -c names it
#   /usr/bin/sysbench           from sysbench, and /usr/bin/cyclictest
#                               from rt-tests, with the shared libraries
#                               they need (/lib/x86_64-linux-gnu) and their
#                               dynamic loader (/lib64)
#   /lib/modules/RELEASE/       KERNELDIR/modules (the virtio modules)
#   /dev /proc /sys /tmp ...    empty mount points
#
# The packages and everything they depend on (the first alternative of
# each "a | b") are fetched with apt-get download into KERNELDIR/cache/debs
# and unpacked in a scratch directory: nothing is installed on the host
# (GNU cpio, for --reproducible, is taken from Debian's cpio package the
# same way). The shared libraries are those the unpacked dynamic loader
# resolves for sysbench and cyclictest inside the unpacked packages; one found elsewhere
# stops the build. apt-get update is run (as root, or through sudo) only
# when apt does not know a package or cannot download it.
#
# The archive is reproducible: every file dated SOURCE_DATE_EPOCH (default
# 0), owned by 0:0, listed in C-locale order, written with cpio
# --reproducible and gzip -n. OUT is rebuilt only when its inputs changed:
# OUT.stamp holds a hash of this script, the init, the kernel release and
# its modules, the package versions and the date.
#
# Needs apt-get, apt-cache, dpkg-deb, readelf, gzip, sha256sum, gcc (static libc).
set -euo pipefail

prog=mkrootfs
die() { echo "$prog: error: $*" >&2; exit 1; }
say() { echo "$prog: $*"; }
usage() {
	echo "usage: $0 [-k KERNELDIR] [-c HVCTL] [-o OUT]" >&2
	exit 2
}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
kdir=${BUILD:-build}/linux
out=''
hvctl=''
while getopts "k:c:o:h" opt; do
	case $opt in
	k) kdir=$OPTARG ;;
	c) hvctl=$OPTARG ;;
	o) out=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || usage
[ -n "$out" ] || out=$kdir/rootfs.cpio.gz
[ -z "$hvctl" ] || [ -x "$hvctl" ] || die "-c $hvctl: no such program"
init=$here/rootfs/init
wakelat_c=$here/rootfs/wakelat.c
blkread_c=$here/rootfs/blkread.c
vmcall_c=$here/rootfs/vmcall.c
epoch=${SOURCE_DATE_EPOCH:-0}
umask 022

for t in apt-get apt-cache dpkg-deb readelf gzip sha256sum gcc; do
	command -v $t >/dev/null || die "$t not found"
done
[ -f "$init" ] || die "$init not found"
[ -s "$kdir/version" ] ||
	die "no kernel in $kdir (run scripts/get-kernel.sh -o $kdir)"
release=$(cat "$kdir/version")
[ -s "$kdir/modules/modules.dep" ] ||
	die "$kdir/modules/modules.dep missing (run scripts/get-kernel.sh)"

roots=(busybox-static sysbench rt-tests cpio)

# shellcheck source=scripts/lib/apt.sh
. "$here/lib/apt.sh"

# "PACKAGE VERSION" for every package the roots need, the roots included,
# sorted. Of the alternatives "a | b" the first real package is taken.
resolve() {
	apt-cache depends --recurse --no-recommends --no-suggests \
		--no-conflicts --no-breaks --no-replaces --no-enhances \
		"${roots[@]}" 2>/dev/null |
	awk -v roots="${roots[*]}" '
		/^[^ ]/ { cur = $1; next }
		/^ [ |](Pre)?Depends: / {
			if (!group) chosen = ""
			if (chosen == "" && $2 !~ /^</) chosen = $2
			group = (substr($0, 2, 1) == "|")
			if (!group && chosen != "") dep[cur] = dep[cur] " " chosen
			next
		}
		END {
			n = split(roots, q, " ")
			for (i = 1; i <= n; i++) seen[q[i]] = 1
			for (i = 1; i <= n; i++) {
				m = split(dep[q[i]], d, " ")
				for (j = 1; j <= m; j++)
					if (!seen[d[j]]) { seen[d[j]] = 1; q[++n] = d[j] }
			}
			for (i = 1; i <= n; i++) print q[i]
		}' | LC_ALL=C sort -u
}
pkgs=$(resolve)
if ! grep -qx sysbench <<<"$pkgs" || ! grep -qx rt-tests <<<"$pkgs"; then
	apt_update
	pkgs=$(resolve)
	grep -qx sysbench <<<"$pkgs" && grep -qx rt-tests <<<"$pkgs" ||
		die "apt does not know sysbench, rt-tests or busybox-static"
fi
# shellcheck disable=SC2086  # $pkgs is a list of package names
versions=$(apt-cache show --no-all-versions $pkgs |
	awk '/^Package:/ { p = $2 } /^Version:/ { print p, $2 }' | LC_ALL=C sort -u)
[ "$(echo "$versions" | wc -l)" -eq "$(echo "$pkgs" | wc -l)" ] ||
	die "apt-cache show gave no single version for each of: $pkgs"

version_of() { awk -v p="$1" '$1 == p { print $2 }' <<<"$versions"; }

stamp=$( {
	sha256sum <"${BASH_SOURCE[0]}"
	sha256sum <"$init"
	sha256sum <"$wakelat_c"
	sha256sum <"$blkread_c"
	sha256sum <"$vmcall_c"
	[ -z "$hvctl" ] || sha256sum <"$hvctl"
	gcc --version | head -n 1
	echo "$release"
	(cd "$kdir/modules" && find . -type f | LC_ALL=C sort | xargs sha256sum)
	echo "$versions"
	echo "epoch $epoch"
} | sha256sum | cut -d' ' -f1)
if [ -f "$out" ] && [ -f "$out.stamp" ] && [ "$(cat "$out.stamp")" = "$stamp" ]; then
	say "$out is up to date ($(stat -c %s "$out") bytes, cached)"
	exit 0
fi

# The .debs, downloaded once into the cache. apt names them
# PACKAGE_VERSION_ARCH.deb, with the epoch's ':' written as %3a.
debs=$kdir/cache/debs
mkdir -p "$debs"
missing=()
while read -r p v; do
	set -- "$debs/${p}_${v//:/%3a}_"*.deb
	[ -f "$1" ] || missing+=("$p=$v")
done <<<"$versions"
if [ ${#missing[@]} -gt 0 ]; then
	say "downloading ${#missing[@]} packages: ${missing[*]}"
	apt_download "$debs" "${missing[@]}"
fi

scratch=$(mktemp -d "${TMPDIR:-/tmp}/$prog.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
sys=$scratch/sysroot
stage=$scratch/stage
mkdir -p "$sys" "$stage"

say "unpacking $(echo "$versions" | wc -l) packages"
while read -r p v; do
	for f in "$debs/${p}_${v//:/%3a}_"*.deb; do
		dpkg-deb -x "$f" "$sys"
	done
done <<<"$versions"

multiarch=x86_64-linux-gnu
ldso=$sys/lib/$multiarch/ld-linux-x86-64.so.2
libpath=$sys/lib/$multiarch:$sys/usr/lib/$multiarch
bb=$sys/bin/busybox
cpio=$sys/bin/cpio
for f in "$ldso" "$bb" "$cpio" "$sys/usr/bin/sysbench" "$sys/usr/bin/cyclictest"; do
	[ -x "$f" ] || die "${f#"$sys"} not found in the packages"
done
readelf -l "$bb" | grep -q 'Requesting program interpreter' &&
	die "busybox from busybox-static is not static"

# Directories and /init.
mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,lib/$multiarch,lib64,etc,root} \
	"$stage"/{dev,proc,sys,tmp,run,mnt,var}
chmod 1777 "$stage/tmp"
chmod 0700 "$stage/root"
install -m 0755 "$init" "$stage/init"
echo "root:x:0:0:root:/root:/bin/sh" >"$stage/etc/passwd"
echo "root:x:0:" >"$stage/etc/group"

# busybox and its applets.
install -m 0755 "$bb" "$stage/bin/busybox"
n=0
for a in $("$bb" --list-full | LC_ALL=C sort); do
	case $a in
	bin/busybox|linuxrc|*/init) continue ;;
	esac
	[ -e "$stage/$a" ] || [ -L "$stage/$a" ] && continue
	mkdir -p "$stage/$(dirname "$a")"
	ln -s /bin/busybox "$stage/$a"
	n=$((n + 1))
done
say "busybox $(version_of busybox-static): $n applets"

# wakelat, static: no libraries to stage.
gcc -static -O2 -pthread -o "$stage/usr/bin/wakelat" "$wakelat_c" ||
	die "building wakelat failed (gcc and libc6-dev are needed)"
say "wakelat: $(stat -c %s "$stage/usr/bin/wakelat") bytes, static"
gcc -static -O2 -o "$stage/usr/bin/blkread" "$blkread_c" ||
	die "building blkread failed (gcc and libc6-dev are needed)"
gcc -static -O2 -o "$stage/usr/bin/vmcall" "$vmcall_c" ||
	die "building vmcall failed (gcc and libc6-dev are needed)"
if [ -n "$hvctl" ]; then
	install -m 0755 "$hvctl" "$stage/usr/bin/hvctl"
	say "hvctl: $(stat -c %s "$stage/usr/bin/hvctl") bytes, static"
fi

# A dynamic program from the packages, its libraries and the loader it names.
stage_program() {
	local bin=$1 name interp soname arrow lib
	name=$(basename "$bin")
	install -m 0755 "$sys$bin" "$stage$bin"
	interp=$(readelf -l "$sys$bin" |
		sed -n 's/.*Requesting program interpreter: \(.*\)\]/\1/p')
	[ -n "$interp" ] || die "$name has no program interpreter"
	mkdir -p "$stage/$(dirname "$interp")"
	install -m 0755 "$ldso" "$stage$interp"
	while read -r soname arrow lib _; do
		[ "$arrow" = "=>" ] || continue
		case $lib in
		"$sys"/*) ;;
		*) die "$name's $soname resolved outside the packages: $lib" ;;
		esac
		case $soname in
		/*|"$(basename "$interp")") continue ;;	# the loader itself
		esac
		[ -e "$stage/lib/$multiarch/$soname" ] && continue
		install -m 0644 "$(readlink -f "$lib")" "$stage/lib/$multiarch/$soname"
		say "  $soname <- ${lib#"$sys"}"
	done < <("$ldso" --inhibit-cache --library-path "$libpath" --list \
		"$sys$bin")
	# The loader must resolve everything with what is staged.
	if "$ldso" --inhibit-cache --library-path "$stage/lib/$multiarch" \
			--list "$sys$bin" | grep -q 'not found'; then
		die "$name has unresolved libraries"
	fi
	say "$name: $(find "$stage/lib/$multiarch" -type f | wc -l) libraries" \
		"staged so far, loader $interp"
}
stage_program /usr/bin/sysbench
say "sysbench $(version_of sysbench)"
stage_program /usr/bin/cyclictest
say "cyclictest from rt-tests $(version_of rt-tests)"

# Kernel modules.
mkdir -p "$stage/lib/modules/$release"
cp -R "$kdir/modules/." "$stage/lib/modules/$release/"
chmod -R u=rwX,go=rX "$stage/lib/modules"
say "modules for $release: $(grep -c . "$kdir/modules/modules.dep")"

# The archive.
find "$stage" -exec touch -h -d "@$epoch" {} +
mkdir -p "$(dirname "$out")"
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort |
	"$cpio" -o -H newc --reproducible -R 0:0 --quiet) |
	gzip -9 -n >"$out.tmp"
mv -f "$out.tmp" "$out"
echo "$stamp" >"$out.stamp"
say "wrote $out ($(stat -c %s "$out") bytes," \
	"$(( ($(stat -c %s "$out") + 1023) / 1024 )) KiB," \
	"$(find "$stage" -mindepth 1 | wc -l) entries, sha256" \
	"$(sha256sum "$out" | cut -c1-16))"
