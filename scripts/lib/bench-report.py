#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""bench-report.py DIR SECONDS BOOTS SETUP...: scripts/bench-linux.sh's report.

Reads DIR/SETUP/K/console.txt (and rc, error) for each setup and boot K
(1..BOOTS), writes DIR/report.md (also printed), DIR/cdf.png and
DIR/throughput.png. A setup's row pools its passing boots: medians of the
per-boot figures, cyclictest's histograms added up.
"""
import statistics
import os
import re
import sys

import matplotlib
import numpy

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

BENCH = re.compile(r"^(?:\[linux\] )?HVTEST BENCH (\S+) ?(.*)$")


def fields(text):
    return dict(kv.split("=", 1) for kv in text.split() if "=" in kv)


def parse(d):
    """What one boot printed: figures, histogram, hvisor's tables."""
    r = {"error": None, "hist": {}, "exits": {}, "vcpus": [], "notes": [],
         "marks": {}}
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
        # HV_STATS_MARK_PORT: tag 1 at the bench's start, 2 at its end.
        m = re.match(r"(?:hvisor: )?sched-mark vm=linux tag=(\d+) vcpu=\S+ (.*)$",
                     line)
        if m:
            tot = r["marks"].setdefault(int(m.group(1)), [0, 0])
            f = fields(m.group(2))
            tot[0] += int(f["wait_us"])
            tot[1] += int(f["run_us"]) + int(f["wait_us"]) + \
                int(f["blocked_us"])
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


def hv_steal(r):
    """hvisor's wait over its vCPUs' whole time, between the two marks."""
    a, b = r["marks"].get(1), r["marks"].get(2)
    if not a or not b or b[1] <= a[1]:
        return None
    return 100.0 * (b[0] - a[0]) / (b[1] - a[1])


def exits_per_s(r):
    el = r.get("elapsed_us")
    if not r["exits"] or not el:
        return "-"
    top = sorted(r["exits"].items(), key=lambda kv: -kv[1])[:4]
    return ", ".join("%s %.0f" % (k.replace("_", " "), v / (el / 1e6))
                     for k, v in top)


def hist_pct(h, pct):
    """The smallest latency with at least pct % of samples at or below."""
    total, acc = sum(h.values()), 0
    for us in sorted(h):
        acc += h[us]
        if acc * 100 >= total * pct:
            return us
    return None


def p99_interval(hists, reps=2000, seed=1):
    """How far the pooled p99 moves with the luck of the boots.

    One boot's p99 can move by half (which vCPUs meet at the guest's
    ticks differs per boot), so a pooled p99 is worth as much as the
    boots under it. Resample the boots with replacement, pool each draw's
    histograms, take its p99: the 2.5th and 97.5th percentiles of those
    (a percentile bootstrap). None under 3 boots, where it means nothing.
    """
    hists = [h for h in hists if h]
    if len(hists) < 3:
        return None
    keys = sorted(set().union(*hists))
    counts = numpy.array([[h.get(k, 0) for k in keys] for h in hists])
    rng = numpy.random.default_rng(seed)
    draws = rng.integers(0, len(hists), size=(reps, len(hists)))
    cum = numpy.cumsum(counts[draws].sum(axis=1), axis=1)
    # hist_pct(): the first bucket holding 99 % of the draw's samples.
    idx = (cum * 100 >= cum[:, -1:] * 99).argmax(axis=1)
    p99s = numpy.array(keys)[idx]
    return (int(numpy.percentile(p99s, 2.5, method="lower")),
            int(numpy.percentile(p99s, 97.5, method="higher")))


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def pool(boots):
    """One setup's boots as one row: medians, histograms added up."""
    ok = [b for b in boots if not b["error"]]
    p = {"n": len(boots), "ok": ok, "hist": {}, "exits": {}, "elapsed_us": 0,
         "errors": ["boot %d: %s" % (k + 1, b["error"])
                    for k, b in enumerate(boots) if b["error"]],
         "notes": ["boot %d, /init's check %s" % (k + 1, n)
                   for k, b in enumerate(boots) for n in b["notes"]]}
    if not ok:
        return p
    p["eps"] = median(float(b["sysbench-cpu"]["eps"]) for b in ok)
    p["thr_p99"] = median(float(b["sysbench-threads"]["p99_ms"])
                          for b in ok if "p99_ms" in b.get("sysbench-threads", {}))
    over = samples = 0
    for b in ok:
        for us, c in b["hist"].items():
            p["hist"][us] = p["hist"].get(us, 0) + c
        cyc = b.get("cyclictest", {})
        over += int(cyc.get("over_1ms", 0))
        samples += int(cyc.get("samples", 0))
    p["over"] = 100.0 * over / samples if samples else None
    p["max"] = max((int(b["cyclictest"]["max_us"]) for b in ok
                    if "max_us" in b.get("cyclictest", {})), default=None)
    p["p99s"] = [b["cyclictest"].get("p99_us", "-") for b in ok
                 if "cyclictest" in b]
    p["p99_ci"] = p99_interval([b["hist"] for b in ok])
    reads = [b["blkread"] for b in ok if "mb_per_s" in b.get("blkread", {})]
    p["blk"] = median(float(x["mb_per_s"]) for x in reads)
    p["blk_dev"] = reads[0]["dev"] if reads else None
    p["blk_bytes"] = reads[0]["bytes"] if reads else None
    p["guest_steal"] = median(float(b["steal"]["pct"]) for b in ok
                              if "pct" in b.get("steal", {}))
    p["hv_steal"] = median(hv_steal(b) for b in ok)
    for b in ok:
        if b["exits"] and b.get("elapsed_us"):
            p["elapsed_us"] += b["elapsed_us"]
            for k, v in b["exits"].items():
                p["exits"][k] = p["exits"].get(k, 0) + v
    paths = [b["path"] for b in ok if b.get("path")]
    p["path"] = {k: round(statistics.mean(x[k][0] for x in paths if k in x))
                 for k in ("preempt_exit_to_entry", "hlt_to_wake_entry")
                 if any(k in x for x in paths)}
    return p


