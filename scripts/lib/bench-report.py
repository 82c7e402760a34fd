#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""bench-report.py DIR SECONDS SETUP...: scripts/bench-linux.sh's report.

Reads DIR/SETUP/console.txt (and rc, error) for each setup, writes
DIR/report.md (also printed), DIR/cdf.png and DIR/throughput.png.
"""
import os
import re
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

BENCH = re.compile(r"^(?:\[linux\] )?HVTEST BENCH (\S+) ?(.*)$")


def fields(text):
    return dict(kv.split("=", 1) for kv in text.split() if "=" in kv)


def parse(d):
    """What one boot printed: figures, histogram, hvisor's tables."""
    r = {"error": None, "hist": {}, "exits": {}, "vcpus": [], "notes": []}
    if os.path.exists(os.path.join(d, "error")):
        r["error"] = open(os.path.join(d, "error")).read().strip()
        return r
    path = os.path.join(d, "console.txt")
    if not os.path.exists(path):
        r["error"] = "no console log"
        return r
    lines = open(path, errors="replace").read().splitlines()
    # Under hvisor /init's lines come prefixed through hvisor's console.
    if any(line.startswith("[linux] HVTEST") for line in lines):
        lines = [x for x in lines
                 if x.startswith("[linux] ") or not x.startswith("HVTEST")]
    for line in lines:
        m = BENCH.match(line)
        if m:
            kind, rest = m.groups()
            if kind == "cyclictest-hist":
                us, count = rest.split()
                r["hist"][int(us)] = r["hist"].get(int(us), 0) + int(count)
            else:
                r[kind] = fields(rest)
            continue
        m = re.match(r"hvisor: +linux +exits: (.*)$", line)
        if m:
            r["exits"] = {k: int(v) for k, v in
                          (kv.split("=") for kv in m.group(1).split())}
        m = re.match(r"(?:hvisor: )?sched-stat vcpu=linux/\d+ (.*)$", line)
        if m:
            r["vcpus"].append(fields(m.group(1)))
        m = re.match(r"(?:hvisor: )?sched-stat elapsed_us=(\d+)", line)
        if m:
            r["elapsed_us"] = int(m.group(1))
        m = re.match(r"(?:hvisor: )?sched-path (\S+) avg=(\d+) min=(\d+)", line)
        if m:
            r.setdefault("path", {})[m.group(1)] = (int(m.group(2)),
                                                   int(m.group(3)))
        m = re.match(r"(?:\[linux\] )?HVTEST CHECK (\S+): FAIL ?(.*)$", line)
        if m:
            if m.group(1) == "bench":
                r["error"] = m.group(2)
            else:
                r["notes"].append("%s: %s" % m.groups())
    rc_path = os.path.join(d, "rc")
    rc = open(rc_path).read().strip() if os.path.exists(rc_path) else "?"
    if r["error"] is None and "sysbench-cpu" not in r:
        r["error"] = "no figures (exit %s%s)" % (
            rc, ", timed out" if rc == "124" else "")
    return r


def num(x, fmt="%.0f"):
    try:
        return fmt % float(x)
    except (TypeError, ValueError):
        return "-"


def hv_steal(r):
    run = sum(int(v.get("run_us", 0)) for v in r["vcpus"])
    wait = sum(int(v.get("wait_us", 0)) for v in r["vcpus"])
    return "%.1f" % (100.0 * wait / (run + wait)) if run + wait else "-"


def exits_per_s(r):
    el = r.get("elapsed_us")
    if not r["exits"] or not el:
        return "-"
    top = sorted(r["exits"].items(), key=lambda kv: -kv[1])[:4]
    return ", ".join("%s %.0f" % (k.replace("_", " "), v / (el / 1e6))
                     for k, v in top)


