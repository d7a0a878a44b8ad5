#!/usr/bin/env python3
"""Checks of cprof's graph images and binary outputs that no golden file can
hold: the SVG is well-formed XML, pans and zooms, and shows every node label
of the -dot output for the same arguments; PNG, PDF, PS and GIF start with
their magic and are not trivially small; binary outputs bound for a terminal
go to a file; -proto reads back through cprof's own decoder as the profile
it came from; -web hands a temporary SVG to $BROWSER, -weblist a
temporary web page of the Source view.

    tests/graphs.py CPROF
"""
import json
import os
import pty
import re
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROFILES = os.path.join(ROOT, "testdata", "conformance", "profiles", "go")
failures = 0
checks = 0


def check(ok, what):
    global failures, checks
    checks += 1
    if not ok:
        failures += 1
        print("graphs: FAIL: " + what, file=sys.stderr)


def run(args, **kw):
    return subprocess.run([CPROF] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


def profile(name):
    return os.path.join(PROFILES, name)


LABEL = re.compile(r'\blabel ?= ?"((?:[^"\\]|\\.)*)"')


def dot_labels(dot):
    """The text lines of every node label (legend and nodelets included) of a dot graph, as Graphviz shows them."""
    lines = []
    for line in dot.splitlines():
        m = LABEL.search(line)
        if not m or " -> " in line:
            continue  # edges' labels are not node labels
        text, cur, i = m.group(1), "", 0
        while i < len(text):
            c = text[i]
            if c == "\\" and i + 1 < len(text):
                e = text[i + 1]
                if e in "nlr":
                    lines.append(cur)
                    cur = ""
                else:
                    cur += e
                i += 2
                continue
            cur += c
            i += 1
        lines.append(cur)
    return [" ".join(l.split()) for l in lines if l.strip()]


def svg_texts(root):
    ns = "{http://www.w3.org/2000/svg}"
    return {" ".join("".join(t.itertext()).split()) for t in root.iter(ns + "text")}


SVG_CASES = [
    [profile("go-heap-bad.pb.gz")],
    ["-alloc_space", "-focus=sliceGrowth", profile("go-heap-bad.pb.gz")],
    ["-call_tree", profile("go-heap-bad.pb.gz")],
    ["-nodecount=10", profile("go-cpu.pb.gz")],
    ["-lines", profile("edge-inline.pb.gz")],
    ["-tagfocus=handler=/sendjson", profile("go-labels-cpu.pb.gz")],
    [profile("edge-longnames.pb.gz")],
    [profile("edge-strlabels.pb.gz")],
    [profile("edge-negative.pb.gz")],
    [profile("edge-nosamples.pb.gz")],
]


def test_svg():
    for args in SVG_CASES:
        name = " ".join(a.replace(PROFILES + "/", "") for a in args)
        dot = run(["-dot"] + args)
        svg = run(["-svg"] + args)
        check(svg.returncode == 0 and svg.stdout, "-svg %s: exit %d" % (name, svg.returncode))
        try:
            root = ET.fromstring(svg.stdout)
        except ET.ParseError as e:
            check(False, "-svg %s: not well-formed: %s" % (name, e))
            continue
        check(root.get("width") == "100%" and root.get("height") == "100%", "-svg %s: not full-window" % name)
        ns = "{http://www.w3.org/2000/svg}"
        scripts = list(root.iter(ns + "script"))
        check(len(scripts) == 1 and "wheel" in (scripts[0].text or ""), "-svg %s: no pan/zoom script" % name)
        check(root.find(".//%sg[@id='viewport']" % ns) is not None, "-svg %s: no viewport group" % name)
        texts = svg_texts(root)
        labels = dot_labels(dot.stdout.decode())
        check(labels, "-dot %s: no labels" % name)
        missing = [l for l in labels if l not in texts]
        check(not missing, "-svg %s: labels missing: %s" % (name, missing[:5]))


MAGIC = {"png": b"\x89PNG\r\n\x1a\n", "pdf": b"%PDF-", "ps": b"%!PS-Adobe", "gif": b"GIF8"}


def test_images():
    for fmt, magic in MAGIC.items():
        r = run(["-" + fmt, profile("go-heap-bad.pb.gz")])
        check(r.returncode == 0, "-%s: exit %d: %s" % (fmt, r.returncode, r.stderr.decode()))
        check(r.stdout.startswith(magic), "-%s: bad magic %r" % (fmt, r.stdout[:8]))
        check(len(r.stdout) > 5000, "-%s: only %d bytes" % (fmt, len(r.stdout)))


def on_terminal(args, cwd):
    """Runs cprof with standard output on a pseudo-terminal; returns (exit, terminal bytes, stderr)."""
    master, slave = pty.openpty()
    p = subprocess.Popen([CPROF] + args, stdout=slave, stderr=subprocess.PIPE, cwd=cwd)
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    err = p.stderr.read()
    p.wait()
    os.close(master)
    return p.returncode, out, err.decode()


def test_away_from_terminal():
    with tempfile.TemporaryDirectory() as d:
        for args, name, magic in [
            (["-png"], "profile001.png", MAGIC["png"]),
            (["-svg"], "profile001.svg", b"<?xml"),
            (["-proto"], "profile001.pb.gz", b"\x1f\x8b"),
            (["-png"], "profile002.png", MAGIC["png"]),
            (["-callgrind"], "profile001.callgraph.out", b"positions:"),
        ]:
            rc, out, err = on_terminal(args + [profile("go-heap-bad.pb.gz")], d)
            check(rc == 0, "%s on a terminal: exit %d: %s" % (args[0], rc, err))
            check("Generating report in %s" % name in err, "%s on a terminal: stderr %r" % (args[0], err))
            check(len(out) == 0, "%s on a terminal: %d bytes written to it" % (args[0], len(out)))
            path = os.path.join(d, name)
            check(os.path.exists(path) and open(path, "rb").read().startswith(magic),
                  "%s on a terminal: no %s" % (args[0], name))
        # text reports still go to the terminal
        rc, out, err = on_terminal(["-dot", profile("go-heap-bad.pb.gz")], d)
        check(rc == 0 and out.startswith(b"digraph"), "-dot on a terminal: %r" % out[:20])
        # -output takes precedence
        out_path = os.path.join(d, "graph.svg")
        rc, out, err = on_terminal(["-svg", "-output=" + out_path, profile("go-heap-bad.pb.gz")], d)
        check(rc == 0 and open(out_path, "rb").read().startswith(b"<?xml"), "-svg -output: %s" % err)


def test_proto_round_trip():
    cases = [
        [profile("go-heap-bad.pb.gz")],
        ["-focus=sliceGrowth", profile("go-heap-bad.pb.gz")],
        ["-lines", profile("go-cpu.pb.gz")],
        ["-hide=runtime", "-ignore=sort", profile("go-cpu.pb.gz")],
        [profile("go-labels-cpu.pb.gz")],
        [profile("edge-numlabels.pb.gz")],
        [profile("edge-comments.pb.gz")],
        ["-diff_base=" + profile("go-allocs-good.pb.gz"), profile("go-allocs-bad.pb.gz")],
    ]
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "p.pb.gz")
        for args in cases:
            name = " ".join(a.replace(PROFILES + "/", "") for a in args)
            proto = run(["-proto"] + args)
            check(proto.returncode == 0 and proto.stdout[:2] == b"\x1f\x8b", "-proto %s: not gzip" % name)
            open(path, "wb").write(proto.stdout)
            want = run(["-raw"] + args).stdout
            got = run(["-raw", path]).stdout
            check(got == want, "-proto %s: -raw of the round trip differs" % name)
        # -divide_by scales every value of the written profile
        open(path, "wb").write(run(["-proto", "-divide_by=10", profile("go-cpu.pb.gz")]).stdout)
        got = run(["-top", "-nodecount=5", path]).stdout
        want = run(["-top", "-nodecount=5", "-divide_by=10", profile("go-cpu.pb.gz")]).stdout
        # (the Duration line's percentage is of the unscaled total, in pprof too)
        check(got.splitlines()[4:] == want.splitlines()[4:], "-proto -divide_by: values differ")
        # -topproto: one sample per node of -top, cum then flat
        top = run(["-topproto", profile("go-cpu.pb.gz")])
        open(path, "wb").write(top.stdout)
        raw = run(["-raw", path]).stdout.decode()
        nodes = len(run(["-top", profile("go-cpu.pb.gz")]).stdout.splitlines()) - 6
        check("cum/ms flat/ms" in raw, "-topproto: sample types %r" % raw[:200])
        samples = raw.split("Samples:")[1].split("Locations")[0].strip().splitlines()[1:]
        check(len(samples) == nodes, "-topproto: %d samples for %d nodes" % (len(samples), nodes))


