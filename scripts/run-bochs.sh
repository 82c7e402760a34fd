#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# run-bochs.sh [-c CPUS] [-m MEM_MB] [-i IPS] [-t TIMEOUT_S] [-l LOGDIR]
#              [-T TIME0] [-k KEYFILE [-K PATTERN]] [-d DISK] ISO
#
# Boots ISO (see scripts/mkiso.sh) under Bochs 2.7, the one emulator here
# with VMX, headless, and streams its output live: port 0xE9 output (hvisor's
# console under Bochs) arrives on Bochs' stdout, COM1 goes to a file that is
# followed with tail.
#
# Exit status: the N of the last line that starts with "HVISOR EXIT N" (only
# hvisor prints one: guest lines carry their "[name] " prefix)
# (0 = pass; see src/core/hypercall.h), 124 if the run hit TIMEOUT_S (even when
# hvisor printed its exit line but did not power off), 125 if Bochs stopped
# without an HVISOR EXIT line (the end of bochs.log is shown then).
#
# Defaults: 2 CPUs, 256 MB, ips 50000000 (so the TSC ticks at 50 MHz and
# virtual time is deterministic), 300 s. LOGDIR (default
# ${BUILD:-build}/bochs-<pid>) keeps bochsrc, stdout.log, serial.log and
# bochs.log. Runs in parallel do not clash: each has its own LOGDIR, and
# Bochs' VNC (rfb) display takes the first free port from 5900 on.
#
# -T TIME0 starts the emulated RTC at TIME0 (seconds since 1970) instead
# of now. Runs are otherwise deterministic in virtual time, so two boots
# started in the same second behave alike; scripts/soak.sh gives each
# boot its own TIME0.
#
# -k KEYFILE types the bytes of KEYFILE on COM1 (console input) once
# PATTERN (default "COM1 input goes to") appears in the 0xE9 output: COM1
# is then a socket to scripts/lib/com1-keys.py, which still writes what
# COM1 sends to serial.log.
#
# -d DISK attaches DISK, a flat image of whole cylinders (16 heads, 63
# sectors: a multiple of 516096 bytes), as the ATA disk beside the CD-ROM
# (ata0-slave): what a guest without hvisor reads as sda.
set -euo pipefail

prog=run-bochs
die() { echo "$prog: error: $*" >&2; exit 2; }
usage() {
	echo "usage: $0 [-c CPUS] [-m MEM_MB] [-i IPS] [-t TIMEOUT_S]" \
		"[-l LOGDIR] [-T TIME0] [-k KEYFILE [-K PATTERN]] [-d DISK] ISO" >&2
	exit 2
}

cpus=2 mem=256 ips=50000000 tmo=300 logdir= keys= keypat="COM1 input goes to" disk=
time0=local
while getopts "c:m:i:t:l:T:k:K:d:h" opt; do
	case $opt in
	c) cpus=$OPTARG ;;
	m) mem=$OPTARG ;;
	i) ips=$OPTARG ;;
	t) tmo=$OPTARG ;;
	l) logdir=$OPTARG ;;
	T) time0=$OPTARG ;;
	k) keys=$OPTARG ;;
	K) keypat=$OPTARG ;;
	d) disk=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] || usage
iso=$1
[ "$time0" = local ] || [[ $time0 =~ ^[1-9][0-9]*$ ]] ||
	die "-T wants seconds since 1970, got '$time0'"
for v in "$cpus" "$mem" "$ips" "$tmo"; do
	[[ $v =~ ^[1-9][0-9]*$ ]] || die "'$v' is not a positive number"
done
[ -f "$iso" ] || die "ISO '$iso' not found"
[ -z "$keys" ] || [ -f "$keys" ] || die "key file '$keys' not found"
command -v bochs >/dev/null || die "bochs not found (run scripts/deps.sh)"
bios=/usr/share/bochs/BIOS-bochs-latest
vgabios=/usr/share/vgabios/vgabios.bin
[ -f "$bios" ] || die "$bios not found (package bochsbios)"
[ -f "$vgabios" ] || die "$vgabios not found (package vgabios)"

logdir=${logdir:-${BUILD:-build}/bochs-$$}
mkdir -p "$logdir"
logdir=$(cd "$logdir" && pwd)
iso=$(cd "$(dirname "$iso")" && pwd)/$(basename "$iso")
disk_line=
if [ -n "$disk" ]; then
	[ -f "$disk" ] || die "disk image '$disk' not found"
	size=$(stat -c %s "$disk")
	[ $((size % 516096)) -eq 0 ] && [ "$size" -gt 0 ] ||
		die "disk image '$disk' is $size bytes, not whole cylinders (516096 bytes: 16 heads, 63 sectors)"
	disk_line="ata0-slave: type=disk, path=\"$(cd "$(dirname "$disk")" && pwd)/$(basename "$disk")\", mode=flat, cylinders=$((size / 516096)), heads=16, spt=63"
