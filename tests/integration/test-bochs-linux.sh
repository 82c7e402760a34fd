#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test-bochs-linux.sh [pvh|bzimage|mb2check]: Debian's stock kernel as the
# root guest under hvisor in Bochs.
#
#   pvh      (default) tests/configs/linux-pvh.ini: the uncompressed
#            vmlinux through its PVH entry, 2 vCPUs, beside the platform
#            test guest with 2 more: 4 vCPUs on 2 pCPUs under fair; Linux
#            must find the PCI host bridge and use its ECAM (check pci)
#            and drive the virtio console on virtio-mmio (ACPI LNRO0005;
#            /dev/hvc0's line reaches hvisor's console) and the virtio-blk
#            RAM disk (what /init writes is read back, and hvisor's
#            checksum of the image in its summary matches the one
#            computed here)
#   bzimage  tests/configs/linux-bzimage.ini: the bzImage as Debian ships
#            it, 1 vCPU, through the 64-bit boot protocol (decompressor
#            included), with pci=nomsi: the virtio console works on INTx;
#            test-bochs-linux-bzimage.sh runs it
#   mb2check tests/configs/mb2check-linux.ini: Linux as in pvh beside the
#            Asterinas boot-contract kernel (tests/guests/mb2check, 2
#            vCPUs): both must finish. Linux's virtio console, block
#            and network devices are on PCI (MSI-X), mb2check's on
#            virtio-mmio, which it drives as Asterinas does; Linux pings
#            mb2check through hvisor's switch and mb2check answers;
#            test-bochs-linux-mb2check.sh runs it
#
# The kernel and initramfs come from `make linux` (cached in $BUILD/linux).
# /init (scripts/rootfs/init) runs the checks named by hvtest= on the
# kernel command line and prints HVTEST PASS, then powers off through ACPI
# S5; every guest must pass and hvisor must exit 0.
set -euo pipefail
mode=${1:-pvh}
case $mode in
pvh | bzimage) ini=tests/configs/linux-$mode.ini ;;
mb2check) ini=tests/configs/mb2check-linux.ini ;;
*)
	echo "usage: $0 [pvh|bzimage|mb2check]" >&2
	exit 2
	;;
esac
cd "$(dirname "$0")/../.."
# shellcheck source=tests/integration/lib.sh
. tests/integration/lib.sh

tag=test-bochs-linux-$mode
# A boot takes about 3 minutes of wall time on an idle machine.
linux_boot "linux-$mode" "$ini" 1200
expect_exit 0
expect_line "[linux] HVTEST INIT" "Linux never reached /init"
expect_line "[linux] HVTEST PASS" "/init's checks did not all pass"
expect_line "hvisor: guest 'linux' finished: powered off (ACPI S5)"
# Bochs 2.7's XSAVEC writes AVX state over the XSAVE header; hvisor's
# probe finds it and hides XSAVEC, so Linux must use the standard format.
expect_line "hvisor: XSAVEC probe: AVX state not at offset 576 (the Bochs 2.7 quirk)" \
	"hvisor's XSAVEC probe did not find Bochs 2.7's quirk"
expect_line "using 'standard' format" \
	"Linux was offered XSAVEC (its xstate line does not say 'standard' format)"
