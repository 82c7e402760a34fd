#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# hvctl over the INIs in tests/configs and the demo hvisor.ini.
#
# bad-*.ini must fail (exit 1). Their "# expect: TEXT" comments must each
# appear in stderr as FILE:TEXT; "# hvctl-args: ARGS" adds options. Every
# other INI must pass, with stand-in images for the kernels it names.
#
# BUILD=dir picks the build folder (default build).

set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
BUILD=${BUILD:-build}
HVCTL=$BUILD/hvctl
CONFIGS=tests/configs

pass=0
fail=0

if [ ! -x "$HVCTL" ]; then
	echo "test-hvctl: $HVCTL not built (make BUILD=$BUILD $HVCTL)" >&2
	exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
images=$tmp/images
mkdir -p "$images"

ok() {
	pass=$((pass + 1))
}

bad() {
	fail=$((fail + 1))
	echo "FAIL: $*"
	sed 's/^/  stdout: /' "$tmp/out"
	sed 's/^/  stderr: /' "$tmp/err"
}

# run WANT_RC ARGS...: hvctl's output lands in $tmp/out and $tmp/err.
run() {
	want=$1
	shift
	"$HVCTL" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		bad "hvctl $* exited $rc, want $want"
		return 1
	fi
	return 0
}

# expect_in FILE TEXT: TEXT appears in $tmp/FILE.
expect_in() {
	if grep -qF -- "$2" "$tmp/$1"; then
		ok
	else
		bad "no '$2' in $1"
	fi
}

# Stand-ins for every image the passing INIs name (modules is a list).
for f in hvisor.ini "$CONFIGS"/*.ini; do
	case $(basename "$f") in bad-*) continue ;; esac
	sed -n 's/^[[:space:]]*\(kernel\|initrd\|modules\)[[:space:]]*[=:][[:space:]]*\([^;]*\)$/\2/p' "$f"
done | tr ',' '\n' | sed 's/^[[:space:]]*//; s/[[:space:]]*$//' | sort -u | while read -r name; do
	[ -n "$name" ] && echo "image $name" >"$images/$name"