fi
serial=$logdir/serial.log
stdout=$logdir/stdout.log
blog=$logdir/bochs.log
: >"$serial"
: >"$stdout"
rm -f "$blog"

# The Debian build of Bochs has the debugger compiled in: it needs an rc
# file that continues and then quits, stdin from /dev/null, and the rfb
# display (its timeout=0 means "do not wait for a VNC client").
printf 'c\nquit\n' >"$logdir/cont.rc"
com1="mode=file, dev=\"$serial\""
keys_pid=
if [ -n "$keys" ]; then
	rm -f "$logdir/com1.port"
	python3 "$(dirname "$0")/lib/com1-keys.py" "$logdir/com1.port" \
		"$serial" "$stdout" "$keypat" "$keys" &
	keys_pid=$!
	for _ in $(seq 50); do
		[ -f "$logdir/com1.port" ] && break
		sleep 0.1
	done
	[ -f "$logdir/com1.port" ] || die "com1-keys.py did not start"
	com1="mode=socket-client, dev=localhost:$(cat "$logdir/com1.port")"
fi
cat >"$logdir/bochsrc" <<EOF
# Written by scripts/run-bochs.sh.
memory: guest=$mem, host=$mem
romimage: file=$bios
vgaromimage: file=$vgabios
cpu: model=corei7_skylake_x, count=$cpus, ips=$ips, reset_on_triple_fault=0
clock: sync=none, time0=$time0
ata0: enabled=1, ioaddr1=0x1f0, ioaddr2=0x3f0, irq=14
ata0-master: type=cdrom, path="$iso", status=inserted
$disk_line
boot: cdrom
floppy_bootsig_check: disabled=1
display_library: rfb, options="timeout=0"
com1: enabled=1, $com1
log: $blog
panic: action=fatal
error: action=report
info: action=report
debug: action=ignore
port_e9_hack: enabled=1
sound: waveoutdrv=dummy, waveindrv=dummy, midioutdrv=dummy
speaker: enabled=0
EOF

echo "$prog: $iso: $cpus CPUs, $mem MB, ips $ips, timeout ${tmo}s, logs in $logdir"

tail_pid=
cleanup() {
	if [ -n "$keys_pid" ]; then
		kill "$keys_pid" 2>/dev/null || true
		wait "$keys_pid" 2>/dev/null || true
	fi
	if [ -n "$tail_pid" ]; then
		kill "$tail_pid" 2>/dev/null || true
		wait "$tail_pid" 2>/dev/null || true
	fi
}
trap cleanup EXIT

# Serial output, as it arrives.
tail -n +1 -F -s 0.2 "$serial" 2>/dev/null &
tail_pid=$!

start=$(date +%s%N)
set +e
(
	cd "$logdir"
	exec stdbuf -oL -eL timeout -k 10 "$tmo" \
		bochs -q -f bochsrc -rc cont.rc </dev/null 2>&1
) | tee "$stdout" | grep --line-buffered -vE 'lt_dlhandle is|loaded plugin'
bochs_rc=${PIPESTATUS[0]}
set -e
end=$(date +%s%N)

# Let tail print what COM1 wrote last, then stop it.
sleep 0.5
cleanup
tail_pid=

wall=$(( (end - start) / 1000000 ))
wall_s=$(printf '%d.%03d' $((wall / 1000)) $((wall % 1000)))

# The last HVISOR EXIT line, from hvisor's console on either stream.
last_exit() {
	grep -ao '^HVISOR EXIT [0-9]\+' "$1" 2>/dev/null | tail -n 1 |
		awk '{ print $3 }' || true
}
code=$(last_exit "$stdout")
[ -n "$code" ] || code=$(last_exit "$serial")

if [ "$bochs_rc" -eq 124 ] || [ "$bochs_rc" -eq 137 ]; then
	if [ -n "$code" ]; then
		echo "$prog: hvisor printed HVISOR EXIT $code but did not power off"
	fi
	echo "$prog: TIMEOUT after ${tmo}s (wall time ${wall_s}s)"
	exit 124
fi

if [ -z "$code" ]; then
	echo "$prog: Bochs stopped (rc $bochs_rc) without an HVISOR EXIT line;" \
		"end of $blog:"
	tail -n 25 "$blog" 2>/dev/null | sed 's/^/  | /' || true
	echo "$prog: exit 125 (wall time ${wall_s}s)"
	exit 125
fi

code=$((10#$code))
[ "$code" -le 255 ] || code=255
echo "$prog: HVISOR EXIT $code (wall time ${wall_s}s)"
exit "$code"
