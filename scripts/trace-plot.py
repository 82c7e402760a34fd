#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""trace-plot.py: a picture of an hvctl trace.

    scripts/trace-plot.py [-o OUT.png] [--from MS] [--to MS] TRACE.json

TRACE.json is what `hvctl trace -o` writes (or scripts/trace2json.py):
a Chrome/Perfetto trace-event file. Draws one row per pCPU with what
ran there (a bar per run, a colour per vCPU, early runs for an
interrupt hatched), and under each row a tick for every VM exit and a
dot above it for every wake-up and interrupt decision. --from/--to keep a window
(milliseconds from the trace's start): a second holds thousands of runs.
Needs python3-matplotlib (scripts/deps.sh installs it).
"""
import argparse
import json
import sys


def die(msg):
    print(f"trace-plot: error: {msg}", file=sys.stderr)
    sys.exit(2)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("trace")
    ap.add_argument("-o", "--out", default="trace.png")
    ap.add_argument("--from", dest="lo", type=float, default=None,
                    help="window start, ms")
    ap.add_argument("--to", dest="hi", type=float, default=None,
                    help="window end, ms")
    a = ap.parse_args()
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.patches import Patch
    except ImportError:
        die("python3-matplotlib is missing (scripts/deps.sh installs it)")
    try:
        with open(a.trace, encoding="utf-8") as f:
            ev = json.load(f)["traceEvents"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        die(f"{a.trace}: not a trace-event file ({e})")

    tracks = {e["tid"]: e["args"]["name"] for e in ev
              if e.get("ph") == "M" and e.get("name") == "thread_name"}
    if not tracks:
        die(f"{a.trace}: no pCPU tracks")
    lo = (a.lo or 0) * 1000.0
    hi = a.hi * 1000.0 if a.hi is not None else float("inf")

    def keep(t0, t1):
        return t1 >= lo and t0 <= hi

    runs = [e for e in ev if e.get("ph") == "X" and
            keep(e["ts"], e["ts"] + e["dur"])]
    inst = [e for e in ev if e.get("ph") == "i" and keep(e["ts"], e["ts"])]
    vcpus = sorted({e["args"]["vcpu"] if "args" in e and "vcpu" in e["args"]
                    else e["name"].split()[0] for e in runs})
    cmap = plt.get_cmap("tab10")
    colour = {v: cmap(i % 10) for i, v in enumerate(vcpus)}
    rows = sorted(tracks)
    y = {t: len(rows) - 1 - i for i, t in enumerate(rows)}

    fig, ax = plt.subplots(figsize=(12, 1.2 + 1.1 * len(rows)))
    for e in runs:
        v = e["args"].get("vcpu", e["name"].split()[0])
        s = max(e["ts"], lo) / 1000.0
        d = (min(e["ts"] + e["dur"], hi) - max(e["ts"], lo)) / 1000.0
        ax.broken_barh([(s, max(d, 1e-4))], (y[e["tid"]] - 0.3, 0.6),
                       facecolors=colour[v], edgecolor="none",
                       hatch="///" if e["args"].get("early") else None)
    for cat, mk, off, col in (("exit", "|", -0.42, "0.35"),
                              ("sched", ".", 0.42, "tab:red")):
        pts = [(e["ts"] / 1000.0, y[e["tid"]] + off) for e in inst
               if e.get("cat") == cat and e["tid"] in y]
        if pts:
            xs, ys = zip(*pts)
            ax.scatter(xs, ys, marker=mk, s=30 if mk == "|" else 14,
                       color=col, linewidths=0.6,
                       label="VM exit" if cat == "exit" else
                       "wake-up / interrupt decision")
    ax.set_yticks([y[t] for t in rows])
    ax.set_yticklabels([tracks[t] for t in rows])
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.set_xlabel("ms of TSC time (guest time under Bochs)")
    ax.set_title(f"hvctl trace: what each pCPU ran ({len(runs)} runs, "
                 f"{sum(1 for e in inst if e.get('cat') == 'exit')} exits)")
    handles = [Patch(facecolor=colour[v], label=v) for v in vcpus]
    handles.append(Patch(facecolor="white", edgecolor="black", hatch="///",
                         label="early run (interrupt)"))
    h2, _ = ax.get_legend_handles_labels()
    ax.legend(handles=handles + h2, loc="upper center",
              bbox_to_anchor=(0.5, -0.18 - 0.05 * (3 - min(len(rows), 3))),
              ncol=min(len(handles) + len(h2), 6), fontsize=8, frameon=False)
    fig.tight_layout()
    fig.savefig(a.out, dpi=110)
    print(f"trace-plot: {len(runs)} runs on {len(rows)} pCPU(s) -> {a.out}")


main()
