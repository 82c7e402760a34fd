#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# soak.sh [-n N] [-j JOBS] [-t TIMEOUT_S] [-o DIR] [-k] [INI]
#
# Boots INI (default tests/configs/linux-overcommit.ini) N times (default
# 20) under Bochs, JOBS at a time (default 1; each Bochs uses one core),
# and prints one line per boot as it ends:
#
#   soak: boot 3/20: PASS  104 s  p50 140 p99 212 max 390 missed 0.00% steal 11.2/11.0
#   soak: boot 4/20: FAIL 1500 s  timeout (no HVISOR EXIT); logs in DIR/boot-4
#
# Each boot starts the emulated RTC a day later than the one before
# (run-bochs.sh -T): Bochs is otherwise deterministic in virtual time, and
# two boots started in the same second would be the same boot.
#
# Then the sleepers' figures over the passing boots (when the
# configuration runs the overcommit check) and, last, "soak: N boots, K
# passed". A boot passes when hvisor exits 0 and, for a Linux guest, /init
# printed HVTEST PASS and, where /init measured steal over the sleepers'
# run, the guest's figure is within 5 points of hvisor's: what the
# overcommit test demands. A failing boot's logs (console, Bochs log,
# bochsrc) stay in DIR/boot-N (default $BUILD/soak); of a passing boot only
# a summary is kept (summary.txt: hvisor's exits by reason and scheduler
# table, /init's check lines and each sleeper's figures); with -k all its
# logs stay too (to read a passing boot's trace, say). Exits 0 when
# every boot passed, 1 otherwise. Needs `make` and `make linux` done (it
# runs them).
set -euo pipefail
cd "$(dirname "$0")/.."

prog=soak
die() { echo "$prog: error: $*" >&2; exit 2; }
usage() {
	echo "usage: $0 [-n N] [-j JOBS] [-t TIMEOUT_S] [-o DIR] [-k] [INI]" >&2
	exit 2
}

BUILD=${BUILD:-build}
export BUILD
n=20 jobs=1 tmo=1500 keep=0 out=
while getopts "n:j:t:o:kh" opt; do
	case $opt in
	n) n=$OPTARG ;;
	j) jobs=$OPTARG ;;
	t) tmo=$OPTARG ;;
	o) out=$OPTARG ;;
	k) keep=1 ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -le 1 ] || usage
ini=${1:-tests/configs/linux-overcommit.ini}
for v in "$n" "$jobs" "$tmo"; do
	[[ $v =~ ^[1-9][0-9]*$ ]] || die "'$v' is not a positive number"
done
[ -f "$ini" ] || die "$ini not found"
out=${out:-$BUILD/soak}

make -s BUILD="$BUILD" all >/dev/null || die "make failed"
dirs=(-L "$BUILD/guests")
if grep -qE '^kind *= *linux' "$ini"; then
	make -s BUILD="$BUILD" linux >/dev/null || die "make linux failed"
	dirs+=(-L "$BUILD/linux")
fi
rm -rf "$out"
mkdir -p "$out"
iso=$out/soak.iso
scripts/mkiso.sh -o "$iso" -e "$BUILD/hvisor.elf" "${dirs[@]}" "$ini" >/dev/null ||
	die "mkiso.sh failed for $ini"
echo "$prog: $n boots of $ini, $jobs at a time, ${tmo} s each at most; logs of failures in $out"