def test_web():
    with tempfile.TemporaryDirectory() as d:
        seen = os.path.join(d, "seen")
        browser = os.path.join(d, "browser")
        with open(browser, "w") as f:
            f.write('#!/bin/sh\nhead -c 5 "$1" > "%s"\necho >> "%s"\necho "$1" >> "%s"\n' % (seen, seen, seen))
        os.chmod(browser, 0o755)
        env = dict(os.environ, BROWSER=browser, TMPDIR=d)
        r = run(["-web", profile("go-heap-bad.pb.gz")], env=env)
        check(r.returncode == 0, "-web: exit %d: %s" % (r.returncode, r.stderr.decode()))
        lines = open(seen).read().splitlines() if os.path.exists(seen) else []
        check(len(lines) == 2 and lines[0] == "<?xml" and lines[1].endswith(".svg"), "-web: browser saw %r" % lines)
        if len(lines) == 2:
            check(not os.path.exists(lines[1]), "-web: temporary file left behind")
        failing = os.path.join(d, "failing")
        with open(failing, "w") as f:
            f.write("#!/bin/sh\nexit 3\n")
        os.chmod(failing, 0o755)
        # No browser anywhere (PATH holds none, no $BROWSER, no $DISPLAY), or one
        # that starts and fails: the SVG stays, where the message says.
        cases = (("-web without a browser", ["-web"], {"PATH": d, "TMPDIR": d}),
                 ("-web with a failing browser", ["-web"], {"PATH": d, "TMPDIR": d, "BROWSER": failing}),
                 ("web in the shell without a browser", [], {"PATH": d, "TMPDIR": d}))
        for what, flags, env in cases:
            r = run(flags + [profile("go-heap-bad.pb.gz")], env=env, input=b"web\n")
            last = (r.stderr.decode().splitlines() or [""])[-1]
            m = re.search(r"open (\S+\.svg) yourself$", last)
            path = m.group(1) if m else ""
            check(os.path.dirname(path) == d, "%s: no file named in %r" % (what, last))
            check(os.path.isfile(path) and open(path, "rb").read(5) == b"<?xml", "%s: %r not kept" % (what, path))
            if "BROWSER" not in env:
                check("set $BROWSER" in last, "%s: $BROWSER not mentioned: %r" % (what, last))
            if flags:
                check(r.returncode != 0 and not r.stdout, "%s: exit %d, stdout %r" % (what, r.returncode, r.stdout[:80]))
            if os.path.isfile(path):
                os.unlink(path)


