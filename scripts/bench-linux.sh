#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-linux.sh [-s SECONDS] [-n BOOTS] [-j JOBS] [-o DIR] [-t RECORDS] [-v]
#                 [SETUP...]
#
# Debian's kernel and the test initramfs under Bochs (virtual time: the
# TSC ticks at run-bochs.sh's ips), in these setups:
#
#   bare            no hypervisor: GRUB boots the kernel on 2 CPUs
#   1:1-fair        2 vCPUs on 2 pCPUs, scheduler fair
#   1:1-rr          the same under rr
#   1:1-partition   the same under partition (one pCPU per vCPU)
#   2:1-fair        4 vCPUs on 2 pCPUs, fair, every PV feature (the default)
#   2:1-fair-nopv   the same with pv = none
#   2:1-fair-skew   2:1-fair with skew_tick=1 on the guest's command line:
#                   its per-CPU ticks out of step (RT tuning guides set it)
#   2:1-fair-watch  2:1-fair with guard_watch = yes (hvisor.ini)
#   2:1-fair-nosteal 2:1-fair with irq_steal = no (hvisor.ini): an
#                   interrupt that must wait on its pCPU stays there
#   2:1-rr          4 vCPUs on 2 pCPUs under rr
#   2:1+hog-fair    2:1-fair beside a second guest, a 2-vCPU CPU hog
#   2:1+hog-rr      the same under rr
#
# (partition cannot run 4 vCPUs on 2 pCPUs). In each, /init's bench=S
# (scripts/rootfs/init) runs sysbench cpu, sysbench threads and cyclictest
# beside sysbench cpu hogs, S seconds each (default 3), and reports steal
# from /proc/stat; then it reads the whole disk once (scripts/rootfs/
# blkread.c: O_DIRECT, 1 MiB requests): under hvisor a 16128 KiB virtio-blk
# RAM disk, on bare Bochs an ATA disk of the same size (run-bochs.sh -d,
# Linux's ata_piix). Each setup boots BOOTS times (default 1; Bochs is not
# deterministic between boots, and one boot's p99 can move by half), JOBS
# boots at a time. Writes to DIR (default $BUILD/bench-linux):
#
#   report.md       one Markdown row per setup (medians over its boots):
#                   sysbench cpu events/s and its ratio to bare, sysbench
#                   threads p99, cyclictest p50/p99/max over all boots'
#                   wake-ups and each boot's p99, the share of wake-ups
#                   over 1 ms, steal % over the bench as the guest saw it
#                   (/proc/stat) and as hvisor counted it (its counters at
#                   the marks /init writes to port 0xf5 at the bench's
#                   start and end: wait over run + wait + blocked),
#                   hvisor's exits per second of guest time by reason and
#                   the scheduler path lengths (instructions: under Bochs
#                   a TSC tick is one instruction)
#   cdf.png         cyclictest latency CDF per setup, log axes
#   throughput.png  sysbench cpu events/s as a ratio to bare
#   SETUP/          the setup's ISO and INI; SETUP/K/ boot K's logs
#                   (console.txt)
#
# The report goes to stdout too; progress goes to stderr. A boot that
# fails is a row that says why, never a gap. -v shows each boot's console
# as it runs and, after the report, hvisor's per-vCPU scheduler table
# (run, wait = steal, blocked) of each setup: what `make run` shows. SETUP names pick a subset
# (bare is always run when a ratio is wanted: without it the ratio
# column says so). -t RECORDS turns on hvisor's scheduler event trace
# (trace_records and trace_boot in the INI): each console.txt then ends with the rings,
# which scripts/trace2json.py turns into a timeline. Needs `make`, `make linux`, Bochs, grub-mkrescue and
# python3-matplotlib (scripts/deps.sh installs them).
set -euo pipefail
cd "$(dirname "$0")/.."

prog=bench-linux
die() { echo "$prog: error: $*" >&2; exit 2; }
say() { echo "$prog: $*" >&2; }

BUILD=${BUILD:-build}
export BUILD
secs=3 boots=1 jobs=1 out= verbose=0 trace=0
while getopts "s:n:j:o:t:vh" opt; do
	case $opt in
	s) secs=$OPTARG ;;
	n) boots=$OPTARG ;;
	j) jobs=$OPTARG ;;
	o) out=$OPTARG ;;
	t) trace=$OPTARG ;;
	v) verbose=1 ;;
	*) echo "usage: $0 [-s SECONDS] [-n BOOTS] [-j JOBS] [-o DIR] [-t RECORDS] [-v] [SETUP...]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
