#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The folders' doors run one way: scripts/check-layers.py checks every
# #include against the table in docs/DESIGN.md ("Layout").
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/check-layers.py
