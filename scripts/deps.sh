#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# deps.sh [--check]
#
# Installs the Debian 12 packages hvisor's build and tests need (apt-get,
# as root or through sudo). With --check, installs nothing and exits 0 if
# every package is installed, 1 otherwise, printing nothing.
#
#   build-essential          gcc, make, binutils (the guests are built -m32
#                            freestanding, so no gcc-multilib)
#   gnu-efi                  hvisor.efi
#   libinih-dev libfdt-dev   linked into hvisor and hvctl
#   libcmocka-dev            unit tests
#   grub-pc-bin grub-common  grub-mkrescue and its BIOS (i386-pc) modules
#   xorriso mtools           ISO and FAT images (mkiso.sh, mkesp.sh)
#   ovmf qemu-system-x86     the UEFI path under QEMU, run-qemu-kvm.sh
#   bochs bochsbios vgabios  the integration tests (the one emulator with VMX)
#   bochs-term               only to satisfy bochs' "bochs-wx | bochs-gui"
#                            dependency cheaply: we use the rfb display built
#                            into bochs, and without bochs-term apt would pull
#                            in bochs-wx and wxWidgets/GTK
set -euo pipefail

packages=(
	build-essential
	gnu-efi
	libinih-dev libfdt-dev
	libcmocka-dev libzydis-dev
	acpica-tools		# iasl, for tests/integration/test-acpi-iasl.sh
	grub-pc-bin grub-common
	xorriso mtools
	ovmf qemu-system-x86
	bochs bochsbios vgabios bochs-term
	python3			# scripts/lib/com1-keys.py types on Bochs' COM1
	python3-matplotlib	# scripts/bench-linux.sh's plots
	clang libclang-rt-dev	# make fuzz: libFuzzer harnesses (tests/fuzz)
)

missing() {
	local p
	for p in "${packages[@]}"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed$' || echo "$p"
	done
}

case ${1:-} in
--check)
	[ -z "$(missing)" ]
	exit
	;;
"") ;;
*)
	echo "usage: $0 [--check]" >&2
	exit 2
	;;
esac

if ! command -v apt-get >/dev/null; then
	echo "deps: apt-get not found: install these by hand: ${packages[*]}" >&2
	exit 1
fi

todo=$(missing | tr '\n' ' ')
if [ -z "$todo" ]; then
	echo "deps: all ${#packages[@]} packages are installed"
	exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null ||
		{ echo "deps: not root and no sudo: run this as root" >&2; exit 1; }
	sudo=(sudo)
fi

echo "deps: installing $todo"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
# shellcheck disable=SC2086  # $todo is a list of package names
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	--no-install-recommends $todo

todo=$(missing | tr '\n' ' ')
if [ -n "$todo" ]; then
	echo "deps: still missing after apt-get: $todo" >&2
	exit 1
fi
echo "deps: done"
