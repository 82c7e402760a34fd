#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""check-trace-json.py [-o TRACE.json] CONSOLE: the hvctl trace /init printed.

/init writes `hvctl trace`'s JSON gzipped in base64 between the console
lines "HVTEST TRACE-BEGIN" and "HVTEST TRACE-END" (each line
"[linux] HVTEST TRACE <base64>"). This decodes it, loads it as JSON and
checks that it is the timeline hvctl trace promises: a Chrome/Perfetto
trace-event file with a named track for every pCPU, runs (complete
events) of named vCPUs on each of them, VM exits and scheduler decisions
as instant events, times in order within the trace's span. Prints one
summary line; exits 1 with the reason on the first failure. -o keeps
the decoded file (scripts/trace-plot.py draws it).
"""
import base64
import gzip
import json
import re
import sys


def die(msg):
    print(f"check-trace-json: {msg}")
    sys.exit(1)


def main():
    args = sys.argv[1:]
    keep = None
    if len(args) == 3 and args[0] == "-o":
        keep, args = args[1], args[2:]
    if len(args) != 1:
        die("usage: check-trace-json.py [-o TRACE.json] CONSOLE")
    lines, inside = [], False
    with open(args[0], encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\r\n")
            if line.endswith("HVTEST TRACE-BEGIN"):
                inside, lines = True, []
            elif line.endswith("HVTEST TRACE-END"):
                inside = False
                break
            elif inside:
                m = re.search(r"HVTEST TRACE (\S+)$", line)
                if m:
                    lines.append(m.group(1))
    if inside or not lines:
        die("no complete HVTEST TRACE-BEGIN ... END block in the console")
    try:
        raw = gzip.decompress(base64.b64decode("".join(lines)))
        doc = json.loads(raw)
    except (ValueError, OSError) as e:
        die(f"the trace does not decode to JSON: {e}")
    if keep:
        with open(keep, "wb") as f:
            f.write(raw)
    ev = doc.get("traceEvents")
    if not isinstance(ev, list) or not ev:
        die("no traceEvents list")
    tracks = {e["tid"]: e["args"]["name"] for e in ev
              if e.get("ph") == "M" and e.get("name") == "thread_name"}
    if sorted(tracks) != [0, 1] or not all(
            re.match(rf"pCPU {t}( \(\d+ older records lost\))?$", n)
            for t, n in tracks.items()):
        die(f"the pCPU tracks are not pCPU 0 and 1: {tracks}")
    runs = [e for e in ev if e.get("ph") == "X"]
    inst = [e for e in ev if e.get("ph") == "i"]
    for e in runs + inst:
        if not isinstance(e.get("ts"), (int, float)) or e["ts"] < 0:
            die(f"an event with no time: {e}")
        if e.get("tid") not in tracks:
            die(f"an event on no pCPU track: {e}")
    for e in runs:
        if not re.match(r"(linux|mb)/\d( \(early\))?$", e["name"]) or \
                e["dur"] < 0:
            die(f"a run of no known vCPU: {e}")
    span = max(e["ts"] + e.get("dur", 0) for e in runs + inst)
    # -d 1: at most a second, and a little for the requests around it.
    if span > 1.5e6:
        die(f"the trace spans {span / 1e6:.3f} s, more than -d 1")
    for t in tracks:
        if not any(e["tid"] == t for e in runs):
            die(f"no vCPU ran on pCPU {t} in the trace")
        ts = [e["ts"] for e in runs if e["tid"] == t]
        if ts != sorted(ts):
            die(f"pCPU {t}'s runs are out of order")
    vcpus = sorted({e["name"].split()[0] for e in runs})
    if not any(v.startswith("linux/") for v in vcpus):
        die(f"no run of a linux vCPU: {vcpus}")
    exits = [e for e in inst if e.get("cat") == "exit"]
    if not exits or not all(re.match(r"exit (linux|mb)/\d \S.*$", e["name"])
                            for e in exits):
        die("no VM exits, or exits with no vCPU and reason")
    kinds = {e["name"].split()[0] for e in inst if e.get("cat") == "sched"}
    if not kinds & {"wake", "irq", "slice", "block"}:
        die(f"no scheduler decisions among the instants: {kinds}")
    print(f"check-trace-json: {len(runs)} runs of {', '.join(vcpus)} on "
          f"{len(tracks)} pCPUs, {len(exits)} exits, "
          f"{len(inst) - len(exits)} scheduler events "
          f"({', '.join(sorted(kinds))}) over {span / 1e3:.1f} ms")


main()
