# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# apt.sh: fetching Debian packages without installing them, for
# scripts/get-kernel.sh and scripts/mkrootfs.sh. Sourced; the caller
# defines die and say.
#
#   as_root CMD...            CMD as root, or through sudo
#   apt_update                apt-get update, at most once per run
#   apt_download DEST PKG...  the .debs of PKG... into DEST; apt-get update
#                             and one retry when the first try fails

as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif command -v sudo >/dev/null; then
		sudo "$@"
	else
		die "not root and no sudo: cannot run '$*'"
	fi
}

apt_updated=0
apt_update() {
	[ $apt_updated = 0 ] || return 0
	say "running apt-get update"
	as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q ||
		die "apt-get update failed"
	apt_updated=1
}

# apt-get download writes into the current directory: it runs in a scratch
# one that apt's unprivileged _apt user may write to.
apt_download() {
	local dest=$1 dl
	shift
	dl=$(mktemp -d "$dest/dl.XXXXXX")
	chmod 0777 "$dl"
	if ! (cd "$dl" && apt-get download -q "$@" 2>&1 |
			grep -v 'unsandboxed as root'; exit "${PIPESTATUS[0]}"); then
		apt_update
		(cd "$dl" && apt-get download -q "$@") ||
			{ rm -rf "$dl"; die "apt-get download $* failed"; }
	fi
	mv -f "$dl"/*.deb "$dest/"
	rm -rf "$dl"
}
