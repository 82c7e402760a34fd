# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# lib.sh: the steps the integration tests share. Sourced from the
# repository root, not run (tests/run-all.sh runs test-*.sh only).
#
# A Bochs test is
#
#   bochs_boot NAME INI       build, make the ISO, boot it, capture the log
#   expect_exit WANT          one call per assertion; each failing one
#   expect_line TEXT          adds a line to fail
#   report                    PASS, or each failure, and the exit status
#
# A test that boots otherwise sets tag (the message prefix), console (the
# console text, for expect_line), where (where the logs are) and rc itself.
#
# BUILD (default build) holds the outputs; TEST_TIMEOUT (default 180)
# bounds the Bochs run in seconds; DEBUG=1 builds hvisor with the lock-order
# checker (give it its own BUILD).

BUILD=${BUILD:-build}
export BUILD

tag="test"
console=
where=
rc=0
fail=()
BOCHS_ARGS=()
ISO_DIRS=()

# abort MESSAGE: the test cannot go on.
abort() {
	echo "$tag: FAIL: $*"
	exit 1
}

# bochs_boot NAME INI: builds hvisor.elf, hvctl and the test guests, makes
# $BUILD/test-NAME.iso from INI (mkiso.sh makes one even when hvctl rejects
# the INI) and boots it under Bochs with 2 CPUs; the logs go to
# $BUILD/test-NAME. Sets rc to run-bochs.sh's exit code and console to
# hvisor's console (stdout, port 0xE9) and COM1, without CRs. BOCHS_ARGS
# (an array, default empty) adds run-bochs.sh options, e.g. -k KEYFILE;
# ISO_DIRS (an array) adds folders where mkiso.sh looks for images.
bochs_boot() {
	local name=$1 ini=$2 iso logdir
	tag=test-bochs-$name
	iso=$BUILD/test-$name.iso
	logdir=$BUILD/test-$name
	where="logs in $logdir"

	if ! make -s BUILD="$BUILD" DEBUG="${DEBUG:-}" "$BUILD/hvisor.elf" "$BUILD/hvctl" guests; then
		abort "build failed"
	fi
	if ! scripts/mkiso.sh -o "$iso" -e "$BUILD/hvisor.elf" -L "$BUILD/guests" \
			"${ISO_DIRS[@]/#/-L}" "$ini"; then
		abort "mkiso.sh failed"
	fi
	rm -rf "$logdir"
	mkdir -p "$logdir"
	rc=0
	scripts/run-bochs.sh -c 2 -t "${TEST_TIMEOUT:-180}" -l "$logdir" \
		"${BOCHS_ARGS[@]}" "$iso" || rc=$?

	console=$logdir/console.txt
	cat "$logdir/stdout.log" "$logdir/serial.log" 2>/dev/null | tr -d '\r' >"$console" ||
		true
}

# linux_boot NAME INI TIMEOUT: bochs_boot for a configuration with
# Debian's kernel: `make linux` first (the kernel and initramfs from
# $BUILD/linux), 1 GiB of emulated RAM, TIMEOUT seconds unless
# TEST_TIMEOUT says otherwise; BOCHS_ARGS may add options.
linux_boot() {
	if ! make -s BUILD="$BUILD" linux; then
		abort "make linux (Debian kernel, initramfs) failed"
	fi
	ISO_DIRS=("$BUILD/linux")
	BOCHS_ARGS=(-m 1024 "${BOCHS_ARGS[@]}")
	TEST_TIMEOUT=${TEST_TIMEOUT:-$3}
	bochs_boot "$1" "$2"
}

# expect_exit WANT [WHY]: the run exited with WANT.
expect_exit() {
	[ "$rc" -eq "$1" ] || fail+=("exit code $rc, want $1${2:+ ($2)}")
}

# expect_line TEXT [MESSAGE]: TEXT, a fixed string, is in the console;
# MESSAGE (default "no 'TEXT'") is the failure otherwise.
expect_line() {
	local text=$1 msg="no '$1'"
	[ $# -lt 2 ] || msg=$2
	grep -qF -- "$text" "$console" || fail+=("$msg")
}

# report [NOTE]: PASS (with NOTE) and exit 0 when nothing failed, else each
# failure and where the logs are, and exit 1.
# shellcheck disable=SC2120  # NOTE is optional
report() {
	local f
	if [ ${#fail[@]} -eq 0 ]; then
		echo "$tag: PASS${1:+ $1}"
		exit 0
	fi
	for f in "${fail[@]}"; do
		echo "$tag: FAIL: $f"
	done
	echo "$tag: $where"
	exit 1
}

# hv_key INI KEY DEFAULT: KEY's value in INI's [hypervisor] section.
hv_key() {
	awk -v key="$2" -v def="$3" '
		/^\[/ { sect = $0; next }
		sect == "[hypervisor]" && $1 == key && $2 == "=" { v = $3 }
		END { print (v == "" ? def : v) }' "$1"
}

# sleeper_lateness GUEST: sets wakes, p50, p99 and max (us) from GUEST's
# last "sleeper: wakes N lateness_us p50 X p99 Y max Z" line and returns
# 0, or adds a failure and returns 1 when there is none.
sleeper_lateness() {
	local line
	line=$(grep -aoE "\[$1\] sleeper: wakes [0-9]+ lateness_us p50 [0-9]+ p99 [0-9]+ max [0-9]+" \
		"$console" | tail -n 1 || true)
	if [ -z "$line" ]; then
		fail+=("no '[$1] sleeper: wakes ... lateness_us' line")
		return 1
	fi
	# shellcheck disable=SC2034  # the caller reads them
	read -r wakes p50 p99 max < <(awk '{ print $4, $7, $9, $11 }' <<<"$line")
}

# steal_window GUEST TAG0 TAG1 GUEST_PCT: hvisor's steal % for GUEST
# between the stats marks TAG0 and TAG1 (scripts/lib/steal-window.awk)
# must be within 5 points of GUEST_PCT, what the guest saw in /proc/stat
# over the same window.
# Sets hv_pct; adds a failure otherwise.
steal_window() {
	local st=0
	hv_pct=$(awk -v vm="$1" -v a="$2" -v b="$3" -v guest="$4" \
		-f scripts/lib/steal-window.awk "$console") || st=$?
	if [ -z "$hv_pct" ]; then
		fail+=("no sched-mark lines for $1 with tags $2 and $3")
	elif [ "$st" -ne 0 ]; then
		fail+=("steal: the guest saw $4 %, hvisor counted $hv_pct % over the same window")
	fi
}
