#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test-bochs-linux-bzimage.sh: Debian's bzImage as it ships, 1 vCPU, through
# the 64-bit boot protocol (see test-bochs-linux.sh).
exec "$(dirname "$0")/test-bochs-linux.sh" bzimage
