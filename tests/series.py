#!/usr/bin/env python3
"""Checks of a series of snapshots (-series), -memstats and their shell
commands, on the snapshots saved in testdata/series (no Go needed; see
tests/series_go.py for a live program).

    tests/series.py [-update] CPROF

- golden files: testdata/series/NAME.out for each case of
  testdata/series/cases.tsv, run there with TZ=UTC (-update rewrites them);
- each golden report also holds what the snapshots say on their own: the
  table's values are each snapshot's -top flat values (or, for goroutines,
  its -folded stacks), its rates the least-squares slopes of those values
  over the profiles' own times, its suspects those the stated rule picks
  from them; the MemStats reports print the numbers of the trailer that
  -comments shows, and the sums and differences they name;
- the line chart is SVG that parses, with a line and a legend entry for
  each function of the table, labelled axes; -series -flame is the
  -flame of the last snapshot against the first; the shell's commands
  print what the flags do;
- snapshots given in another order make the same report; files without a
  time are placed by their modification times; misuse is a one-line error.
"""
import datetime
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

from checks import Checks, golden

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DIR = os.path.join(ROOT, "testdata", "series")
HEAP = [f"heap-{i}.pb.gz" for i in range(1, 6)]
GOROUTINE = [f"goroutine-{i}.pb.gz" for i in range(1, 6)]
SVG = "{http://www.w3.org/2000/svg}"
# src/transform_series.h: the leak rule
MIN_R2, MIN_RISE = 0.9, 0.01
check = Checks("series")


def run(args, stdin=None, cwd=DIR):
    env = dict(os.environ, TZ="UTC")
    return subprocess.run([CPROF] + args, cwd=cwd, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          env=env)


def text(r):
    return r.stdout.decode("utf-8", "replace")


# ---- what the snapshots say on their own ----

def snapshot_time(path):
    """The profile's time, in nanoseconds, from -raw's Time: line (Go's time.String)."""
    for line in text(run(["-raw", path])).splitlines():
        m = re.match(r"^Time: (\d+-\d+-\d+ \d+:\d+:\d+)(?:\.(\d+))? \+0000 UTC$", line)
        if m:
            t = datetime.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S").replace(tzinfo=datetime.timezone.utc)
            return int(t.timestamp()) * 10**9 + int((m.group(2) or "0").ljust(9, "0"))
    return None


def top_values(path, extra):
    """{function: flat} in bytes or counts (cum with -cum), and the total, from -top."""
    out = text(run(["-top", "-nodefraction=0", "-unit=b"] + extra + [path]))
    column = 3 if "-cum" in extra else 0
    values, total = {}, None
    for line in out.splitlines():
        m = re.match(r"^Showing nodes accounting for \S+, \S+ of (-?\d+)[Bb]? total", line)
        if m:
            total = int(m.group(1))
        cols = line.split(None, 5)
        if len(cols) == 6 and cols[1].endswith("%") and re.match(r"^-?\d+[Bb]?$", cols[0]):
            # "(inline)" tells how a node was called in that snapshot: no part of its name
            name = re.sub(r" \((partial-)?inline\)$", "", cols[5])
            values[name] = values.get(name, 0) + int(cols[column].rstrip("Bb"))
    return values, total


def folded_values(path):
    values = {}
    for line in text(run(["-folded", path])).splitlines():
        stack, v = line.rsplit(" ", 1)
        values[stack] = values.get(stack, 0) + int(v)
    return values


def fit(xs, ys):
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    syy = sum((y - my) ** 2 for y in ys)
    return sxy / sxx, (sxy * sxy / (sxx * syy) if syy else 0)


def parse_table(out, n):
    """The series table: {name: (values, change, rate)} and the names in order, values as printed."""
    rows, order, lines = {}, [], out.splitlines()
    start = next(i for i, l in enumerate(lines) if re.search(r"change +rate/min$", l))
    for line in lines[start + 1:]:
        cols = line.split(None, n + 2)
        if len(cols) < n + 3:
            break
        rows[cols[n + 2]] = (cols[:n], cols[n], cols[n + 1])
        order.append(cols[n + 2])
    return rows, order


def parse_suspects(out):
    return re.findall(r"^ +\d+\. (.+)$", out, re.M)


def number(s):
    """A value or rate as the table prints it with -unit=b (or a plain count)."""
    v = float(s.rstrip("B").lstrip("+")) if s not in ("-", "0") else 0
    return int(v) if v == int(v) else v


