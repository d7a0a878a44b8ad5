#!/usr/bin/env python3
"""A series of snapshots taken by cprof from a live Go program that leaks
at a known rate (tests/go/leakserver, built here).

This test needs Go: Debian's golang-go (make deps installs it).

    tests/series_go.py CPROF

- -snapshots=5 -interval=1s of /debug/pprof/heap: five files saved in
  $PPROF_TMPDIR as pprof names its saved fetches, a progress line for each;
  the leaking function ranks first among the suspects, at a rate within 20%
  of the bytes the program says it leaked per minute meanwhile; the
  functions whose memory comes and goes are not suspects;
- the same of /debug/pprof/goroutine: the stack of the goroutines that
  never end ranks first, within 20% of their true rate; short-lived ones
  are not suspects;
- Ctrl-C in the middle of a capture stops it, keeps the snapshots taken,
  and reports on them;
- -memstats of the proto heap profile fetches the trailer from ?debug=1,
  and its numbers are those of a trailer fetched at the same time, give
  or take what the heap did in between, as the shell's memstats does;
  a -series of URLs fetches each.
"""
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

from checks import Checks

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
check = Checks("series-go")
TOLERANCE = 0.20


def leaked(addr):
    """What the program says it has leaked: (bytes, goroutines, unix nanoseconds)."""
    with urllib.request.urlopen(f"http://{addr}/leaked", timeout=10) as r:
        b, g, t = r.read().split()
    return int(b), int(g), int(t)


def cprof(args, tmp, **kw):
    env = dict(os.environ, TZ="UTC", PPROF_TMPDIR=os.path.join(tmp, "saved"))
    return subprocess.Popen([CPROF] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, **kw)


def scaled(label):
    """A value as cprof prints it ("+93.50MB", "+6000") in bytes or a count."""
    m = re.match(r"^\+?(-?[0-9.]+)(B|kB|MB|GB)?$", label)
    return float(m.group(1)) * {None: 1, "B": 1, "kB": 1 << 10, "MB": 1 << 20, "GB": 1 << 30}[m.group(2)]


def suspects(out):
    """[(name, rate per minute)] of the report's suspects, best first."""
    return [(m.group(1), scaled(m.group(2)))
            for m in re.finditer(r"^ +\d+\. (.+)\n +(\S+)/min, ", out, re.M)]


def capture(addr, tmp, path, index):
    """-snapshots=5 -interval=1s of path: the report, its messages, and the true rate (per minute) meanwhile."""
    before = leaked(addr)
    p = cprof(["-snapshots=5", "-interval=1s", "-series", "-top", f"http://{addr}{path}"], tmp)
    out, err = p.communicate(timeout=120)
    after = leaked(addr)
    minutes = (after[2] - before[2]) / 60e9
    return p.returncode, out.decode(), err.decode(), (after[index] - before[index]) / minutes


def heap(addr, tmp):
    rc, out, err, true_rate = capture(addr, tmp, "/debug/pprof/heap", 0)
    found = suspects(out)
    check(rc == 0 and found and found[0][0] == "main.leakSessions", f"heap: the leak is not first: {found} {err}")
    if found:
        rate = found[0][1]
        check(abs(rate - true_rate) <= TOLERANCE * true_rate,
              f"heap: rate {rate / 2**20:.2f}MB/min, the program leaked {true_rate / 2**20:.2f}MB/min")
        print(f"series-go: heap leak: measured {rate / 2**20:.2f}MB/min, true {true_rate / 2**20:.2f}MB/min")
    names = [n for n, _ in found]
    check("main.churnBuffers" not in names and "main.churnParse" not in names,
          f"heap: memory that comes and goes among the suspects: {names}")
    saved = sorted(os.listdir(os.path.join(tmp, "saved")))
    want = [f"pprof.leakserver.alloc_objects.alloc_space.inuse_objects.inuse_space.{i:03d}.pb.gz" for i in range(1, 6)]
    check(saved == want, f"heap: saved {saved}, not as pprof names its saves")
    progress = re.findall(r"^Snapshot (\d) of 5, (\d+-\d+-\d+ \d+:\d+:\d+ UTC), ([0-9.]+[kM]?B): (.+)$", err, re.M)
    check([int(p[0]) for p in progress] == [1, 2, 3, 4, 5] and
          [os.path.basename(p[3]) for p in progress] == want, f"heap: progress lines: {err}")
    for name in saved:
        os.unlink(os.path.join(tmp, "saved", name))