# One boot: its verdict line goes to $out/boot-I/verdict.
boot() {
	local i=$1 dir=$out/boot-$1 rc=0 t0 secs con reason fig
	mkdir -p "$dir"
	t0=$(date +%s)
	# Each boot its own RTC start: Bochs is otherwise deterministic.
	scripts/run-bochs.sh -c 2 -m 1024 -t "$tmo" -l "$dir" \
		-T $((base_time0 + i * 86413)) "$iso" \
		>"$dir/run.log" 2>&1 || rc=$?
	secs=$(( $(date +%s) - t0 ))
	con=$dir/console.txt
	cat "$dir/stdout.log" "$dir/serial.log" 2>/dev/null | tr -d '\r' >"$con" || true
	fig=$(grep -aoE 'wakelat: wakes [0-9]+ lateness_us p50 [0-9]+ p99 [0-9]+ max [0-9]+ missed [0-9]+ \([0-9.]+%\)' \
		"$con" | tail -n 1 | awk '{ gsub(/[()]/, "", $13); print "p50", $6, "p99", $8, "max", $10, "missed", $13 }' || true)
	reason=
	if [ "$rc" -eq 124 ]; then
		reason="timeout (no HVISOR EXIT in $tmo s)"
	elif [ "$rc" -ne 0 ]; then
		reason="hvisor exit $rc"
	elif grep -q 'HVTEST INIT' "$con" && ! grep -q 'HVTEST PASS' "$con"; then
		reason="no HVTEST PASS"
	fi
	# Steal over the sleepers' run, as the guest saw it and as hvisor
	# counted (the overcommit test's bound: within 5 points).
	local vm gpct hpct st=0
	read -r vm gpct < <(sed -n 's/^\[\([^]]*\)\] HVTEST INFO steal-window .* pct=\([0-9.]*\).*/\1 \2/p' \
		"$con" | tail -n 1) || true
	if [ -n "${gpct:-}" ]; then
		hpct=$(awk -v vm="$vm" -v a=3 -v b=4 -v guest="$gpct" \
			-f scripts/lib/steal-window.awk "$con") || st=$?
		fig="$fig steal ${gpct}/${hpct:-?}"
		if [ -z "$reason" ] && [ "$st" -ne 0 ]; then
			reason="steal: the guest saw $gpct %, hvisor counted ${hpct:-nothing}"
		fi
	fi
	if [ -n "$reason" ]; then
		local more
		more=$(grep -aoE 'HVTEST FAIL.*|hvisor: guest .* stopped: .*|has had vector .* pending .*' "$con" |
			head -n 2 | tr '\n' ';' || true)
		printf 'FAIL %4d s  %s%s; logs in %s\n' "$secs" "$reason" \
			"${more:+; $more}" "$dir" >"$dir/verdict"
	else
		printf 'PASS %4d s  %s\n' "$secs" "$fig" >"$dir/verdict"
	fi
}

base_time0=$(date +%s)
passed=0 done_=0 next=1
declare -A running=()
report() {
	local i=$1 v
	v=$(cat "$out/boot-$i/verdict" 2>/dev/null || echo "FAIL no verdict")
	echo "$prog: boot $i/$n: $v"
	done_=$((done_ + 1))
	case $v in
	PASS*)
		passed=$((passed + 1))
		echo "$v" >>"$out/passed"
		# Keep hvisor's summary (exits by reason, scheduler table).
		grep -aE '^hvisor: |^sched-(stat|path) |^vcpu |HVTEST (INFO wakelat|CHECK)' "$out/boot-$i/console.txt" \
			>"$out/boot-$i/summary.txt" 2>/dev/null || true
		[ "$keep" -eq 1 ] ||
			find "$out/boot-$i" -type f ! -name verdict ! -name summary.txt -delete
		;;
	esac
}
while [ "$done_" -lt "$n" ]; do
	while [ "${#running[@]}" -lt "$jobs" ] && [ "$next" -le "$n" ]; do
		boot "$next" &
		running[$!]=$next
		next=$((next + 1))
	done
	wait -n || true
	for pid in "${!running[@]}"; do
		if ! kill -0 "$pid" 2>/dev/null; then
			report "${running[$pid]}"
			unset "running[$pid]"
		fi
	done
done

if [ -s "$out/passed" ] && grep -q p99 "$out/passed"; then
	awk '{ for (i = 1; i < NF; i++) if ($i == "p99") p = $(i + 1); else if ($i == "p50") q = $(i + 1); else if ($i == "missed") m = $(i + 1);
	       n++; s50 += q; s99 += p; if (p > w) w = p; sub(/%/, "", m); if (m > wm) wm = m }
	     END { if (n) printf "soak: sleepers over %d passing boots: mean p50 %.0f us, mean p99 %.0f us, worst p99 %d us, worst missed %.2f%%\n", n, s50 / n, s99 / n, w, wm }' \
		"$out/passed"
fi
echo "$prog: $n boots, $passed passed"
[ "$passed" -eq "$n" ]
