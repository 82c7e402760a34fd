#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""trace2json.py: hvisor's scheduler event trace -> a timeline.

    scripts/trace2json.py [-o OUT.json] [--exits] [--from-mark TAG]
                          [--to-mark TAG] [--report N] CONSOLE

CONSOLE is a serial log of a run with hvisor.ini's trace_records set:
after the power-off summary hvisor prints "trace-ent", "trace-cpu" and
"trace" lines (sched/trace.h). Writes a Chrome trace-event JSON file
(open it in https://ui.perfetto.dev or chrome://tracing): one track per
pCPU with what ran on it (each early run for an interrupt marked), and
the scheduler's decisions as instant events on the track of the pCPU
that made them; --exits adds every VM exit. --from-mark/--to-mark keep
the stretch between two guest marks (port 0xf5 writes, TR_MARK).

--report N prints, instead of or beside the JSON, how long each vCPU's
interrupts and wake-ups (each with the decision it got) waited until it
ran (p50/p99/max per vCPU) and the N longest waits with what ran on that
pCPU meanwhile: the timeline of a stall.
Times are microseconds of TSC time (guest time under Bochs with
clock sync=none).
"""
import argparse
import json
import re
import sys

IRQ_WHAT = ["none", "extend", "next", "preempt", "after-run", "behind",
            "capped", "third", "open", "done"]
NONE = 0xFFFF


def die(msg):
    print(f"trace2json: error: {msg}", file=sys.stderr)
    sys.exit(2)


def parse(path):
    khz = None
    ents = {}
    recs = []       # (tsc, cpu, type, ent, arg, seq): seq keeps each ring's order
    khz_re = re.compile(r"TSC (\d+) kHz")
    try:
        f = open(path, encoding="utf-8", errors="replace")
    except OSError as e:
        die(f"{path}: {e.strerror}")
    with f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\r\n")
            if khz is None:
                m = khz_re.search(line)
                if m:
                    khz = int(m.group(1))
            if line.startswith("trace-ent "):
                parts = line.split()
                if len(parts) != 3:
                    die(f"{path}:{n}: bad trace-ent line: {line!r}")
                ents[int(parts[1])] = parts[2]
            elif line.startswith("trace "):
                parts = line.split()
                if len(parts) != 6:
                    die(f"{path}:{n}: bad trace line: {line!r}")
                try:
                    ent = NONE if parts[4] == "-" else int(parts[4])
                    recs.append((int(parts[2]), int(parts[1]), parts[3],
                                 ent, int(parts[5], 16), len(recs)))
                except ValueError:
                    die(f"{path}:{n}: bad trace line: {line!r}")
    if not recs:
        die(f"{path}: no trace records (was trace_records set in the INI?)")
    # A pick carries the time its pass of the loop began, which can be
    # before a timer event of the same pass that it acts on: in each ring
    # (written in order) no record is earlier than the one before it.
    last = {}
    for i, r in enumerate(recs):
        if r[0] < last.get(r[1], 0):
            recs[i] = (last[r[1]],) + r[1:]
        last[r[1]] = recs[i][0]
    if not khz:
        die(f"{path}: no 'TSC N kHz' line to convert TSC ticks to time")
    return khz, ents, recs


def window(recs, from_mark, to_mark):
    recs = sorted(recs, key=lambda r: (r[0], r[1], r[5]))
    if from_mark is None and to_mark is None:
        return recs
    lo, hi = 0, None
    marks = [(r[0], r[4]) for r in recs if r[2] == "mark"]
    if from_mark is not None:
        ts = [t for t, a in marks if a == from_mark]
        if not ts:
            die(f"no mark {from_mark} in the trace")
        lo = ts[0]
    if to_mark is not None:
        ts = [t for t, a in marks if a == to_mark and t >= lo]
        if not ts:
            die(f"no mark {to_mark} after the start in the trace")
        hi = ts[-1]
    return [r for r in recs if r[0] >= lo and (hi is None or r[0] <= hi)]


def name_of(ents, ent):
    return "idle" if ent == NONE else ents.get(ent, f"ent{ent}")


def runs(recs):
    """Per pCPU: (start, end, ent, early) for each stretch between picks."""
    out = {}
    cur = {}
    for t, cpu, ty, ent, arg, _ in recs:
        if ty != "pick":
            continue
        if cpu in cur:
            s, e, early = cur[cpu]
            out.setdefault(cpu, []).append((s, t, e, early))
        cur[cpu] = (t, ent, bool(arg & 0x10000))
    end = recs[-1][0] if recs else 0
    for cpu, (s, e, early) in cur.items():
        out.setdefault(cpu, []).append((s, end, e, early))
    return out


def describe(ty, ent, arg, ents):
    if ty == "irq":
        what = arg & 0xFF
        what = IRQ_WHAT[what] if what < len(IRQ_WHAT) else str(what)
        return f"irq {name_of(ents, ent)} {what} (queue {arg >> 8})"
    if ty == "wake":
        how = "preempts" if arg & 1 else ("still on" if arg & 2 else "waits")
        return f"wake {name_of(ents, ent)} {how} (queue {arg >> 8})"
    if ty == "move":
        return f"move {name_of(ents, ent)} {arg >> 8} -> {arg & 0xFF}"
    if ty == "mark":
        return f"mark {arg}"
    if ty == "exit":
        return f"exit {name_of(ents, ent)} reason {arg}"
    return f"{ty} {name_of(ents, ent)}"


def to_json(recs, ents, khz, t0, exits):
    us = lambda t: (t - t0) * 1000.0 / khz
    ev = [{"ph": "M", "name": "process_name", "pid": 0,
           "args": {"name": "hvisor"}}]
    cpus = sorted({r[1] for r in recs})
    for cpu in cpus:
        ev.append({"ph": "M", "name": "thread_name", "pid": 0, "tid": cpu,
                   "args": {"name": f"pCPU {cpu}"}})
    for cpu, lst in runs(recs).items():
        for s, e, ent, early in lst:
            if ent == NONE:
                continue
            ev.append({"ph": "X", "pid": 0, "tid": cpu, "ts": us(s),
                       "dur": max(us(e) - us(s), 0.001),
                       "name": name_of(ents, ent) + (" (early)" if early else ""),
                       "args": {"early run": early}})
    for t, cpu, ty, ent, arg, _ in recs:
        if ty == "pick" or (ty == "exit" and not exits):
            continue
        ev.append({"ph": "i", "s": "t", "pid": 0, "tid": cpu, "ts": us(t),
                   "name": describe(ty, ent, arg, ents)})
    return {"traceEvents": ev, "displayTimeUnit": "ns"}


def pct(sorted_vals, p):
    if not sorted_vals:
        return 0
    i = min(len(sorted_vals) - 1, max(0, -(-len(sorted_vals) * p // 100) - 1))
    return sorted_vals[i]


def report(recs, ents, khz, t0, top):
    """Interrupt (or wake-up) to the entity's next run, on any pCPU."""
    us = lambda d: d * 1000.0 / khz
    picks = {}
    for t, cpu, ty, ent, arg, _ in recs:
        if ty == "pick" and ent != NONE:
            picks.setdefault(ent, []).append(t)
    waits = []      # (wait ticks, ent, t, queue, kind)
    cur = {}        # pCPU -> the entity it runs
    for t, cpu, ty, ent, arg, _ in recs:
        if ty == "pick":
            cur[cpu] = ent
            continue
        if ty not in ("irq", "wake") or ent == NONE:
            continue
        if ent in cur.values():
            continue        # running: it takes it where it is
        nxt = next((p for p in picks.get(ent, []) if p >= t), None)
        if nxt is None:
            continue
        kind = "wake"
        if ty == "irq":
            what = arg & 0xFF
            what = IRQ_WHAT[what] if what < len(IRQ_WHAT) else str(what)
            w = waits[-1] if waits else None
            if w and w[1] == ent and w[2] == t and w[4] == "wake":
                # A wake-up's decision as an interrupt: one wait, not two.
                waits[-1] = w[:4] + ("wake " + what,)
                continue
            kind = "irq " + what
        waits.append((nxt - t, ent, t, arg >> 8, kind))
    by_ent = {}
    for w, ent, *_ in waits:
        by_ent.setdefault(ent, []).append(w)
    print("| vCPU | waits | p50 us | p99 us | max us |")
    print("|---|---|---|---|---|")
    for ent in sorted(by_ent):
        v = sorted(by_ent[ent])
        print(f"| {name_of(ents, ent)} | {len(v)} | {us(pct(v, 50)):.0f} | "
              f"{us(pct(v, 99)):.0f} | {us(v[-1]):.0f} |")
    rl = runs(recs)
    early = sorted(e - s for lst in rl.values() for s, e, ent, er in lst if er)
    if early:
        # To the next pick there: one that runs on alone renews its
        # slice without a pick, so the longest say little.
        print(f"\nearly runs: {len(early)}, pick to next pick p50 "
              f"{us(pct(early, 50)):.0f} us, p90 {us(pct(early, 90)):.0f} us")
    what = {}
    for t, cpu, ty, ent, arg, _ in recs:
        if ty == "irq":
            k = IRQ_WHAT[arg & 0xFF] if (arg & 0xFF) < len(IRQ_WHAT) else "?"
            what.setdefault(ent, {}).setdefault(k, 0)
            what[ent][k] += 1
    if what:
        print("interrupt decisions: " + "; ".join(
            f"{name_of(ents, e)} " + ", ".join(f"{k} {n}" for k, n in sorted(d.items()))
            for e, d in sorted(what.items())))
    for w, ent, t, q, kind in sorted(waits, reverse=True)[:top]:
        print(f"\n{name_of(ents, ent)}: {kind} at {us(t - t0):.0f} us on "
              f"queue {q}, ran {us(w):.0f} us later; pCPU {q} meanwhile:")
        for s, e, who, early in rl.get(q, []):
            if e >= t and s <= t + w:
                tag = " (early run)" if early else ""
                print(f"  {us(s - t0):10.0f} {us(e - s):7.0f} us  "
                      f"{name_of(ents, who)}{tag}")
        for r in recs:
            if t <= r[0] <= t + w and r[2] not in ("pick", "exit") \
                    and r[1] == q:
                print(f"  {us(r[0] - t0):10.0f}     at    "
                      f"{describe(r[2], r[3], r[4], ents)}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("console")
    ap.add_argument("-o", "--output", help="the JSON file to write")
    ap.add_argument("--exits", action="store_true",
                    help="every VM exit as an instant event")
    ap.add_argument("--from-mark", type=int)
    ap.add_argument("--to-mark", type=int)
    ap.add_argument("--report", type=int, metavar="N",
                    help="interrupt waits per vCPU and the N longest")
    a = ap.parse_args()
    if not a.output and a.report is None:
        ap.error("nothing to do: give -o OUT.json and/or --report N")
    khz, ents, recs = parse(a.console)
    recs = window(recs, a.from_mark, a.to_mark)
    if not recs:
        die("no records in that window")
    t0 = recs[0][0]
    if a.output:
        with open(a.output, "w", encoding="utf-8") as f:
            json.dump(to_json(recs, ents, khz, t0, a.exits), f)
        print(f"trace2json: {len(recs)} records, "
              f"{(recs[-1][0] - t0) / khz:.1f} ms -> {a.output}",
              file=sys.stderr)
    if a.report is not None:
        report(recs, ents, khz, t0, a.report)


if __name__ == "__main__":
    main()