def num(x, fmt="%.0f"):
    try:
        return fmt % float(x)
    except (TypeError, ValueError):
        return "-"


def main():
    d, secs, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    setups = sys.argv[4:]
    res = {s: pool([parse(os.path.join(d, s, str(k)))
                    for k in range(1, n + 1)]) for s in setups}
    bare = res.get("bare")
    bare_eps = bare.get("eps") if bare else None

    rows = []
    head = ("| setup | boots ok | sysbench cpu events/s | ratio to bare | "
            "sysbench threads p99 ms | cyclictest p50/p99/max us | "
            "p99 per boot us | p99 95 % interval us | wake-ups over 1 ms | "
            "steal % (guest / hvisor) | exits/s (top 4) | "
            "sched path preempt/wake (instr.) |")
    rows.append(head)
    rows.append("|" + "---|" * 12)
    for s in setups:
        r = res[s]
        if not r["ok"]:
            rows.append("| %s | 0 of %d: %s |  |  |  |  |  |  |  |  |  |  |" %
                        (s, r["n"], "; ".join(r["errors"]).replace("|", "/")))
            continue
        ratio = ("%.2f" % (r["eps"] / bare_eps) if bare_eps
                 else "no bare run")
        path = r["path"]
        pth = "-"
        if path:
            pth = "%s / %s" % (path.get("preempt_exit_to_entry", "-"),
                               path.get("hlt_to_wake_entry", "-"))
        h = r["hist"]
        cyc = "%s/%s/%s" % (hist_pct(h, 50), hist_pct(h, 99),
                            r["max"]) if h else "-"
        steal = "%s / %s" % (num(r["guest_steal"], "%.1f"),
                             num(r["hv_steal"], "%.1f") if s != "bare" else "-")
        ci = "%d-%d" % r["p99_ci"] if r["p99_ci"] else "-"
        rows.append("| %s | %d of %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |"
                    % (s, len(r["ok"]), r["n"], num(r["eps"], "%.1f"), ratio,
                       num(r["thr_p99"], "%.2f"), cyc,
                       ", ".join(r["p99s"]) or "-", ci,
                       num(r["over"], "%.2f %%"), steal,
                       exits_per_s(r) if s != "bare" else "-", pth))
    report = "\n".join(rows) + "\n"
    # The disk: a virtio-blk RAM disk under hvisor, Bochs' ATA disk bare.
    bare_blk = bare.get("blk") if bare else None
    rows = ["", "| setup | disk | bytes read | sequential read MB/s (guest time, median) | ratio to bare (ATA) |",
            "|---|---|---|---|---|"]
    for s in setups:
        r = res[s]
        if not r["ok"]:
            continue
        if r.get("blk") is None:
            rows.append("| %s | none read | - | - | - |" % s)
            continue
        rows.append("| %s | %s (%s) | %s | %s | %s |" % (
            s, r["blk_dev"], "ATA, ata_piix" if r["blk_dev"] == "sda" else
            "virtio-blk", r["blk_bytes"], num(r["blk"], "%.2f"),
            num(r["blk"] / bare_blk, "%.1f") if bare_blk else "no bare run"))
    report += "\n".join(rows) + "\n"
    notes = ["- %s: %s" % (s, e) for s in setups
             for e in res[s]["errors"] if res[s]["ok"]]
    notes += ["- %s: %s" % (s, x)
              for s in setups for x in res[s]["notes"]]
    if notes:
        report += "\nFailed boots and checks beside the figures:\n\n" + \
            "\n".join(notes) + "\n"
    note = ("\nGuest virtual time (Bochs, clock sync=none); %s s per "
            "workload, %d boot(s) per setup: medians of the boots' figures, "
            "cyclictest's percentiles over all boots' wake-ups together; "
            "the p99 interval is the middle 95 %% of that pooled p99 over "
            "2,000 draws of the boots with replacement (a bootstrap; from "
            "3 boots): what a second run of as many boots may show. "
            "cyclictest: one SCHED_FIFO thread per CPU at 1 ms beside one "
            "sysbench cpu hog per CPU. Steal is over the bench alone: the "
            "guest's from /proc/stat, hvisor's from its counters at the "
            "marks the guest wrote to port 0xf5 at the bench's start and end "
            "(wait over run + wait + blocked).\n" % (secs, n))
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
        if not r["ok"] or not bare_eps:
            continue
        names.append(s)
        vals.append(r["eps"] / bare_eps)
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