def expected_suspects(series, times, last_total):
    """The rule of src/transform_series.h, applied to the snapshots' own values: names, fastest first."""
    found = []
    for name, ys in series.items():
        rising = sum(b > a for a, b in zip(ys, ys[1:]))
        rate, r2 = fit(times, ys)
        change = ys[-1] - ys[0]
        if rising * 2 > len(ys) - 1 and rate > 0 and r2 >= MIN_R2 and change > 0 and change >= MIN_RISE * abs(last_total):
            found.append((-rate, -change, name))
    return [name for _, _, name in sorted(found)][:10]


def against_snapshots(files, extra, label):
    """The series table of files (with extra flags) against each snapshot's own values."""
    n = len(files)
    times = [snapshot_time(f) for f in files]
    check(None not in times, f"{label}: a snapshot without a time")
    minutes = [(t - times[0]) / 60e9 for t in times]
    stacks = "goroutine" in files[0]
    per = [folded_values(f) if stacks else top_values(f, extra)[0] for f in files]
    totals = [sum(p.values()) if stacks else top_values(f, extra)[1] for p, f in zip(per, files)]
    names = set().union(*per)
    series = {name: [p.get(name, 0) for p in per] for name in names}
    out = text(run(["-series", "-top", "-unit=b", "-nodefraction=0"] + extra + files))
    rows, order = parse_table(out, n)
    funcs = [o for o in order if not o.endswith("(runtime.MemStats)")]
    check(set(funcs) == {k for k, v in series.items() if any(v)},
          f"{label}: the table's rows are not the snapshots' functions: {sorted(set(funcs) ^ set(series))[:5]}")
    rates = {}
    for name in funcs:
        values, change, rate = rows[name]
        ys = series.get(name, [0] * n)
        check([number(v) for v in values] == ys, f"{label}: {name}: {values} are not the snapshots' {ys}")
        check(number(change) == ys[-1] - ys[0], f"{label}: {name}: change {change} is not {ys[-1] - ys[0]}")
        want, _ = fit(minutes, ys)
        rates[name] = want
        check(abs(number(rate) - want) <= 0.5 + 1e-9 * abs(want),
              f"{label}: {name}: rate {rate}/min is not the least-squares {want:.2f}")
    check(all(rates[a] >= rates[b] - 1e-6 for a, b in zip(funcs, funcs[1:])), f"{label}: rows not by rate")
    want = expected_suspects(series, minutes, totals[-1])
    check(parse_suspects(out) == want, f"{label}: suspects {parse_suspects(out)}, the rule picks {want}")
    return want


def snapshots():
    heap = against_snapshots(HEAP, [], "heap")
    check(heap[:1] == ["main.leakSessions"], f"heap: the leak is not the first suspect: {heap}")
    check(not {"main.churnBuffers", "main.churnParse"} & set(heap), f"heap: churn among the suspects: {heap}")
    against_snapshots(HEAP, ["-cum"], "heap -cum")
    against_snapshots(HEAP, ["-focus=churn"], "heap -focus=churn")
    # a snapshot's samples read as far as the table needs: leaves alone, without labels, or whole
    for extra in (["-tagfocus=bytes=16kB"], ["-hide=leakSessions"], ["-lines"], ["-inuse_objects"], ["-show=main"]):
        against_snapshots(HEAP, extra, "heap " + " ".join(extra))
    # what the filters say, they say once, and of the snapshots only: they match
    err = run(["-series", "-top", "-tagfocus=bytes=16kB", "-hide=leakSessions"] + HEAP).stderr.decode()
    check(err == "tagfocus:Interpreted '16kB' as range, not regexp\n", f"-series -tagfocus -hide said {err!r}")
    g = against_snapshots(GOROUTINE, [], "goroutine")
    check(g[:1] and "main.stuckWorker" in g[0], f"goroutine: the stuck workers' stack is not the first suspect: {g}")
    check(not any("main.shortWorker" in s for s in g), f"goroutine: short-lived workers among the suspects: {g}")


# ---- MemStats ----

def trailer(path):
    """The MemStats trailer as the file holds it: {key: value} from -comments, or from the text itself."""
    if path.endswith(".txt"):
        with open(os.path.join(DIR, path), encoding="utf-8") as f:
            lines = f.read().split("# runtime.MemStats\n", 1)[1].splitlines()
    else:
        lines = text(run(["-comments", path])).splitlines()
    fields = {}
    for line in lines:
        m = re.match(r"^# (\w+) = (.*)$", line)
        if m:
            fields[m.group(1)] = m.group(2)
    return fields