def main():
    d, secs, setups = sys.argv[1], sys.argv[2], sys.argv[3:]
    res = {s: parse(os.path.join(d, s)) for s in setups}
    bare = res.get("bare")
    bare_eps = None
    if bare and not bare["error"]:
        bare_eps = float(bare["sysbench-cpu"]["eps"])

    rows = []
    head = ("| setup | sysbench cpu events/s | ratio to bare | "
            "sysbench threads p99 ms | cyclictest p50/p99/max us | "
            "wake-ups over 1 ms | steal % (guest / hvisor) | "
            "exits/s (top 4) | sched path preempt/wake (instr.) |")
    rows.append(head)
    rows.append("|" + "---|" * 9)
    for s in setups:
        r = res[s]
        if r["error"]:
            rows.append("| %s | failed: %s |  |  |  |  |  |  |  |" %
                        (s, r["error"].replace("|", "/")))
            continue
        cpu, thr = r["sysbench-cpu"], r.get("sysbench-threads", {})
        cyc, st = r.get("cyclictest", {}), r.get("steal", {})
        ratio = ("%.2f" % (float(cpu["eps"]) / bare_eps) if bare_eps
                 else "no bare run")
        over = "-"
        if cyc.get("samples") and int(cyc["samples"]):
            over = "%.2f %%" % (100.0 * int(cyc["over_1ms"]) /
                                int(cyc["samples"]))
        path = r.get("path", {})
        pth = "-"
        if path:
            pth = "%s / %s" % (
                path.get("preempt_exit_to_entry", ("-",))[0],
                path.get("hlt_to_wake_entry", ("-",))[0])
        rows.append("| %s | %s | %s | %s | %s/%s/%s | %s | %s / %s | %s | %s |"
                    % (s, num(cpu.get("eps"), "%.1f"), ratio,
                       thr.get("p99_ms", "-"), cyc.get("p50_us", "-"),
                       cyc.get("p99_us", "-"), cyc.get("max_us", "-"), over,
                       st.get("pct", "-"),
                       hv_steal(r) if s != "bare" else "-",
                       exits_per_s(r) if s != "bare" else "-", pth))
    report = "\n".join(rows) + "\n"
    notes = ["- %s: /init's check %s" % (s, n)
             for s in setups for n in res[s]["notes"]]
    if notes:
        report += "\nChecks that failed beside the figures:\n\n" + \
            "\n".join(notes) + "\n"
    note = ("\nGuest virtual time (Bochs, clock sync=none); %s s per "
            "workload; cyclictest: one SCHED_FIFO thread per CPU at 1 ms "
            "beside one sysbench cpu hog per CPU. hvisor's steal is over "
            "the guest's whole life, the guest's over the bench.\n" % secs)
    with open(os.path.join(d, "report.md"), "w") as f:
        f.write(report + note)
    sys.stdout.write(report + note)

    fig, ax = plt.subplots(figsize=(7, 4.5))
    for s in setups:
        h = res[s]["hist"]
        if not h:
            continue
        total = sum(h.values())
        xs, ys, acc = [], [], 0
        for us in sorted(h):
            acc += h[us]
            xs.append(max(us, 1))
            ys.append(1.0 - acc / total + 1e-6)
        ax.step(xs, ys, where="post", label=s)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("cyclictest latency (us, guest time)")
    ax.set_ylabel("share of wake-ups later than x")
    ax.legend(fontsize=8)
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(os.path.join(d, "cdf.png"), dpi=100)

    fig, ax = plt.subplots(figsize=(7, 4))
    names, vals = [], []
    for s in setups:
        r = res[s]
        if r["error"] or not bare_eps:
            continue
        names.append(s)
        vals.append(float(r["sysbench-cpu"]["eps"]) / bare_eps)
    ax.bar(names, vals)
    ax.set_ylabel("sysbench cpu events/s, ratio to bare")
    ax.tick_params(axis="x", rotation=30, labelsize=8)
    ax.axhline(1.0, color="grey", linewidth=0.8)
    fig.tight_layout()
    fig.savefig(os.path.join(d, "throughput.png"), dpi=100)
    print("%s: wrote %s/report.md, cdf.png, throughput.png" %
          ("bench-linux", d), file=sys.stderr)


if __name__ == "__main__":
    main()
