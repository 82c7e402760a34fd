#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""check-layers.py: the folders' doors run one way.

Reads the table of allowed includes between folders from docs/DESIGN.md
(the rows between "<!-- layers: begin -->" and "<!-- layers: end -->"),
then every #include "..." of the hypervisor's sources, and fails on:
  - an include from one folder into another that the table does not allow,
  - a folder the table does not name,
  - a circle in the table itself (so the code can have none either),
  - a header that includes itself through other headers.

  scripts/check-layers.py [--graph]     --graph also prints the arrows found

Exit 0 when the tree keeps every rule, 1 otherwise (each breach named with
its file and line).
"""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DESIGN = os.path.join(ROOT, "docs", "DESIGN.md")
# Folders of the hypervisor; a file belongs to the longest one it is under.
TOP = ("src", "vmx", "sched", "mm", "dev", "guests")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def folder_of(path):
    parts = path.split("/")
    if parts[0] != "src":
        return parts[0]
    if len(parts) > 2:
        return "src/" + parts[1]
    return "src"


def read_table():
    rows = {}
    inside = False
    with open(DESIGN, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if "<!-- layers: begin -->" in line:
                inside = True
                continue
            if "<!-- layers: end -->" in line:
                break
            if not inside or not line.startswith("|"):
                continue
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) < 2 or set(cells[0]) <= set("-: "):
                continue
            name = cells[0].strip("`")
            if name == "folder":
                continue
            allowed = set(re.findall(r"`([^`]+)`", cells[1]))
            rows[name] = (allowed, n)
    if not rows:
        sys.exit(f"check-layers: no table between the layer markers in {DESIGN}")
    return rows


def sources():
    out = subprocess.run(["git", "ls-files", "--cached", "--others",
                          "--exclude-standard", "--", *TOP],
                         cwd=ROOT, capture_output=True, text=True, check=True)
    return sorted(p for p in out.stdout.split()
                  if p.endswith((".c", ".h", ".S"))
                  and os.path.exists(os.path.join(ROOT, p)))


def includes(path):
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            m = INCLUDE.match(line)
            if m:
                yield n, m.group(1)


def find_circle(nodes, edges):
    """A path from some node back to itself along @edges, or None."""
    state = {}

    def visit(a, trail):
        state[a] = 1
        for b in sorted(edges.get(a, ())):
            if state.get(b) == 1:
                return trail + [a, b]
            if b not in state:
                c = visit(b, trail + [a])
                if c:
                    return c
        state[a] = 2
        return None

    for a in sorted(nodes):
        if a not in state:
            c = visit(a, [])
            if c:
                return c[c.index(c[-1]):]
    return None


def main():
    rows = read_table()
    bad = []
    c = find_circle(rows, {a: allowed for a, (allowed, _) in rows.items()})
    if c:
        bad.append("docs/DESIGN.md: the table has a circle: " + " -> ".join(c))
    for name, (allowed, n) in rows.items():
        for b in allowed - set(rows):
            bad.append(f"docs/DESIGN.md:{n}: {name} may include {b}, "
                       "which has no row")
    files = sources()
    arrows = {}
    edges = {}
    for path in files:
        src = folder_of(path)
        if src not in rows:
            bad.append(f"{path}: folder {src} has no row in the table")
        for n, inc in includes(path):
            if not os.path.exists(os.path.join(ROOT, inc)):
                continue	# not ours (a library's header)
            edges.setdefault(path, set()).add(inc)
            dst = folder_of(inc)
            if dst == src:
                continue
            arrows.setdefault((src, dst), []).append(f"{path}:{n}")
            if src in rows and dst not in rows[src][0]:
                bad.append(f"{path}:{n}: {src} may not include {inc} "
                           f"({dst} is not in {src}'s row)")
    c = find_circle([f for f in files if f.endswith(".h")], edges)
    if c:
        bad.append("header circle: " + " -> ".join(c))
    if "--graph" in sys.argv:
        for (a, b), where in sorted(arrows.items()):
            print(f"{a:10} -> {b:10} {len(where):3}  e.g. {where[0]}")
    for line in bad:
        print("check-layers: " + line)
    print(f"check-layers: {len(files)} files, {len(arrows)} arrows between "
          f"{len(rows)} folders: " + ("FAIL" if bad else "ok"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