for v in "$secs" "$boots" "$jobs"; do
	[[ $v =~ ^[1-9][0-9]*$ ]] || die "'$v' is not a positive number"
done
[[ $trace =~ ^[0-9]+$ ]] || die "-t $trace: not a number of records"
out=${out:-$BUILD/bench-linux}
# Stopped (Ctrl-C): take the boots' Bochs processes down too.
trap 'trap - INT TERM; kill -- -$$ 2>/dev/null; exit 130' INT TERM

all=(bare 1:1-fair 1:1-rr 1:1-partition 2:1-fair 2:1-fair-nopv
	2:1-fair-skew 2:1-fair-watch 2:1-fair-nosteal 2:1-rr 2:1+hog-fair
	2:1+hog-rr)
setups=("$@")
[ ${#setups[@]} -gt 0 ] || setups=("${all[@]}")
for s in "${setups[@]}"; do
	[[ " ${all[*]} " == *" $s "* ]] || die "unknown setup '$s' (known: ${all[*]})"
done
# Debian's python3 has python3-matplotlib; a python3 of its own earlier
# in PATH (pyenv, a virtualenv) may not.
py=
for p in python3 /usr/bin/python3; do
	if "$p" -c 'import matplotlib' 2>/dev/null; then
		py=$p
		break
	fi
done
[ -n "$py" ] || die "python3-matplotlib is missing (scripts/deps.sh installs it)"
command -v grub-mkrescue >/dev/null || die "grub-mkrescue is missing"

say "building hvisor, the test guests and the Linux initramfs"
make -s BUILD="$BUILD" all >/dev/null || die "make failed"
make -s BUILD="$BUILD" linux >&2 || die "make linux failed"
mkdir -p "$out"

cmdline="console=ttyS0 quiet nokaslr cryptomgr.notests"
# The disk every setup reads: 32 cylinders of 16 heads and 63 sectors,
# what Bochs takes as a flat ATA image; the RAM disk has the same size.
disk_bytes=$((32 * 16 * 63 * 512))
disk=$out/bench-disk.img
[ "$(stat -c %s "$disk" 2>/dev/null)" = "$disk_bytes" ] ||
	head -c "$disk_bytes" /dev/zero >"$disk"
# Guest time: boot, three workloads, the power-off; the hog outlives it.
hog_ms=$(( (30 + 3 * secs) * 1000 ))

# The INI of a hypervisor setup:
# NAME SCHEDULER VCPUS PV HOG [CMDLINE [WATCH [STEAL]]].
write_ini() {
	local ini=$1 sched=$2 vcpus=$3 pv=$4 hog=$5 extra=${6:-} watch=${7:-no}
	local steal=${8:-yes}
	cat >"$ini" <<EOF
# scripts/bench-linux.sh: generated, do not edit.
[hypervisor]
console = e9
scheduler = $sched
slice_us = 1000
latency_us = 1000
trace_records = $trace
trace_boot = $([ "$trace" -gt 0 ] && echo yes || echo no)
guard_watch = $watch
irq_steal = $steal

[guest linux]
kind = linux
kernel = vmlinux
initrd = rootfs.cpio.gz
memory = 512M
vcpus = $vcpus
cpus = 0-1
root = yes
cmdline = $cmdline ${extra:+$extra }hvtest=cpus=$vcpus,bench=$secs
watchdog_s = 60
pv = $pv
virtio = blk:ram:$disk_bytes
EOF
	if [ "$hog" = yes ]; then
		cat >>"$ini" <<EOF

[guest hog]
kind = multiboot2
kernel = hog.elf
cmdline = vcpus=2 warmup_ms=100 ms=$hog_ms cooldown_ms=100
memory = 16M
vcpus = 2
cpus = 0-1
EOF
	fi
}

# A GRUB ISO that boots the kernel itself (no hypervisor) on 2 CPUs. Bochs'
# CPUID claims the CPU model's nominal TSC rate, and Linux believes it: its
# clock would run slow by that factor against the TSC's real rate (the ips,
# with clock sync=none), and every "second" would be a minute of virtual
# time. tsc_early_khz gives it the real one; hvisor tells its guests the
# rate it measured.
ips=50000000
tsc_khz=$((ips / 1000))
bare_iso() {
	local iso=$1 tree
	tree=$(mktemp -d "${TMPDIR:-/tmp}/$prog.XXXXXX")
	mkdir -p "$tree/boot/grub"
	cp "$BUILD/linux/vmlinuz" "$BUILD/linux/rootfs.cpio.gz" "$tree/boot/"
	cat >"$tree/boot/grub/grub.cfg" <<EOF
set timeout=0
set default=0
serial --unit=0 --speed=115200
terminal_output serial
menuentry "Linux, bare" {
	linux /boot/vmlinuz $cmdline tsc_early_khz=$tsc_khz hvtest=cpus=2,bench=$secs,bare
	initrd /boot/rootfs.cpio.gz
}
EOF
	grub-mkrescue -o "$iso" "$tree" >/dev/null 2>&1 || {
		rm -rf "$tree"
		return 1
	}
	rm -rf "$tree"
}

# A setup's ISO (and INI): DIR/SETUP/boot.iso, or DIR/SETUP/error.
make_iso() {
	local s=$1 d=$out/$1 ini iso
	rm -rf "$d"
	mkdir -p "$d"
	iso=$d/boot.iso
	case $s in
	bare) bare_iso "$iso" || echo "grub-mkrescue failed" >"$d/error" ;;
	*)
		local sched=${s##*-} vcpus=2 pv="steal, tlb, yield, kick, ipi" hog=no
		local extra= watch=no steal=yes
		case $s in 2:1*) vcpus=4 ;; esac
		case $s in *-nopv) sched=fair pv=none ;; esac
		case $s in *-skew) sched=fair extra=skew_tick=1 ;; esac
		case $s in *-watch) sched=fair watch=yes ;; esac
		case $s in *-nosteal) sched=fair steal=no ;; esac
		case $s in *+hog*) hog=yes ;; esac
		ini=$d/hvisor.ini
		write_ini "$ini" "$sched" "$vcpus" "$pv" "$hog" "$extra" "$watch" \
			"$steal"
		scripts/mkiso.sh -o "$iso" -e "$BUILD/hvisor.elf" -L "$BUILD/guests" \
			-L "$BUILD/linux" "$ini" >"$d/mkiso.log" 2>&1 ||
			echo "mkiso.sh failed (see mkiso.log)" >"$d/error"
		;;
	esac
}