def memstats(path):
    t = trailer(path)
    out = text(run(["-memstats", "-unit=b", path]))
    shown = {}
    for line in out.splitlines():
        m = re.match(r"^  (\S+(?:, \S+)*(?: \S+)?) +(-?\d+)B?  ", line)
        if m:
            shown[m.group(1)] = int(m.group(2))
    num = lambda k, part=0: int(t[k].split("/")[part])
    want = {"HeapAlloc": num("HeapAlloc"), "HeapObjects": num("HeapObjects"), "HeapInuse": num("HeapInuse"),
            "HeapIdle": num("HeapIdle"), "HeapReleased": num("HeapReleased"), "HeapSys": num("HeapSys"),
            "StackInuse": num("Stack"), "StackSys": num("Stack", 1), "GCSys": num("GCSys"),
            "MSpanSys": num("MSpan", 1), "MCacheSys": num("MCache", 1), "BuckHashSys": num("BuckHashSys"),
            "OtherSys": num("OtherSys"), "Sys": num("Sys"), "NumGC": num("NumGC"), "NextGC": num("NextGC"),
            "fragmentation": num("HeapInuse") - num("HeapAlloc"),
            "idle, held": num("HeapIdle") - num("HeapReleased"), "RSS, at most": num("Sys") - num("HeapReleased")}
    if "MaxRSS" in t:
        want["MaxRSS"] = num("MaxRSS")
    sampled = top_values(path, ["-sample_index=inuse_space"])[1]
    want["inuse_space"] = sampled
    for k, v in want.items():
        check(shown.get(k) == v, f"-memstats {path}: {k} shows {shown.get(k)}, the trailer says {v}")
    total = sum(num(k, p) for k, p in (("HeapSys", 0), ("Stack", 1), ("MSpan", 1), ("MCache", 1), ("BuckHashSys", 0),
                                       ("GCSys", 0), ("OtherSys", 0)))
    check(total == num("Sys"), f"{path}: Sys is not the sum the report says it is")


def series_memstats():
    out = text(run(["-series", "-memstats", "-unit=b"] + HEAP))
    rows, _ = parse_table(out, len(HEAP))
    for i, path in enumerate(HEAP):
        t = trailer(path)
        for key in ("HeapAlloc", "HeapInuse", "Sys", "NumGC", "NextGC"):
            check(number(rows[key][0][i]) == int(t[key]), f"-series -memstats: {key} of {path} is not {t[key]}")
        check(number(rows["idle, held"][0][i]) == int(t["HeapIdle"]) - int(t["HeapReleased"]),
              f"-series -memstats: idle, held of {path}")
    top = text(run(["-series", "-top", "-unit=b"] + HEAP))
    rows, _ = parse_table(top, len(HEAP))
    check([number(v) for v in rows["Sys (runtime.MemStats)"][0]] == [int(trailer(p)["Sys"]) for p in HEAP],
          "-series -top: the Sys line is not the trailers' Sys")


# ---- pictures, shell ----

def chart():
    r = run(["-series", "-svg"] + HEAP)
    try:
        svg = ET.fromstring(r.stdout)
    except ET.ParseError as e:
        check(False, f"-series -svg does not parse: {e}")
        return
    table = text(run(["-series", "-top", "-nodecount=10"] + HEAP))
    _, order = parse_table(table, len(HEAP))
    names = [o.replace(" (runtime.MemStats)", "") for o in order]
    legend = ["".join(t.itertext()).replace(" (runtime.MemStats)", "")
              for g in svg.iter(SVG + "g") if g.get("class") == "legend" for t in g.iter(SVG + "text")]
    check(legend == names, f"-series -svg: legend {legend} is not the table's {names}")
    lines = [g for g in svg.iter(SVG + "g") if g.get("class") == "series"]
    check(len(lines) == len(names) and all(len(g.findall(SVG + "circle")) == len(HEAP) for g in lines),
          "-series -svg: not a line with a dot per snapshot for each row")
    labels = {t.get("class"): "".join(t.itertext()) for t in svg.iter(SVG + "text") if t.get("class")}
    check(labels.get("xlabel", "").startswith("time since 2026-12-03") and labels.get("ylabel") == "inuse_space (MB)",
          f"-series -svg: axes labelled {labels}")
    flame = run(["-series", "-flame"] + HEAP)
    pair = run(["-flame", "-diff_base=" + HEAP[0], HEAP[-1]])
    check(flame.returncode == 0 and flame.stdout == pair.stdout,
          "-series -flame is not the -flame of the last snapshot against the first")