def page_data(html):
    """The JSON page data of a web page (cprof's web/page.html), or None."""
    m = re.search(rb'<script id="pagedata" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(m.group(1).decode("utf-8", "surrogateescape")) if m else None


def test_weblist():
    """-weblist and the shell's weblist write the Source view to an HTML file and hand it to $BROWSER."""
    with tempfile.TemporaryDirectory() as d:
        seen = os.path.join(d, "seen")
        browser = os.path.join(d, "browser")
        with open(browser, "w") as f:
            f.write('#!/bin/sh\ncp "$1" "%s.html"\necho "$1" >> "%s"\n' % (seen, seen))
        os.chmod(browser, 0o755)
        env = dict(os.environ, BROWSER=browser, TMPDIR=d)
        for what, flags, stdin in (("-weblist", ["-weblist=sliceGrowth"], b""),
                                   ("weblist in the shell", [], b"weblist sliceGrowth\n")):
            for f in (seen, seen + ".html"):
                if os.path.exists(f):
                    os.unlink(f)
            r = run(flags + [profile("go-heap-bad.pb.gz")], env=env, input=stdin)
            check(r.returncode == 0, "%s: exit %d: %s" % (what, r.returncode, r.stderr.decode()))
            if not flags:
                # the shell starts the browser in the background: give it a moment
                for _ in range(50):
                    if os.path.exists(seen):
                        break
                    time.sleep(0.1)
            lines = open(seen).read().splitlines() if os.path.exists(seen) else []
            check(len(lines) == 1 and re.search(r"/pprof\d+\.html$", lines[0] if lines else ""),
                  "%s: browser saw %r" % (what, lines))
            html = open(seen + ".html", "rb").read() if os.path.exists(seen + ".html") else b""
            data = page_data(html)
            check(html.startswith(b"<!DOCTYPE html>") and data is not None, "%s: not a page: %r" % (what, html[:80]))
            if data:
                names = [f["name"] for f in data.get("listing", [])]
                check(data["view"] == "source" and data.get("standalone") is True and names == ["main.sliceGrowthBad"],
                      "%s: view %r, functions %r" % (what, data.get("view"), names))
                want = run(["-list=sliceGrowth", profile("go-heap-bad.pb.gz")]).stdout.decode()
                rows = [l for l in want.splitlines() if re.match(r"^ *\S+ +\S+ +\d+:", l)]
                got = data["listing"][0]["lines"] if data.get("listing") else []
                check(len(rows) == len(got) and all(r.split()[2] == "%d:" % g["line"] for r, g in zip(rows, got)),
                      "%s: %d lines, -list has %d" % (what, len(got), len(rows)))
            if flags and lines:
                check(not os.path.exists(lines[0]), "%s: temporary file left behind" % what)
        # with no browser, the page stays where the message says
        r = run(["-weblist=sliceGrowth", profile("go-heap-bad.pb.gz")], env={"PATH": d, "TMPDIR": d})
        m = re.search(r"open (\S+\.html) yourself$", r.stderr.decode().strip())
        check(r.returncode != 0 and m and page_data(open(m.group(1), "rb").read()) is not None,
              "-weblist without a browser: %r" % r.stderr)
        # -http with an output format is an error, as in pprof
        r = run(["-http=:8080", "-top", profile("go-heap-bad.pb.gz")], stdin=subprocess.DEVNULL)
        check(r.returncode != 0 and r.stderr == b"cprof: -http is not compatible with an output format on the command line\n",
              "-http -top: exit %d, stderr %r" % (r.returncode, r.stderr))


def test_no_subprocess():
    if not shutil.which("strace"):
        return
    r = subprocess.run(["strace", "-f", "-qq", "-e", "trace=execve,fork,vfork", CPROF, "-svg", profile("go-heap-bad.pb.gz")],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    calls = [l for l in r.stderr.decode().splitlines() if "execve(" in l or "fork(" in l]
    check(len(calls) == 1, "-svg runs other programs: %s" % calls)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: tests/graphs.py CPROF")
    CPROF = os.path.abspath(sys.argv[1])
    test_svg()
    test_images()
    test_away_from_terminal()
    test_proto_round_trip()
    test_web()
    test_weblist()
    test_no_subprocess()
    print("graphs: %d checks, %d failed" % (checks, failures))
    sys.exit(1 if failures else 0)
