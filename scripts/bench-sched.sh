#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-sched.sh [-i IPS] [-t TIMEOUT_S]
#
# Runs the scheduler's Bochs configurations under fair, rr and partition
# and writes a Markdown report to stdout (progress goes to stderr):
#
#   share    sched-share-4on2.ini (2 hog guests x 2 vCPUs, cpus 0-1, on
#            2 pCPUs); partition cannot share, so it runs
#            sched-share-2on2.ini (2 hogs x 1 vCPU, one per pCPU)
#   latency  sched-latency-3on1.ini (2 hogs + the sleeper on pCPU 0);
#            partition runs sched-latency-2on2.ini (hog on pCPU 0, the
#            sleeper alone on pCPU 1)
#
# fair and rr run the same INI with its "scheduler =" line replaced.
# Per policy it reports the hogs' share spread (max/min work, and the
# largest deviation from the mean), the sleeper's p50/p99/max lateness,
# switches per second (the sum of the vCPUs' switches in the sched-stat
# lines over sched-stat elapsed_us) and the two sched-path numbers, in
# TSC cycles: under Bochs with clock sync=none one TSC cycle is one
# emulated instruction, so these are path lengths in instructions.
#
# This is a benchmark, not a test: it prints what it measures and exits 0
# even when a run fails (the table says so); it exits 2 on bad usage or
# when the build fails. Defaults: ips 50000000, 300 s per run. BUILD
# (default build) holds the outputs; the logs go to $BUILD/bench-sched.
set -euo pipefail
cd "$(dirname "$0")/.."

prog=bench-sched
die() { echo "$prog: error: $*" >&2; exit 2; }
say() { echo "$prog: $*" >&2; }
usage() {
	echo "usage: $0 [-i IPS] [-t TIMEOUT_S]" >&2
	exit 2
}

ips=50000000 tmo=300
while getopts "i:t:h" opt; do
	case $opt in
	i) ips=$OPTARG ;;
	t) tmo=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || usage
for v in "$ips" "$tmo"; do
	[[ $v =~ ^[1-9][0-9]*$ ]] || die "'$v' is not a positive number"
done

BUILD=${BUILD:-build}
export BUILD
out=$BUILD/bench-sched
cfg=tests/configs

make -s BUILD="$BUILD" "$BUILD/hvisor.elf" "$BUILD/hvctl" guests >&2 ||
	die "build failed"
mkdir -p "$out"

# run NAME POLICY INI: boots INI with "scheduler = POLICY" under Bochs
# (2 CPUs, ips $ips). Leaves $out/NAME/console.txt (hvisor's console and
# COM1, no CRs) and $out/NAME/rc (run-bochs.sh's exit status).
run() {
	local name=$1 policy=$2 ini=$3 dir=$out/$1 rc=0 t0 t1
	rm -rf "$dir"
	mkdir -p "$dir"
	sed -E "s/^([[:space:]]*scheduler[[:space:]]*=).*/\1 $policy/" "$ini" \
		>"$dir/hvisor.ini"
	grep -qE "^[[:space:]]*scheduler[[:space:]]*= $policy\$" "$dir/hvisor.ini" ||
		die "$ini has no 'scheduler =' line"
	scripts/mkiso.sh -o "$dir/hvisor.iso" -e "$BUILD/hvisor.elf" \
		-L "$BUILD/guests" "$dir/hvisor.ini" >"$dir/mkiso.log" 2>&1 ||
		die "mkiso.sh failed for $name (see $dir/mkiso.log)"
	say "$name: $policy, $(basename "$ini") ..."
	t0=$(date +%s%N)
	scripts/run-bochs.sh -c 2 -i "$ips" -t "$tmo" -l "$dir" "$dir/hvisor.iso" \
		>"$dir/run.log" 2>&1 || rc=$?
	t1=$(date +%s%N)
	echo "$rc" >"$dir/rc"
	cat "$dir/stdout.log" "$dir/serial.log" 2>/dev/null | tr -d '\r' \
		>"$dir/console.txt" || true
	say "$name: exit $rc, wall time $(( (t1 - t0) / 1000000 )) ms"
	wall[$name]=$(( (t1 - t0) / 1000000 ))
}

# share NAME: "max/min-% max-deviation-% vcpus" from the hog work lines.
share() {
	grep -aoE '\[[A-Za-z0-9_-]+\] hog: vcpu [0-9]+ work [0-9]+' \
		"$out/$1/console.txt" | sort -u | awk '
		{ w[NR] = $6; sum += $6
		  if (NR == 1 || $6 > max) max = $6
		  if (NR == 1 || $6 < min) min = $6 }
		END {
			if (NR == 0 || min == 0) { print "- - " NR; exit }
			mean = sum / NR
			for (i = 1; i <= NR; i++) {
				d = (w[i] - mean) * 100 / mean
				if (d < 0) d = -d
				if (d > dev) dev = d
			}
			printf "%.2f %.2f %d\n", max * 100 / min, dev, NR
		}'
}

# lateness NAME: "p50 p99 max" in us from the sleeper's line, or "- - -".
lateness() {
	grep -aoE 'sleeper: wakes [0-9]+ lateness_us p50 [0-9]+ p99 [0-9]+ max [0-9]+' \
		"$out/$1/console.txt" | tail -n 1 |
		awk '{ print $6, $8, $10; found = 1 } END { if (!found) print "- - -" }'
}