def goroutine(addr, tmp):
    rc, out, err, true_rate = capture(addr, tmp, "/debug/pprof/goroutine", 1)
    found = suspects(out)
    check(rc == 0 and found and "main.stuckWorker" in found[0][0],
          f"goroutine: the stuck workers are not first: {found} {err}")
    if found:
        rate = found[0][1]
        check(abs(rate - true_rate) <= TOLERANCE * true_rate,
              f"goroutine: rate {rate:.0f}/min, the program leaked {true_rate:.0f}/min")
        print(f"series-go: goroutine leak: measured {rate:.0f}/min, true {true_rate:.0f}/min")
    check(not any("main.shortWorker" in n for n, _ in found), f"goroutine: short-lived workers are suspects: {found}")


def interrupt(addr, tmp):
    saved = os.path.join(tmp, "saved")
    before = set(os.listdir(saved)) if os.path.isdir(saved) else set()
    p = cprof(["-snapshots=20", "-interval=1s", "-series", "-top", f"http://{addr}/debug/pprof/heap"], tmp)
    time.sleep(2.5)
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=60)
    out, err = out.decode(), err.decode()
    taken = sorted(set(os.listdir(saved)) - before)
    m = re.search(r"^Interrupted: keeping the (\d+) snapshots taken$", err, re.M)
    check(p.returncode == 0 and m and int(m.group(1)) == len(taken) and 2 <= len(taken) <= 4,
          f"Ctrl-C: exit {p.returncode}, kept {taken}, said {err!r}")
    check(f"Series of {len(taken)} snapshots" in out and suspects(out)[:1] and
          suspects(out)[0][0] == "main.leakSessions", f"Ctrl-C: no report of the snapshots taken: {out[:400]!r}")


def memstats(addr, tmp):
    p = cprof(["-memstats", "-unit=b", f"http://{addr}/debug/pprof/heap"], tmp)
    out, err = p.communicate(timeout=60)
    out, err = out.decode(), err.decode()
    check(p.returncode == 0 and f"Fetching profile over HTTP from http://{addr}/debug/pprof/heap?debug=1" in err,
          f"-memstats of a proto heap: no fetch of ?debug=1: {err!r}")
    with urllib.request.urlopen(f"http://{addr}/debug/pprof/heap?debug=1", timeout=10) as r:
        trailer = dict(re.findall(r"^# (\w+) = (\d+)$", r.read().decode(), re.M))
    m = re.search(r"^  NumGC +(\d+)  ", out, re.M)
    # a collection every 100 ms: a second later, at most some 20 more
    check(m and 0 <= int(trailer["NumGC"]) - int(m.group(1)) <= 20,
          f"-memstats: NumGC {m and m.group(1)}, the trailer fetched after it says {trailer.get('NumGC')}")
    p = cprof([f"http://{addr}/debug/pprof/heap"], tmp, stdin=subprocess.PIPE)
    out, err = p.communicate(b"memstats\n", timeout=60)
    check(p.returncode == 0 and "  HeapAlloc  " in out.decode() and "heap?debug=1" in err.decode(),
          f"the shell's memstats of a proto heap: {err.decode()!r}")
    p = cprof(["-series", "-top", f"http://{addr}/debug/pprof/heap", f"{addr}/debug/pprof/heap"], tmp)
    out, err = p.communicate(timeout=60)
    check(p.returncode == 0 and "Series of 2 snapshots" in out.decode(), f"-series of two URLs: {err.decode()!r}")


def main():
    global CPROF
    CPROF = os.path.abspath(sys.argv[1])
    if subprocess.run(["sh", "-c", "command -v go"], stdout=subprocess.DEVNULL).returncode != 0:
        print("series-go: this test needs Go: Debian's golang-go (make deps installs it)")
        sys.exit(1)
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, GOPROXY="off", GOFLAGS="", GO111MODULE="off", GOCACHE=os.path.join(tmp, "gocache"))
        build = subprocess.run(["go", "build", "-o", os.path.join(tmp, "leakserver"),
                                os.path.join(ROOT, "tests", "go", "leakserver", "main.go")],
                               cwd=tmp, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if build.returncode != 0:
            print("series-go: could not build tests/go/leakserver:\n" + build.stdout.decode())
            sys.exit(1)
        server = subprocess.Popen([os.path.join(tmp, "leakserver")], stdout=subprocess.PIPE)
        try:
            addr = server.stdout.readline().decode().strip()
            time.sleep(1)  # past the start: a steady leak
            heap(addr, tmp)
            goroutine(addr, tmp)
            interrupt(addr, tmp)
            memstats(addr, tmp)
        finally:
            server.kill()
            server.wait()
    check.done()


if __name__ == "__main__":
    main()