case $mode in
pvh)
	expect_line "[linux] HVTEST CHECK pci: ok" \
		"Linux did not find hvisor's PCI host bridge (or did not use ECAM)"
	# virtio-mmio: slot 0 (console) on GSI 16, slot 1 (blk) on GSI 17.
	expect_line "hvisor: guest 'linux': virtio-console (virtio-mmio) at 0xfeb00000, GSI 16" \
		"hvisor did not put the console in virtio-mmio slot 0"
	expect_line "[linux] HVTEST CHECK virtio-console: ok /dev/hvc0; virtio-mmio LNRO0005:00" \
		"Linux did not bring up /dev/hvc0 on virtio-mmio"
	# /init writes this line to /dev/hvc0 alone: seen, it came through
	# the virtqueue.
	expect_line "[linux] HVTEST VIRTIO-CONSOLE hello from" \
		"the line Linux wrote to hvc0 never reached the console"
	# The disk is blk-test.img, a boot module used in place.
	expect_line "hvisor: guest 'linux': virtio-blk disk image 'blk-test.img', 1024 KiB" \
		"hvisor did not make blk-test.img the disk"
	expect_line "[linux] HVTEST INFO virtio-blk: /dev/vda begins 'hvisor-disk-000001', as the disk image does" \
		"Linux did not find the disk image's first line on /dev/vda"
	expect_line "[linux] HVTEST CHECK virtio-blk: ok /dev/vda: 2048 sectors, serial hvisor-ramdisk" \
		"Linux did not write and read back /dev/vda"
	expect_line "read back; virtio-mmio LNRO0005:01, IRQ 17" \
		"the block device did not interrupt on GSI 17"
	# The image hvisor holds after the guest: blk-test.img with what
	# /init wrote at 4096 (yes PATTERN | head -c 65536), by FNV-1a 64.
	want=$(python3 -c '
import sys
d = bytearray(open(sys.argv[1], "rb").read())
p = (b"HVTEST-VIRTIO-BLK-PATTERN\n" * 3000)[:65536]
d[4096:4096 + len(p)] = p
h = 0xcbf29ce484222325
for b in d:
    h = ((h ^ b) * 0x100000001b3) & (2**64 - 1)
print("%#018x" % h)' "$BUILD/guests/blk-test.img")
	got=$(sed -n 's/.*linux  *virtio-blk: .* fnv1a64 \(0x[0-9a-f]*\).*/\1/p' "$console" | tail -n 1)
	if [ "$got" != "$want" ]; then
		fail+=("virtio-blk image checksum ${got:-missing}, want $want (what Linux wrote is not what hvisor holds)")
	fi
	expect_line "[plat] platform: 17 items, 0 failed" \
		"the platform guest beside Linux failed"
	;;
bzimage)
	# pci=nomsi: interrupts come on INTx (GSIs 17 and 18, level); a
	# block read completes only on its interrupt.
	expect_line "[linux] HVTEST CHECK virtio-console: ok /dev/hvc0; 00:01.0 is 0x1af4:0x1043, INTx on IRQ 17" \
		"Linux did not bring up /dev/hvc0 on INTx"
	expect_line "[linux] HVTEST CHECK virtio-blk: ok /dev/vda: 2048 sectors" \
		"Linux did not write and read back /dev/vda on INTx"
	expect_line "read back; 00:02.0 is 0x1af4:0x1042, INTx on IRQ 18" \
		"the block device did not use INTx (IRQ 18)"
	expect_line "[linux] HVTEST VIRTIO-CONSOLE hello from" \
		"the line Linux wrote to hvc0 never reached the console"
	;;
