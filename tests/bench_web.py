#!/usr/bin/env python3
"""The web interface's speed: time to first byte of each landing view.

    tests/bench_web.py CPROF [PROFILE...]

The profiles are ../shared/bench/medium and large by default. For cprof
it prints:
- how long loading alone takes (cprof -comments), and how long until the
  server says "Serving web UI on" (loading, then the landing views for
  the command line's settings made once, before serving);
- per view (flamegraph, top, graph), the time to the first byte of the
  answer and to its last, and its size: first as a browser gets it (the
  landing views, made before serving), then as a request with other
  settings gets it (si= the default type spelled out: a report made
  afresh, as any new combination of settings is);
- where each report's time went (CPROF_WEB_TIMING): numeric label
  units, label frames, filters, total, aggregation, the report (its graph
  or stack tree), the graph's layout;
- with Debian's chromium (tests/web_browser.py --render-time), the time
  the flame graph page takes to draw.
Then the same views from go tool pprof -http (when go is installed and
BENCH_WEB_PPROF is not 0): its time to load, each view's time to first
byte, and cprof's as a share of it. pprof copies the profile for every
request: on `large` it fills the machine's memory, so it is killed past
BENCH_WEB_PPROF_MAX_GB (12) of resident memory and the view says so.
pprof's graph view runs the dot program, which Debian's graphviz library
packages do not install: without it pprof answers 501.
"""
import gzip
import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VIEWS = ["top", "graph", "flamegraph"]  # pprof may not get past the flame graph


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def fetch(port, path, timeout=3600):
    """(status, seconds to the first byte, seconds to the last, bytes)."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    t0 = time.monotonic()
    c.request("GET", path)
    r = c.getresponse()
    t1 = time.monotonic()
    body = r.read()
    t2 = time.monotonic()
    c.close()
    return r.status, t1 - t0, t2 - t0, len(body), body


def row(tool, view, how, status, ttfb, total, size):
    print("%-6s %-11s %-28s %6s %9.3f %9.3f %11d" % (tool, view, how, status, ttfb, total, size))


def shown_type(page):
    """The sample type a page shows (its page data's sampleIndex)."""
    m = re.search(rb'"sampleIndex":"([^"]*)"', page)
    return m.group(1).decode() if m else ""


def bench_cprof(cprof, profile, xdg):
    """Returns each view's time to first byte: (landing, made afresh)."""
    times = {}
    t0 = time.monotonic()
    subprocess.run([cprof, "-comments", profile], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    load = time.monotonic() - t0
    port = free_port()
    t0 = time.monotonic()
    # CPROF_WEB_TIMING: the server says where each report's time went
    p = subprocess.Popen([cprof, "-http=127.0.0.1:%d" % port, "-no_browser", profile], stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, env=dict(os.environ, XDG_CONFIG_HOME=xdg, CPROF_WEB_TIMING="1"))
    stages = []
    while True:
        line = p.stderr.readline().decode()
        if not line.startswith("cprof: "):
            break
        stages.append(line.strip())
    ready = time.monotonic() - t0
    if not line.startswith("Serving web UI on"):
        sys.exit("bench_web: cprof did not start: %r" % line)
    print("cprof: loading alone %.2f s; serving after %.2f s (loading, then the landing views made once)" % (load, ready))
    flame_page = b""
    for view in VIEWS:
        status, ttfb, total, size, body = fetch(port, "/ui/" + view)
        row("cprof", view, "landing", status, ttfb, total, size)
        times[view] = [ttfb]
        if view == "flamegraph":
            flame_page = body
    si = shown_type(flame_page)
    for view in VIEWS:
        status, ttfb, total, size, _ = fetch(port, "/ui/%s?si=%s" % (view, si))
        row("cprof", view, "made afresh (si=%s)" % si, status, ttfb, total, size)
        times[view].append(ttfb)
        stages.append(p.stderr.readline().decode().strip())
    print("cprof: where each report's time went (the landing views made at once, then one at a time):")
    for s in stages:
        print("  " + s)
    rss = open("/proc/%d/status" % p.pid).read()
    m = re.search(r"VmHWM:\s+(\d+) kB", rss)
    p.terminate()
    p.wait()

    print("cprof: flame graph page %d bytes (%d gzipped); server peak RSS %s MB" % (
        len(flame_page), len(gzip.compress(flame_page)), int(m.group(1)) // 1024 if m else "?"))
    browser = os.path.join(ROOT, "tests", "web_browser.py")
    if shutil.which("chromium") and os.path.exists(browser):
        r = subprocess.run(["/usr/bin/python3", browser, "--render-time", cprof, profile, "3"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=dict(os.environ, XDG_CONFIG_HOME=xdg))
        print("chromium: " + (r.stdout.decode().strip() or "no figure (exit %d)" % r.returncode))
    return times


def pprof_binary():
    """go tool pprof's own binary (go tool -n pprof): killing go tool would leave pprof running."""
    return subprocess.run(["go", "tool", "-n", "pprof"], stdout=subprocess.PIPE).stdout.decode().strip()


def watch(p, limit_kb, killed):
    """Kills p when its resident memory passes limit_kb (pprof -http on a large profile can fill the machine)."""
    while p.poll() is None:
        try:
            m = re.search(r"VmRSS:\s+(\d+) kB", open("/proc/%d/status" % p.pid).read())
        except OSError:
            return
        if m and int(m.group(1)) > limit_kb:
            killed.append(int(m.group(1)))
            p.kill()
            return
        time.sleep(0.2)


def bench_pprof(profile, xdg, times):
    port = free_port()
    limit_gb = float(os.environ.get("BENCH_WEB_PPROF_MAX_GB", "12"))
    t0 = time.monotonic()
    p = subprocess.Popen([pprof_binary(), "-http=127.0.0.1:%d" % port, "-no_browser", profile],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=dict(os.environ, XDG_CONFIG_HOME=xdg))
    killed = []
    threading.Thread(target=watch, args=(p, limit_gb * 1024 * 1024, killed), daemon=True).start()
    try:
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if p.poll() is not None:
                    print("pprof: %s" % ("killed past %.0f GB while loading" % limit_gb if killed else
                                         "exited with %d" % p.returncode))
                    return
                time.sleep(0.2)
        print("pprof: serving after %.2f s (loading)" % (time.monotonic() - t0))
        for view in VIEWS:
            try:
                status, ttfb, total, size, _ = fetch(port, "/ui/" + view)
                if status == 404 and view == "graph":
                    # before 2025 pprof's landing page was its graph, at /ui/
                    status, ttfb, total, size, _ = fetch(port, "/ui/")
            except (OSError, http.client.HTTPException):
                print("pprof  %-11s killed past %.0f GB of memory (the machine has %d GB)" % (
                    view, limit_gb, os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") >> 30))
                break
            row("pprof", view, "first" + (" (no dot: 501)" if status == 501 else ""), status, ttfb, total, size)
            if view in times and status == 200:
                print("       %-11s cprof's time to first byte: %.4f of pprof's landing, %.3f made afresh" % (
                    view, times[view][0] / ttfb, times[view][1] / ttfb))
        if p.poll() is None:
            m = re.search(r"VmHWM:\s+(\d+) kB", open("/proc/%d/status" % p.pid).read())
            print("pprof: peak RSS %s MB" % (int(m.group(1)) // 1024 if m else "?"))
    finally:
        p.kill()
        p.wait()


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: tests/bench_web.py CPROF [PROFILE...]")
    cprof = os.path.abspath(sys.argv[1])
    bench = os.path.join(os.path.dirname(ROOT), "shared", "bench")
    profiles = sys.argv[2:] or [os.path.join(bench, "medium"), os.path.join(bench, "large")]
    for profile in profiles:
        print("web views of %s (seconds; size in bytes)" % profile)
        print("%-6s %-11s %-28s %6s %9s %9s %11s" % ("tool", "view", "request", "status", "ttfb_s", "total_s", "size"))
        with tempfile.TemporaryDirectory() as xdg:
            times = bench_cprof(cprof, profile, xdg)
            if os.environ.get("BENCH_WEB_PPROF", "1") != "0" and shutil.which("go"):
                bench_pprof(profile, xdg, times)
        print()
