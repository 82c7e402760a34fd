#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# run-qemu-kvm.sh [-c CPUS] [-m MEM_MB] [-t TIMEOUT_S] [-l LOGDIR] [ESP.img]
#
# Boots hvisor.efi from a FAT image (default ${BUILD:-build}/esp.img, made by
# `make esp`) with OVMF under QEMU with KVM and the host CPU model, so hvisor
# runs on real VMX through nested virtualization. For machines whose KVM
# exposes VMX to guests (Intel host with kvm_intel nested=1, or bare metal
# with QEMU as the firmware loader). It is not part of `make test`: the
# machines the tests run on have no VMX.
#
# Needs /dev/kvm and a "vmx" flag in /proc/cpuinfo; without them it says so
# and exits 2. Otherwise, like run-bochs.sh, it streams COM1 (hvisor's
# serial console) live, logs port 0xE9 to LOGDIR/e9.log, and exits with the
# N of the last "HVISOR EXIT N" line, 124 on timeout, 125 without such a
# line. Defaults: 2 CPUs, 1024 MB, 300 s, LOGDIR ${BUILD:-build}/qemu-<pid>.
set -euo pipefail

prog=run-qemu-kvm
die() { echo "$prog: error: $*" >&2; exit 2; }
usage() {
	echo "usage: $0 [-c CPUS] [-m MEM_MB] [-t TIMEOUT_S] [-l LOGDIR]" \
		"[ESP.img]" >&2
	exit 2
}

cpus=2 mem=1024 tmo=300 logdir=
while getopts "c:m:t:l:h" opt; do
	case $opt in
	c) cpus=$OPTARG ;;
	m) mem=$OPTARG ;;
	t) tmo=$OPTARG ;;
	l) logdir=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -le 1 ] || usage
esp=${1:-${BUILD:-build}/esp.img}
for v in "$cpus" "$mem" "$tmo"; do
	[[ $v =~ ^[1-9][0-9]*$ ]] || die "'$v' is not a positive number"
done

if [ ! -e /dev/kvm ]; then
	echo "$prog: /dev/kvm does not exist: this machine cannot run hvisor" \
		"under KVM (use scripts/run-bochs.sh)" >&2
	exit 2
fi
if ! grep -qw vmx /proc/cpuinfo; then
	echo "$prog: this CPU has no VMX (no 'vmx' flag in /proc/cpuinfo):" \
		"hvisor cannot run under KVM here (use scripts/run-bochs.sh)" >&2
	exit 2
fi
if [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
	die "no read/write access to /dev/kvm (join the kvm group)"
fi
command -v qemu-system-x86_64 >/dev/null ||
	die "qemu-system-x86_64 not found (run scripts/deps.sh)"
ovmf=/usr/share/ovmf/OVMF.fd
[ -f "$ovmf" ] || die "$ovmf not found (package ovmf)"
[ -f "$esp" ] || die "ESP image '$esp' not found (make esp)"

logdir=${logdir:-${BUILD:-build}/qemu-$$}
mkdir -p "$logdir"
serial=$logdir/serial.log
e9=$logdir/e9.log
: >"$serial"
: >"$e9"

echo "$prog: $esp: $cpus CPUs, $mem MB, timeout ${tmo}s, logs in $logdir"
start=$(date +%s%N)
rc=0
# Port 0xF4 is QEMU's isa-debug-exit: hvisor (never a guest: it traps that
# port for them) may write v there to stop QEMU with status (v << 1) | 1.
timeout -k 10 "$tmo" qemu-system-x86_64 \
	-accel kvm -cpu host -machine pc -m "$mem" -smp "$cpus" \
	-nodefaults -display none -no-reboot \
	-chardev stdio,id=com1,signal=off,logfile="$serial" -serial chardev:com1 \
	-chardev file,id=e9,path="$e9" -device isa-debugcon,iobase=0xe9,chardev=e9 \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	-bios "$ovmf" \
	-drive if=none,id=esp,file="$esp",format=raw \
	-device virtio-blk-pci,drive=esp,bootindex=0 \
	</dev/null || rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
wall=$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))

if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
	echo "$prog: TIMEOUT after ${tmo}s (wall time ${wall}s)"
	exit 124
fi
code=$( { grep -aho '^HVISOR EXIT [0-9]\+' "$serial" "$e9" || true; } |
	tail -n 1 | awk '{ print $3 }')
if [ -z "$code" ]; then
	echo "$prog: QEMU stopped (status $rc) without an HVISOR EXIT line" \
		"(wall time ${wall}s); port 0xE9 log: $e9"
	exit 125
fi
code=$((10#$code))
[ "$code" -le 255 ] || code=255
echo "$prog: HVISOR EXIT $code (wall time ${wall}s)"
exit "$code"