def shell(tmp):
    svg, flame = os.path.join(tmp, "s.svg"), os.path.join(tmp, "f.svg")
    script = f"top\nsvg >{svg}\nmemstats\nflame >{flame}\ntraces\nquit\n".encode()
    r = run(["-series"] + HEAP, stdin=script)
    out = text(r)
    want = [text(run(["-series", "-top", "-nodecount=10"] + HEAP)), text(run(["-series", "-memstats"] + HEAP))]
    check(r.returncode == 0 and all(w in out for w in want), "shell: top and memstats print what the flags do")
    check(open(svg, "rb").read() == run(["-series", "-svg"] + HEAP).stdout, "shell: svg is not -series -svg")
    check(open(flame, "rb").read() == run(["-series", "-flame"] + HEAP).stdout, "shell: flame is not -series -flame")
    err = r.stderr.decode()
    check("A series of 5 snapshots" in err and "traces: not available for a series" in err,
          f"shell: greeting and refusal: {err[-300:]!r}")
    one = run(["heap-5.pb.gz"], stdin=b"memstats\n")
    check(text(one).replace("(cprof) ", "") == text(run(["-memstats", "heap-5.pb.gz"])),
          "shell: memstats is not -memstats")


# ---- order, times, errors ----

def order_and_times(tmp):
    forward = run(["-series", "-top"] + HEAP)
    backward = run(["-series", "-top"] + HEAP[::-1])
    check(forward.returncode == 0 and forward.stdout == backward.stdout, "snapshots in another order: another report")
    # Legacy texts carry no time: their files' modification times order them.
    src = os.path.join(ROOT, "testdata", "conformance", "profiles", "go", "go-heap-bad.txt")
    a, b = os.path.join(tmp, "a.txt"), os.path.join(tmp, "b.txt")
    shutil.copy(src, a)
    shutil.copy(src, b)
    os.utime(b, (1796000000, 1796000000))
    os.utime(a, (1796000060, 1796000060))
    r = run(["-series", "-top", a, b])
    check(r.returncode == 0 and "Series of 2 snapshots, 2026-11-30 00:53:20 UTC to 2026-11-30 00:54:20 UTC (1m0s)"
          in text(r), f"files without a time: by modification time: {text(r)[:300]!r} {r.stderr[-200:]!r}")


ERRORS = [
    (["-series", "-top", "heap-1.pb.gz"], "cprof: a series needs two snapshots or more, not 1"),
    (["-series", "-top", "heap-1.pb.gz", "-"], "cprof: a series reads its snapshots more than once: not from standard input"),
    (["-snapshots=1", "heap-1.pb.gz"], "cprof: -snapshots=1: a series needs two snapshots or more"),
    (["-snapshots=3", "-top", "heap-1.pb.gz"], "cprof: -snapshots: heap-1.pb.gz is a file; snapshots are fetched from a URL"),
    (["-snapshots=3", "-interval=1x", "localhost:1/heap"], 'cprof: -interval: time: unknown unit "x" in duration "1x"'),
    (["-snapshots=3", "-interval=0s", "localhost:1/heap"], "cprof: -interval=0s: the time between snapshots must be positive"),
    (["-interval=1s", "-top", "heap-1.pb.gz"], "cprof: -interval only makes sense with -snapshots"),
    (["-series", "-base=heap-1.pb.gz", "-top", "heap-2.pb.gz", "heap-3.pb.gz"],
     "cprof: -series and -base cannot both be specified: a series compares its own snapshots"),
    (["-series", "-top", "heap-1.pb.gz", "goroutine-2.pb.gz"],
     "cprof: goroutine-2.pb.gz: its sample type is goroutine, not inuse_space as in heap-1.pb.gz"),
    (["-series", "-traces"] + HEAP, "cprof: -traces: not available for a series: use -top, -svg, -flame or -memstats"),
    (["-series", "-memstats"] + GOROUTINE, "cprof: -memstats: no snapshot of the series has runtime.MemStats; Go"),
    (["-memstats", "goroutine-1.pb.gz"], "cprof: -memstats: the profile has no runtime.MemStats; Go writes them at"),
    (["-series", "-top", "heap-1.pb.gz", "heap-1.pb.gz"],
     "cprof: every snapshot has the same time: no rate can be computed"),
]


def errors():
    for args, want in ERRORS:
        r = run(args)
        err = r.stderr.decode()
        check(r.returncode != 0 and not r.stdout and err.startswith(want) and err.count("\n") == 1,
              f"cprof {' '.join(args)}: want {want!r}, got {r.returncode} {err!r}")


def main():
    global CPROF
    args = sys.argv[1:]
    update = args[:1] == ["-update"]
    if update:
        args = args[1:]
    CPROF = os.path.abspath(args[0])
    golden(check, DIR, ".out", run, update)
    if update:
        return
    snapshots()
    for path in ["heap-1.pb.gz", "heap-5.pb.gz", "../conformance/profiles/go/go-heap-bad.txt"]:
        memstats(path)
    series_memstats()
    chart()
    tmp = tempfile.mkdtemp()
    try:
        shell(tmp)
        order_and_times(tmp)
    finally:
        shutil.rmtree(tmp)
    errors()
    check.done()


if __name__ == "__main__":
    main()