mb2check)
	# Linux: virtio-pci with MSI-X, the network device at 00:03.0.
	expect_line "hvisor: guest 'linux': virtio-console (virtio-pci) at 00:01.0" \
		"hvisor did not put Linux's virtio console on the bus"
	# The root guest's console has the hvctl port too: 6 queues, 5 of
	# them with a callback in Linux (not the control transmitq), and
	# the configuration vector.
	expect_line "[linux] HVTEST CHECK virtio-console: ok /dev/hvc0; 00:01.0 is 0x1af4:0x1043, 6 MSI-X vectors" \
		"Linux did not bring up /dev/hvc0 with MSI-X"
	expect_line "[linux] HVTEST VIRTIO-CONSOLE hello from" \
		"the line Linux wrote to hvc0 never reached the console"
	expect_line "[linux] HVTEST CHECK virtio-blk: ok /dev/vda: 2048 sectors" \
		"Linux did not write and read back /dev/vda"
	expect_line "hvisor: guest 'linux': virtio-net (virtio-pci) at 00:03.0" \
		"hvisor did not put Linux's network device on the bus"
	expect_line "3 packets transmitted, 3 packets received" \
		"Linux's ping of mb2check through the switch did not get three replies"
	expect_line "00:03.0 is 0x1af4:0x1041, 3 MSI-X vectors" \
		"Linux's network device did not use MSI-X"
	# mb2check: virtio-mmio slots 0-2 on GSIs 16-18, as Asterinas finds them.
	expect_line "[mb] PASS virtio-scan: 3 slot(s) from feb00000, version 2, device IDs 321" \
		"mb2check did not find three virtio-mmio slots"
	expect_line "[mb] virtio-mmio PASS console" \
		"mb2check's line on its virtio console never reached hvisor's console"
	expect_line "[mb] virtio-mmio PASS blk" \
		"mb2check's virtio-blk item did not pass"
	expect_line "[mb] PASS virtio-net: slot 2" \
		"mb2check did not answer Linux's pings on virtio-mmio"
	expect_line "[mb] mb2check: 21 passed, 0 failed, 0 skipped" \
		"mb2check beside Linux did not pass every item"
	expect_line "hvisor: switch sw0: 2 port(s)" \
		"hvisor's summary has no line for switch sw0"
	# hvctl from Linux over the console's hvisor.ctl port: list, refusals,
	# a restart of mb (it boots again), then a stop.
	expect_line "[linux] HVTEST CHECK hvctl: ok root linux; top; mb restarted, back running; policy rr, fair under load; weight, cpus set; trace; mb stopped" \
		"hvctl in the root guest did not list, restart, switch policy, set, trace and stop"
	expect_line "hvisor: hvctl: every pCPU runs the rr scheduler now"
	expect_line "hvisor: hvctl: every pCPU runs the fair scheduler now"
	expect_line "hvisor: hvctl: guest 'mb' has weight 512 now"
	expect_line "hvisor: hvctl: guest 'mb' runs on pCPUs 0x2 now"
	expect_line "hvisor: hvctl: guest 'mb' runs on pCPUs 0x3 now"
	# hvctl trace's JSON, decoded and checked here, and drawn.
	logs=$BUILD/test-linux-$mode
	if out=$(python3 tests/integration/check-trace-json.py \
			-o "$logs/trace.json" "$console" 2>&1); then
		echo "$tag: $out"
		out=$(/usr/bin/python3 scripts/trace-plot.py -o "$logs/trace.png" \
			"$logs/trace.json" 2>&1) || fail+=("trace-plot.py: $out")
		echo "$tag: $out"
	else
		fail+=("hvctl trace: $out")
	fi
	# Hypercalls are the kernel's: a VMCALL from user space is #UD.
	expect_line "[linux] HVTEST CHECK vmcall: ok a VMCALL from user space raised #UD (SIGILL)" \
		"a VMCALL from Linux's user space did not raise #UD"
	expect_line "hvisor:   linux        1 VMCALL(s) from user space refused with #UD"
	grep -aqE '^\[linux\] HVTEST INFO hvctl top: linux/1 +[01] +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+$' "$console" ||
		fail+=("hvctl top printed no row for linux/1")
	grep -aqE '^\[linux\] HVTEST INFO hvctl top: linux +[A-Za-z][A-Za-z_ ]* [0-9]+(, [A-Za-z][A-Za-z_ ]* [0-9]+)*$' "$console" ||
		fail+=("hvctl top printed no exits by reason for linux")
	expect_line "hvisor: guest 'mb': restart asked by hvctl; restarting it (restart 1)"
	expect_line "hvisor: guest 'mb' restarted (restart 1)"
	grep -aqE '^hvisor:   mb +STOPPED +code 0 ' "$console" ||
		fail+=("mb is not STOPPED (code 0) in the summary")
	boots=$(grep -ac '^\[mb\] PASS entry' "$console" || true)
	[ "$boots" -eq 2 ] || fail+=("mb booted $boots time(s), not twice")
	;;
esac
# The check lines and the kernel's APIC/TSC/clocksource lines, for the log.
grep -aE '\[linux\] HVTEST (CHECK|DMESG|PASS|FAIL|VIRTIO-CONSOLE)|virtio-(blk|console|net): |switch [a-z0-9_-]+: |\[mb\] virtio-mmio |\[plat\] platform: [0-9]+ items|\[mb\] (PASS|FAIL|SKIP|mb2check:)|hvisor: +(linux|plat|mb) +(PASS|FAIL|CRASHED|RESET|STOPPED)|hvctl' \
	"$console" | sed "s/^/$tag: /" || true
report
