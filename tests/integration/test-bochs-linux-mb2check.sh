#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test-bochs-linux-mb2check.sh: the root Linux guest (2 vCPUs) beside the
# Asterinas boot-contract kernel mb2check (2 vCPUs) on 2 pCPUs under fair;
# both must finish (see test-bochs-linux.sh).
exec "$(dirname "$0")/test-bochs-linux.sh" mb2check
