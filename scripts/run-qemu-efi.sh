#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# run-qemu-efi.sh [-t TIMEOUT_S] [-l LOG] ESP.img
#
# Boots ESP.img (see scripts/mkesp.sh) with OVMF under QEMU TCG, headless,
# and streams the console to stdout as it comes: COM1 (OVMF's console, then
# hvisor's) and the debug port 0xE9 (hvisor's `console = e9`) share one log,
# LOG (default ${BUILD:-build}/qemu-efi-<pid>.log).
# TCG has no VMX, so this checks the UEFI boot path and hvisor's "no VMX"
# exit, not guests.
#
# Exit status: hvisor's exit code, taken from the isa-debug-exit device at
# port 0xf4 (a write of v makes QEMU exit with (v << 1) | 1); 0 when QEMU
# stopped without such a write (a power-off or, with -no-reboot, a reset);
# 124 if the run hit TIMEOUT_S (default 60); 125 if QEMU itself failed.
#
# -bios OVMF.fd keeps its variable store in memory, so no OVMF_VARS copy is
# needed and runs do not share state.
set -euo pipefail

prog=run-qemu-efi
die() { echo "$prog: error: $*" >&2; exit 2; }
usage() {
	echo "usage: $0 [-t TIMEOUT_S] [-l LOG] ESP.img" >&2
	exit 2
}

tmo=60 log=
while getopts "t:l:h" opt; do
	case $opt in
	t) tmo=$OPTARG ;;
	l) log=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] || usage
img=$1
[[ $tmo =~ ^[1-9][0-9]*$ ]] || die "'$tmo' is not a positive number"
[ -f "$img" ] || die "ESP image '$img' not found"
qemu=${QEMU:-qemu-system-x86_64}
command -v "$qemu" >/dev/null ||
	die "$qemu not found (install qemu-system-x86)"
ovmf=${OVMF:-/usr/share/ovmf/OVMF.fd}
[ -f "$ovmf" ] || die "$ovmf not found (install ovmf)"

log=${log:-${BUILD:-build}/qemu-efi-$$.log}
mkdir -p "$(dirname "$log")"
qerr=$log.stderr
: >"$log"
: >"$qerr"

# readonly=on: firmware and hvisor only read the ESP, and a shared lock lets
# parallel runs use one image.
start=$(date +%s.%N)
timeout -k 5 "$tmo" "$qemu" \
	-accel tcg -machine pc -m 1G -smp 2 \
	-nodefaults -display none -no-reboot \
	-chardev "file,id=con,path=$log,mux=on" -serial chardev:con \
	-device isa-debugcon,iobase=0xe9,chardev=con \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	-bios "$ovmf" \
	-drive "if=none,id=esp,file=$img,format=raw,readonly=on" \
	-device virtio-blk-pci,drive=esp,bootindex=0 \
	</dev/null 2>"$qerr" &
qpid=$!

# Follow the log until QEMU (or timeout) is gone; tail prints what is
# left after the process exits.
tail -n +1 -s 0.1 -f --pid=$qpid "$log" 2>/dev/null || true
s=0
wait $qpid || s=$?
end=$(date +%s.%N)

# The firmware's last line may lack its newline.
if [ -s "$log" ] && [ "$(tail -c 1 "$log" | od -An -c | tr -d ' ')" != '\n' ]; then
	echo
fi
if [ -s "$qerr" ]; then
	sed "s/^/$prog: qemu: /" "$qerr" >&2
fi

qemu_failed() {
	grep -v ': warning: ' "$qerr" | grep -q .
}

if [ $s -eq 124 ] || [ $s -eq 137 ]; then
	code=124
	msg="timed out after $tmo s"
elif [ $s -eq 0 ]; then
	code=0
	msg="QEMU exited without a write to port 0xf4"
elif [ $s -eq 1 ] && qemu_failed; then
	code=125
	msg="QEMU failed"
elif [ $((s % 2)) -eq 1 ]; then
	code=$(((s - 1) / 2))
	msg="hvisor wrote $code to port 0xf4"
else
	code=125
	msg="QEMU failed (status $s)"
fi

wall=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')
echo "$prog: $msg; exit code $code; wall time $wall s; log $log"
exit $code