done
# Disk images (virtio = blk:NAME): whole 512-byte sectors.
for f in hvisor.ini "$CONFIGS"/*.ini; do
	case $(basename "$f") in bad-*) continue ;; esac
	sed -n 's/^[[:space:]]*virtio[[:space:]]*=\(.*\)$/\1/p' "$f"
done | tr ',' '\n' | sed -n 's/^[[:space:]]*blk:\([^[:space:]]*\)[[:space:]]*$/\1/p' |
	grep -v '^ram:' | sort -u | while read -r name; do
	head -c 1024 /dev/zero >"$images/$name"
done

# ---- usage --------------------------------------------------------------
for args in "" "frob x.ini" "check" "check -L" "check a.ini b.ini" \
	    "check --bogus hvisor.ini" "check --cpus 0 hvisor.ini" \
	    "check --cpus 65 hvisor.ini" "check --cpus x hvisor.ini" \
	    "check --mem lots hvisor.ini" "images"; do
	# shellcheck disable=SC2086
	run 2 $args && expect_in err "usage:"
done
run 0 --help && expect_in out "usage:"
run 1 check "$tmp/none.ini" && expect_in err "none.ini"

# ---- INIs that must pass ------------------------------------------------
for f in hvisor.ini "$CONFIGS"/*.ini; do
	case $(basename "$f") in bad-*) continue ;; esac
	run 0 check -L "$images" "$f" && expect_in out "$f: ok"
done

# The demo: two multiboot2 guests, one per CPU.
if run 0 check -L "$images" --cpus 2 --mem 64M hvisor.ini; then
	expect_in out "console e9"
	expect_in out "guest alpha        kind multiboot2 kernel hello.elf"
	expect_in out "guest beta"
	expect_in out "memory 16 MiB"
	expect_in out "cpus 0 "
	expect_in out "cpus 1 "
fi
run 1 check -L "$images" --cpus 1 hvisor.ini &&
	expect_in err "[guest beta] cpus: cpu 1 is outside the machine (1 CPU)"
run 1 check -L "$images" --mem=20M hvisor.ini &&
	expect_in err "[guest beta] memory: guests need 32 MiB but only 20 MiB is free"
run 1 check hvisor.ini &&
	expect_in err "[guest alpha] kernel: image 'hello.elf' not found"

if run 0 images -L "$images" hvisor.ini; then
	if [ "$(cat "$tmp/out")" = "$(printf 'hello.elf\t%s/hello.elf' "$images")" ]; then
		ok
	else
		bad "images hvisor.ini: wrong list"
	fi
fi
if run 0 images -L"$images" $CONFIGS/good-full.ini; then
	# Kernel, initrd, then modules, guest by guest.
	if [ "$(cut -f1 "$tmp/out" | tr '\n' ' ')" = "bzImage initrd.img test.elf mod-a.bin mod-b.bin " ]; then
		ok
	else
		bad "good-full.ini: want bzImage initrd.img test.elf mod-a.bin mod-b.bin"
	fi
	expect_in out "$(printf 'initrd.img\t%s/initrd.img' "$images")"
	expect_in out "$(printf 'mod-b.bin\t%s/mod-b.bin' "$images")"
fi
# A disk image is an image too: after the initrd, before the modules.
if run 0 images -L "$images" $CONFIGS/linux-pvh.ini; then
	if [ "$(cut -f1 "$tmp/out" | tr '\n' ' ')" = "vmlinux rootfs.cpio.gz blk-test.img platform.elf " ]; then
		ok
	else
		bad "linux-pvh.ini: want vmlinux rootfs.cpio.gz blk-test.img platform.elf, got $(cut -f1 "$tmp/out" | tr '\n' ' ')"
	fi
fi
run 1 images -L "$images" $CONFIGS/bad-image.ini &&
	expect_in err "image 'no-such-kernel.elf' not found"
[ -s "$tmp/out" ] && bad "images printed a list for a bad INI"

# Lookup order: the INI's folder, then each -L in turn.
mkdir -p "$tmp/ini" "$tmp/l1" "$tmp/l2"
printf '[guest a]\nkind = linux\nkernel = k\ninitrd = i\nmemory = 4M\n' >"$tmp/ini/t.ini"
for d in ini l1 l2; do echo k >"$tmp/$d/k"; done
for d in l1 l2; do echo i >"$tmp/$d/i"; done
if run 0 images -L "$tmp/l2" -L "$tmp/l1" "$tmp/ini/t.ini"; then
	expect_in out "$(printf 'k\t%s/ini/k' "$tmp")"
	expect_in out "$(printf 'i\t%s/l2/i' "$tmp")"
fi

# ---- the running-hvisor commands, outside hvisor ------------------------
# No hvisor.ctl port here: a clear message and status 3, never a hang;
# a missing guest name is a usage error (2). test-bochs-linux-mb2check.sh
# runs them in hvisor's root guest.
if HVCTL_PORT= run 3 list; then
	expect_in err "no virtio-console port named hvisor.ctl"
fi
run 2 restart && expect_in err "usage: hvctl list | top [-n COUNT] [-d SECONDS] | stop GUEST | restart GUEST | policy fair|rr | set GUEST [weight=N] [cpus=LIST] | trace [-d SECONDS] -o FILE.json"
run 2 set a weight=0 && expect_in err "hvctl: set: weight '0' is not 1..65535"
run 2 set a prio=3 && expect_in err "usage: hvctl set GUEST [weight=N] [cpus=LIST]"
run 2 set a && expect_in err "usage: hvctl set GUEST [weight=N] [cpus=LIST]"
run 2 set a cpus=1-0 && expect_in err "hvctl: set: cpus '1-0' is not a list such as 0-1 or 0,2"
run 2 set a cpus=64 && expect_in err "hvctl: set: cpus '64' is not a list"
run 2 set a cpus=1 cpus=0 && expect_in err "usage: hvctl set GUEST"
run 2 trace && expect_in err "usage: hvctl trace [-d SECONDS] -o FILE.json"
run 2 trace -d 0 -o "$tmp/t.json" && expect_in err "hvctl: trace: -d '0' is not 0.001..3600 seconds"
run 2 trace -d 1x -o "$tmp/t.json" && expect_in err "hvctl: trace: -d '1x'"
# The wire's steps of a trace are not commands.
run 2 trace-start && expect_in err "usage:"
# The output file is opened first: a bad path fails before any request.
run 1 trace -o "$tmp/no/such/dir/t.json" && expect_in err "hvctl: trace: $tmp/no/such/dir/t.json: No such file or directory"
if HVCTL_PORT= run 3 trace -o "$tmp/t.json"; then
	expect_in err "no virtio-console port named hvisor.ctl"
fi
run 2 policy && ok
run 2 stop a b && ok
run 2 top -n 0 && expect_in err "usage: hvctl top [-n COUNT] [-d SECONDS]"
run 2 top extra && ok
# A port that answers nothing hvctl can read: a regular empty file.
: >"$tmp/port"
if HVCTL_PORT=$tmp/port run 3 list; then
	expect_in err "no reply from hvisor"
fi

# ---- INIs that must fail ------------------------------------------------
for f in "$CONFIGS"/bad-*.ini; do
	args=$(sed -n 's/^# hvctl-args: //p' "$f")
	# shellcheck disable=SC2086
	run 1 check -L "$images" $args "$f" || continue
	# Each error is one FILE:LINE: line, then a closing summary.
	if grep -vqE "^$f:[0-9]+: |^$f: invalid configuration$" "$tmp/err"; then
		bad "$f: malformed message"
	else
		ok
	fi
	sed -n 's/^# expect: //p' "$f" >"$tmp/expect"
	while IFS= read -r line; do
		expect_in err "$f$line"
	done <"$tmp/expect"
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