# switches NAME: switches per second of virtual time, or "-".
switches() {
	grep -aoE 'sched-stat (vcpu=[^ ]+ .*switches=[0-9]+|elapsed_us=[0-9]+)' \
		"$out/$1/console.txt" | awk '
		/elapsed_us=/ { sub(/.*elapsed_us=/, ""); el = $1 + 0; next }
		{ for (i = 1; i <= NF; i++)
			if ($i ~ /^switches=/) { sub(/^switches=/, "", $i); sw += $i; n++ } }
		END {
			if (!n || !el) print "-"
			else printf "%.0f\n", sw * 1000000 / el
		}'
}

# path KEY NAME...: "avg min n" of sched-path KEY over the runs NAME...
# (the average weighted by n), or "- - 0".
path() {
	local key=$1
	shift
	local f files=()
	for f in "$@"; do
		files+=("$out/$f/console.txt")
	done
	grep -ahoE "sched-path $key avg=[0-9]+ min=[0-9]+ n=[0-9]+" "${files[@]}" |
		awk '
		{ split($3, a, "="); split($4, m, "="); split($5, c, "=")
		  if (c[2] > 0) {
			  sum += a[2] * c[2]; n += c[2]
			  if (!seen || m[2] < min) min = m[2]
			  seen = 1
		  } }
		END {
			if (!n) print "- - 0"
			else printf "%.0f %d %d\n", sum / n, min, n
		}'
}

# runs NAME...: "ok" when every run exited 0, else "NAME exit N, ...".
runs() {
	local name rc notes=()
	for name in "$@"; do
		rc=$(cat "$out/$name/rc")
		[ "$rc" -eq 0 ] || notes+=("$name exit $rc")
	done
	if [ ${#notes[@]} -eq 0 ]; then
		echo ok
	else
		local IFS=,
		echo "${notes[*]}"
	fi
}

declare -A wall
policies=(fair rr partition)
for p in "${policies[@]}"; do
	if [ "$p" = partition ]; then
		run "$p-share" "$p" "$cfg/sched-share-2on2.ini"
		run "$p-latency" "$p" "$cfg/sched-latency-2on2.ini"
	else
		run "$p-share" "$p" "$cfg/sched-share-4on2.ini"
		run "$p-latency" "$p" "$cfg/sched-latency-3on1.ini"
	fi
done

tsc_per_us=$((ips / 1000000))
cat <<EOF
## hvisor scheduler benchmark

Bochs 2.7, \`corei7_skylake_x\`, 2 CPUs, \`clock: sync=none\`, ips=$ips:
virtual time, deterministic. The TSC ticks once per emulated instruction
($tsc_per_us TSC cycles per µs), so the path lengths below are in
instructions. slice_us = 1000, latency_us = 1000 in every run.

- **share**: \`sched-share-4on2.ini\`, two hog guests × 2 vCPUs
  (cpus = 0-1) on 2 pCPUs; partition: \`sched-share-2on2.ini\`, two
  1-vCPU hogs, one per pCPU. Work counted in a common 1000 ms window;
  max/min is the largest vCPU's work over the smallest's.
- **latency**: \`sched-latency-3on1.ini\`, two 1-vCPU hogs and the
  sleeper (3 ms period, 300 wake-ups) on pCPU 0; partition:
  \`sched-latency-2on2.ini\`, a hog on pCPU 0 and the sleeper alone on
  pCPU 1. Lateness = TSC after the wake-up − the deadline.
- **switches/s**: the vCPUs' switches (sched-stat) over sched-stat
  elapsed_us of virtual time, boot and output included.

| policy | share: max/min | share: max dev. from mean | latency p50 (µs) | p99 (µs) | max (µs) | switches/s (share) | switches/s (latency) | runs |
|---|---|---|---|---|---|---|---|---|
EOF
for p in "${policies[@]}"; do
	read -r ratio dev nv < <(share "$p-share")
	read -r p50 p99 max < <(lateness "$p-latency")
	if [ "$ratio" = - ]; then
		ratio_s="-"
		dev_s="-"
	else
		ratio_s="$ratio % ($nv vCPUs)"
		dev_s="± $dev %"
	fi
	printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$p" \
		"$ratio_s" "$dev_s" "$p50" "$p99" "$max" \
		"$(switches "$p-share")" "$(switches "$p-latency")" \
		"$(runs "$p-share" "$p-latency")"
done

cat <<EOF

Hypervisor paths (sched-path lines of both runs, average weighted by n),
in TSC cycles = emulated instructions:

| policy | preemption-timer exit → switch → entry: avg | min | n | HLT/sleep → block → wake → entry: avg | min | n |
|---|---|---|---|---|---|---|
EOF
for p in "${policies[@]}"; do
	read -r pa pm pn < <(path preempt_exit_to_entry "$p-share" "$p-latency")
	read -r ha hm hn < <(path hlt_to_wake_entry "$p-share" "$p-latency")
	printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$p" "$pa" "$pm" "$pn" \
		"$ha" "$hm" "$hn"
done

echo
printf 'Wall time per Bochs run (s):'
for p in "${policies[@]}"; do
	for k in share latency; do
		printf ' %s %d.%d' "$p-$k" $((wall[$p-$k] / 1000)) \
			$((wall[$p-$k] % 1000 / 100))
	done
done
printf '. Logs: %s.\n' "$out"
