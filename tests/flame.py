#!/usr/bin/env python3
"""Checks of cprof's own outputs, -folded and -flame, which pprof lacks.

    tests/flame.py [-update] CPROF

- golden files: testdata/flame/NAME.folded for each case of
  testdata/flame/cases.tsv (-update rewrites them);
- folded stacks agree with -top: for every profile of the corpus and every
  sample index, the folded values summed per leaf function are that
  function's flat value, and their sum is the sum of the flat column;
  every line is a stack, a space and an integer, with no empty frame;
- the flame SVG parses as XML, names every function whose cumulative
  value is above the drawing's minimum width, carries a script that
  `node --check` accepts, and draws the root at the bottom (at the top
  with -icicle); a differential one colours growth red and shrinking blue;
- a flame graph bound for a terminal goes to a file, as pprof does for
  binary outputs; the shell's flame and folded commands write what the
  flags do.
"""
import glob
import os
import pty
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

from checks import Checks, golden

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "testdata", "conformance")
CASES = os.path.join(ROOT, "testdata", "flame")
SVG = "{http://www.w3.org/2000/svg}"
MIN_SHARE = 0.3 / 1180  # src/report_flame.c: MIN_WIDTH_PX of the drawable width
check = Checks("flame")


def run(args, **kw):
    return subprocess.run([CPROF] + args, cwd=CORPUS, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


# ---- folded against -top ----

UNIT_FLAG = {"bytes": "b", "nanoseconds": "ns", "microseconds": "us", "milliseconds": "ms", "seconds": "s"}
LINE = re.compile(rb"^(.+) (-?\d+)$")


def sample_types(path):
    """The profile's sample types, the line after "Samples:" in -raw: [("alloc_objects", "count"), ...]."""
    r = run(["-raw", path])
    lines = r.stdout.decode("utf-8", "replace").splitlines()
    if r.returncode != 0 or "Samples:" not in lines:
        return []
    head = lines[lines.index("Samples:") + 1]
    return [tuple(t.split("[")[0].split("/", 1)) for t in head.split() if "/" in t]


def top_name(name):
    """A -top row's name as a folded frame: no inline mark, ';' as ':' (the folded format's rule)."""
    return re.sub(r" \((partial-)?inline\)$", "", name).replace(";", ":")


def top_flat(path, extra):
    """{function: flat} and the flat column's sum, from -top -nodecount=100000 in the sample unit."""
    r = run(["-top", "-nodecount=100000", "-nodefraction=0"] + extra + [path])
    if r.returncode != 0:
        return None
    flat, total = {}, 0
    for line in r.stdout.decode("utf-8", "replace").splitlines():
        cols = line.split(None, 5)
        if len(cols) < 6 or not cols[1].endswith("%"):
            continue
        m = re.match(r"^(-?[0-9.e+]+)", cols[0])
        if not m:
            continue
        v = float(m.group(1))
        name = top_name(cols[5])
        flat[name] = flat.get(name, 0) + v
        total += v
    return flat, total


def folded_sums(out):
    leaf, total = {}, 0
    for line in out.splitlines():
        m = LINE.match(line)
        if not check(m is not None, f"folded line is not 'stack value': {line[:80]!r}"):
            continue
        frames = m.group(1).split(b";")
        check(all(frames), f"empty frame in {line[:80]!r}")
        name = frames[-1].decode("utf-8", "replace")
        leaf[name] = leaf.get(name, 0) + int(m.group(2))
        total += int(m.group(2))
    return leaf, total


def close(a, b):
    return abs(a - b) <= max(1e-6 * max(abs(a), abs(b)), 0.5)


def against_top():
    profiles = sorted(glob.glob(os.path.join(CORPUS, "profiles", "*", "*")) +
                      glob.glob(os.path.join(CORPUS, "profiles", "*", "upstream", "*")))
    compared = 0
    for path in profiles:
        if os.path.isdir(path):
            continue
        types = sample_types(path)
        for i, (typ, unit) in enumerate(types or [("", "")]):
            extra = [f"-sample_index={i}"] if types else []
            if unit in UNIT_FLAG:
                extra.append("-unit=" + UNIT_FLAG[unit])
            top = top_flat(path, extra)
            r = run(["-folded"] + extra + [path])
            if top is None or r.returncode != 0:
                check(top is None and r.returncode != 0, f"-top and -folded disagree on failing: {path} {extra}")
                continue
            flat, top_total = top
            leaf, total = folded_sums(r.stdout)
            rel = os.path.relpath(path, CORPUS)
            check(close(total, top_total), f"{rel} {extra}: folded total {total} != -top's {top_total}")
            for name, v in flat.items():
                if v != 0:
                    check(close(leaf.get(name, 0), v), f"{rel} {extra}: {name}: folded {leaf.get(name, 0)} != flat {v}")
            for name, v in leaf.items():
                check(name in flat or v == 0, f"{rel} {extra}: folded leaf {name} is not in -top")
            compared += 1
    check(compared >= 40, f"only {compared} profile/index pairs compared")
    return compared


# ---- the flame SVG ----

def frames(root):
    """(name, x, y, width, fill) of every frame box."""
    out = []
    for g in root.iter(SVG + "g"):
        title, rect = g.find(SVG + "title"), g.find(SVG + "rect")
        if title is None or rect is None:
            continue
        out.append((title.text.split("\n")[0], float(rect.get("x")), float(rect.get("y")),
                    float(rect.get("width")), rect.get("fill")))
    return out


def svg_checks():
    cases = [
        ["profiles/go/go-heap-bad.pb.gz"],
        ["-sample_index=alloc_space", "profiles/go/go-heap-bad.pb.gz"],
        ["profiles/go/go-cpu.pb.gz"],
        ["-lines", "profiles/go/go-labels-cpu.pb.gz"],
        ["profiles/go/edge-longnames.pb.gz"],
        ["profiles/go/edge-manynodes.pb.gz"],
        ["src/native/calc", "profiles/native/calc.cpu"],
        ["profiles/native/upstream/java.cpu"] if os.path.exists(os.path.join(CORPUS, "profiles/native/upstream/java.cpu")) else ["profiles/go/go-block.pb.gz"],
    ]
    tmp = tempfile.mkdtemp()
    try:
        for n, args in enumerate(cases):
            r = run(["-flame"] + args)
            if not check(r.returncode == 0, f"-flame {args}: {r.stderr.decode()}"):
                continue
            try:
                root = ET.fromstring(r.stdout)
            except ET.ParseError as e:
                check(False, f"-flame {args}: not XML: {e}")
                continue
            boxes = frames(root)
            names = {b[0] for b in boxes}
            top = run(["-top", "-nodecount=100000", "-nodefraction=0"] + args).stdout.decode("utf-8", "replace")
            total = sum(b[3] for b in boxes[:1])
            for line in top.splitlines():
                cols = line.split(None, 5)
                if len(cols) < 6 or not cols[4].endswith("%"):
                    continue
                cum = float(cols[4][:-1]) / 100
                name = re.sub(r" \((partial-)?inline\)$", "", cols[5])
                if cum >= 4 * MIN_SHARE:
                    check(name in names, f"-flame {args}: {name} (cum {cols[4]}) is not drawn")
            check(total > 1000, f"-flame {args}: the root box is {total} px wide")
            # the root at the bottom: the widest box has the largest y
            root_box = boxes[0]
            check(root_box[0] == "all" and all(b[2] <= root_box[2] for b in boxes), f"-flame {args}: root not at the bottom")
            script = root.find(SVG + "script")
            path = os.path.join(tmp, f"flame{n}.js")
            with open(path, "w") as f:
                f.write(script.text)
            if shutil.which("node"):
                c = subprocess.run(["node", "--check", path], stderr=subprocess.PIPE)
                check(c.returncode == 0, f"-flame {args}: node --check: {c.stderr.decode()}")
            else:
                check(False, "node is missing (make deps installs nodejs)")
        # -icicle: the root on top
        r = run(["-flame", "-icicle", "profiles/go/go-heap-bad.pb.gz"])
        boxes = frames(ET.fromstring(r.stdout))
        check(boxes[0][0] == "all" and all(b[2] >= boxes[0][2] for b in boxes), "-icicle: root not at the top")
        # differential: the leak grows (red), widths are the new profile's
        r = run(["-flame", "-base=profiles/go/go-leak-1.pb.gz", "profiles/go/go-leak-5.pb.gz"])
        root = ET.fromstring(r.stdout)
        boxes = frames(root)
        grow = [b for b in boxes if b[0] == "main.(*sessionStore).remember"]
        check(bool(grow) and grow[0][4].startswith("rgb(255,"), f"-base: the growing function is not red: {grow}")
        title = root.find(SVG + "text").text or ""
        check("Differential" in "".join(root.find(SVG + "text").itertext()) or "Differential" in title,
              "-base: the title does not say differential")
        new = run(["-flame", "profiles/go/go-leak-5.pb.gz"])
        new_root = frames(ET.fromstring(new.stdout))[0]
        check(abs(new_root[3] - boxes[0][3]) < 0.2, "-base: the root is not as wide as the new profile's")
        titles = [t.text for t in root.iter(SVG + "title")]
        check(any("change +" in t for t in titles), "-base: no frame shows its change")
        # diff_base gives the same picture
        d = run(["-flame", "-diff_base=profiles/go/go-leak-1.pb.gz", "profiles/go/go-leak-5.pb.gz"])
        check(d.stdout == r.stdout, "-diff_base and -base draw different flame graphs")
        # to a terminal: a file instead, named on stderr
        pid, fd = pty.fork()
        if pid == 0:
            os.chdir(tmp)
            os.execv(CPROF, [CPROF, "-flame", os.path.join(CORPUS, "profiles/go/go-heap-bad.pb.gz")])
        out = b""
        while True:
            try:
                data = os.read(fd, 4096)
            except OSError:
                break
            if not data:
                break
            out += data
        os.waitpid(pid, 0)
        m = re.search(rb"Generating report in (\S+)", out)
        check(m is not None and b"<svg" not in out, f"-flame to a terminal: {out[:200]!r}")
        if m:
            with open(os.path.join(tmp, m.group(1).decode()), "rb") as f:
                check(f.read(5) == b"<?xml", "-flame to a terminal: the file is not the SVG")
        # the shell's commands write the same as the flags
        script = f"flame > {tmp}/s.svg\nfolded > {tmp}/s.folded\n"
        subprocess.run([CPROF, "profiles/go/go-heap-bad.pb.gz"], cwd=CORPUS, input=script.encode(),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for ext, flag in (("svg", "-flame"), ("folded", "-folded")):
            want = run([flag, "profiles/go/go-heap-bad.pb.gz"]).stdout
            try:
                with open(f"{tmp}/s.{ext}", "rb") as f:
                    got = f.read()
            except OSError:
                got = b""
            check(got == want, f"the shell's {flag[1:]} > file differs from {flag}")
    finally:
        shutil.rmtree(tmp)


def main():
    global CPROF
    args = sys.argv[1:]
    update = args and args[0] == "-update"
    if update:
        args = args[1:]
    if len(args) != 1:
        sys.exit("usage: tests/flame.py [-update] CPROF")
    CPROF = os.path.abspath(args[0])
    golden(check, CASES, ".folded", run, update)
    if update:
        print("flame: golden files rewritten")
        return
    n = against_top()
    svg_checks()
    check.done(f" ({n} profile/index pairs against -top)")


if __name__ == "__main__":
    main()
