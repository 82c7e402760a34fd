#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# fuzz-nightly.sh [-t SECONDS] [NAME...]
#
# The long fuzzing run, for a machine left alone overnight: builds the
# harnesses (make fuzz), runs each for SECONDS (default 3600) on every
# core (tests/run-fuzz.sh), and merges the new inputs that add coverage
# into tests/fuzz/corpus/NAME, for a commit. A crash stops nothing else
# and is reported with its reproducer; after the fix, add that file to
# the harness's corpus so that `make test` replays it from then on.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=3600
while getopts "t:" o; do
	case $o in
	t) secs=$OPTARG ;;
	*) echo "usage: $0 [-t SECONDS] [NAME...]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
make -s -j"$(nproc)" fuzz
exec tests/run-fuzz.sh -t "$secs" -j "$(nproc)" -m "$@"
