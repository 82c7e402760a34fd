#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# symbolize.sh [-m SYSTEM_MAP] [LOG...]
#
# Reads hvisor console logs (files, or standard input) and appends the
# kernel symbol to every kernel-text address in them: the RIPs of the
# vCPU dumps ("vcpu-dump ...: exit ... RIP 0x...", Ctrl-A v, the pending-
# interrupt and guest watchdogs), the guest stack words after them, MSR
# warnings. An address becomes ADDR<symbol+0xoff>. SYSTEM_MAP defaults to
# ${BUILD:-build}/linux/System.map: Debian's package ships a stub there,
# scripts/get-kernel.sh -s fetches the real one (from the -dbg package);
# the guest's /proc/kallsyms is a System.map too. The test kernel boots
# with nokaslr, so its addresses match the map as they are.
# Only addresses inside the map's text (T/t/W symbols, up to _etext) are
# named; everything else passes through unchanged.
set -euo pipefail

map=${BUILD:-build}/linux/System.map
while getopts "m:h" opt; do
	case $opt in
	m) map=$OPTARG ;;
	*) echo "usage: $0 [-m SYSTEM_MAP] [LOG...]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ -f "$map" ] || { echo "symbolize: $map not found (run make linux)" >&2; exit 2; }
if grep -q 'The real System.map is in' "$map"; then
	echo "symbolize: $map is Debian's stub. Run scripts/get-kernel.sh -s" \
		"(fetches the -dbg package, about 820 MiB, keeps its System.map)," \
		"or pass -m with the guest's /proc/kallsyms (the test kernel runs" \
		"with nokaslr, so its addresses are the same)." >&2
	exit 2
fi

# The program comes through -c: standard input stays the log's.
code=$(cat <<'PY'
import bisect, re, sys

addrs, names, etext = [], [], None
with open(sys.argv[1]) as f:
    for line in f:
        parts = line.split()
        if len(parts) < 3:
            continue
        a, kind, name = int(parts[0], 16), parts[1], parts[2]
        if name == '_etext':
            etext = a
        if kind in 'TtWw':
            addrs.append(a)
            names.append(name)
order = sorted(range(len(addrs)), key=addrs.__getitem__)
addrs = [addrs[i] for i in order]
names = [names[i] for i in order]
lo = addrs[0] if addrs else 0
hi = etext or (addrs[-1] + 0x1000 if addrs else 0)

def name(m):
    text = m.group(0)
    v = int(text, 16)
    if not lo <= v < hi:
        return text
    i = bisect.bisect_right(addrs, v) - 1
    return '%s<%s+%#x>' % (text, names[i], v - addrs[i])

hexnum = re.compile(r'(?:0x)?\b[0-9a-f]{16}\b|0x[0-9a-f]{8,16}\b')
files = sys.argv[2:] or ['-']
for path in files:
    f = sys.stdin if path == '-' else open(path, errors='replace')
    for line in f:
        sys.stdout.write(hexnum.sub(name, line))
PY
)
exec python3 -c "$code" "$map" "$@"