# Boot K of a setup; leaves DIR/SETUP/K/console.txt and rc (or error).
run_boot() {
	local s=$1 k=$2 d=$out/$1/$2 iso=$out/$1/boot.iso rc=0 t0 disk_opt=()
	mkdir -p "$d"
	if [ -e "$out/$s/error" ]; then
		cp "$out/$s/error" "$d/error"
		return
	fi
	say "$s: boot $k of $boots"
	t0=$(date +%s)
	# Bare Linux reads Bochs' ATA disk; a boot of its own: Bochs writes it.
	if [ "$s" = bare ]; then
		cp "$disk" "$d/disk.img"
		disk_opt=(-d "$d/disk.img")
	fi
	if [ "$verbose" = 1 ]; then
		scripts/run-bochs.sh -c 2 -m 1024 -i "$ips" -t 3000 -l "$d/logs" \
			"${disk_opt[@]}" "$iso" 2>&1 |
			tee "$d/run.log" || rc=$?
	else
		scripts/run-bochs.sh -c 2 -m 1024 -i "$ips" -t 3000 -l "$d/logs" \
			"${disk_opt[@]}" "$iso" >"$d/run.log" 2>&1 || rc=$?
	fi
	rm -f "$d/disk.img"
	cat "$d/logs/stdout.log" "$d/logs/serial.log" 2>/dev/null |
		tr -d '\r' >"$d/console.txt" || true
	echo "$rc" >"$d/rc"
	say "$s: boot $k done in $(( $(date +%s) - t0 )) s (exit $rc)"
}

for s in "${setups[@]}"; do
	make_iso "$s"
done
# The boots, JOBS at a time.
running=0
for k in $(seq 1 "$boots"); do
	for s in "${setups[@]}"; do
		run_boot "$s" "$k" &
		running=$((running + 1))
		if [ "$running" -ge "$jobs" ]; then
			wait -n || true
			running=$((running - 1))
		fi
		sleep 2		# a different RTC second per boot
	done
done
wait || true

"$py" scripts/lib/bench-report.py "$out" "$secs" "$boots" "${setups[@]}"
if [ "$verbose" = 1 ]; then
	for s in "${setups[@]}"; do
		[ "$s" = bare ] && continue
		echo
		echo "hvisor's scheduler table, $s (wait = steal):"
		awk '/^sched (fair|rr|partition):/ { on = 1 } /^sched-stat/ { on = 0 } on' \
			"$out/$s/1/console.txt" 2>/dev/null || true
	done
fi
