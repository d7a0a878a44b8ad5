#!/usr/bin/env python3
"""cprof -http at the HTTP level, as pprof's web interface behaves.

    tests/web_http.py CPROF

The server is started as a user starts it (a free port, $BROWSER a
stand-in that records what it is given, $XDG_CONFIG_HOME a scratch
directory) and asked with python's http.client. Checked:
- the address: "Serving web UI on", the browser opened on the URL with
  the command line's settings (or the URL printed), -no_browser, bad
  addresses, a port in use, Ctrl-C and SIGTERM stopping it cleanly;
- pprof's routes and redirects (307 / and 301 /ui/, the query kept;
  flamegraph2 and flamegraphold), 404 elsewhere;
- 403 for a client with a non-loopback address when bound to localhost
  (a connection from this machine's own non-loopback address), and no
  403 when bound to all addresses;
- every URL parameter of pprof's urlparam table: a good value reaches
  the report (the Top rows are those of -top with the same flag), a bad
  one is a 400 with pprof's message, and the server keeps serving;
- Top, Peek, Source and Disasm carry the CLI's rows for the same settings;
  the graph's SVG has a node per name; the flame tree's totals add up,
  pivots and -diff_base included;
- 50 concurrent requests on a mixed set of routes get the answers a
  fresh server gives them one at a time;
- download reads back as the profile loaded; saveconfig writes
  settings.json in pprof's shape (Go's pprof lists what cprof saved), the
  config comes back after a restart, deleteconfig removes it.
"""
import atexit
import http.client
import json
import os
import re
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONF = os.path.join(ROOT, "testdata", "conformance")
GO = os.path.join(CONF, "profiles", "go")
HEAP = os.path.join(GO, "go-heap-bad.pb.gz")
LABELS = os.path.join(GO, "go-labels-cpu.pb.gz")
NUL = os.path.join(ROOT, "testdata", "nul", "profiles", "nul.pb.gz")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import Checks  # noqa: E402

check = Checks("web_http")


def cli(args, cwd=None):
    r = subprocess.run([CPROF] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd)
    return r.stdout.decode("utf-8", "surrogateescape"), r.returncode


RUNNING = []  # every server started, stopped at exit whatever happens


def stop_all():
    for proc in RUNNING:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


atexit.register(stop_all)


class Server:
    """A cprof -http process on a free port of host; stop() sends sig and checks it ends cleanly."""

    def __init__(self, args, host="localhost", env=None, cwd=None, browser=False):
        self.env = dict(os.environ, XDG_CONFIG_HOME=XDG, BROWSER=BROWSER_LOG_SCRIPT, PATH=os.environ["PATH"])
        self.env.update(env or {})
        flags = [] if browser else ["-no_browser"]
        self.proc = subprocess.Popen([CPROF, "-http=%s:0" % host] + flags + args, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=self.env, cwd=cwd)
        RUNNING.append(self.proc)
        # the first line after loading, but for warnings (Pango's on names that are not UTF-8)
        for _ in range(100):
            line = self.proc.stderr.readline().decode("utf-8", "replace")
            if not line.strip() or "-WARNING **" in line:
                continue
            break
        m = re.match(r"Serving web UI on http://(\S+):(\d+)\n$", line)
        if not check(m is not None, "%s: first line %r" % (args, line)):
            self.proc.kill()
            raise SystemExit("web_http: the server did not start")
        self.host, self.port = m.group(1).strip("[]"), int(m.group(2))
        self.url = "http://%s:%d" % (m.group(1), self.port)

    def get(self, path, method="GET", source=None):
        c = http.client.HTTPConnection("127.0.0.1" if self.host in ("localhost", "0.0.0.0") else self.host,
                                       self.port, timeout=120, source_address=(source, 0) if source else None)
        c.request(method, path)
        r = c.getresponse()
        body = r.read()
        c.close()
        return r.status, dict(r.getheaders()), body

    def stop(self, sig=signal.SIGINT):
        self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = "hung"
        err = self.proc.stderr.read().decode("utf-8", "replace")
        check(rc == 0, "server stopped by %s: exit %s, stderr %r" % (signal.Signals(sig).name, rc, err[-300:]))
        return err


def page_data(body):
    m = re.search(rb'<script id="pagedata" type="application/json">(.*?)</script>', body, re.S)
    return json.loads(m.group(1).decode("utf-8", "surrogateescape")) if m else None


def view(srv, path):
    """The page data of a view that must answer 200."""
    status, headers, body = srv.get(path)
    if not check(status == 200 and headers.get("Content-Type") == "text/html", "%s: %d %r %r" % (
            path, status, headers.get("Content-Type"), body[:200])):
        return None
    data = page_data(body)
    check(data is not None, "%s: no page data" % path)
    return data


TOP_ROW = re.compile(r"^ *(\S+) +(\S+%) +(\S+%) +(\S+) +(\S+%)  (.*)$")


def top_rows(text):
    """-top's rows as (flat, flat%, sum%, cum, cum%, name with its inline suffix)."""
    rows, table = [], False
    for line in text.splitlines():
        if line.split() == ["flat", "flat%", "sum%", "cum", "cum%"]:
            table = True
            continue
        m = TOP_ROW.match(line) if table else None
        if m:
            rows.append(m.groups())
    return rows


def json_rows(data):
    suffix = {False: "", True: " (inline)", "partial": " (partial-inline)"}
    return [(r["flat"], r["flatPct"], r["sumPct"], r["cum"], r["cumPct"], r["name"] + suffix[r["inline"]])
            for r in data.get("top", [])]


# ---- the address, the browser, stopping ----

def test_start_and_stop():
    open(BROWSER_LOG, "w").close()
    srv = Server(["-focus=main", "-nodecount=20", HEAP], browser=True)
    for _ in range(50):
        if open(BROWSER_LOG).read():
            break
        time.sleep(0.1)
    seen = open(BROWSER_LOG).read().split()
    # pprof's openBrowser: the server's URL with the command line's settings as parameters
    check(seen == ["%s?f=main&n=20" % srv.url], "browser opened on %r, not %s?f=main&n=20" % (seen, srv.url))
    data = view(srv, "/ui/top")
    check(data and data["params"] == {"f": "main", "n": "20"}, "command-line settings in params: %r" % (
        data and data["params"]))
    srv.stop(signal.SIGTERM)
    # gone: the port is closed
    s = socket.socket()
    check(s.connect_ex(("127.0.0.1", srv.port)) != 0, "port %d still open after SIGTERM" % srv.port)
    s.close()

    # no browser can start: the URL is printed, as pprof prints it
    srv = Server([HEAP], browser=True, env={"BROWSER": "", "PATH": TMP, "DISPLAY": ""})
    time.sleep(1.2)
    err = srv.stop()
    check(err.splitlines()[:1] == [srv.url], "no browser: stderr %r" % err)

    # -no_browser: nothing started
    open(BROWSER_LOG, "w").close()
    srv = Server([HEAP])
    time.sleep(1)
    check(open(BROWSER_LOG).read() == "", "-no_browser: a browser was started")
    srv.stop()

    for addr, msg in (("8080", "cprof: could not split http address: address 8080: missing port in address\n"),
                      ("localhost:x", 'cprof: invalid port number: strconv.Atoi: parsing "x": invalid syntax\n'),
                      ("[::1:80", "cprof: could not split http address: address [::1:80: missing ']' in address\n")):
        r = subprocess.run([CPROF, "-http=" + addr, "-no_browser", HEAP], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=30, env=dict(os.environ, XDG_CONFIG_HOME=XDG))
        check(r.returncode != 0 and r.stderr.decode() == msg, "-http=%s: exit %d, %r" % (addr, r.returncode, r.stderr))
    # a port in use
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    r = subprocess.run([CPROF, "-http=127.0.0.1:%d" % busy.getsockname()[1], "-no_browser", HEAP],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30,
                       env=dict(os.environ, XDG_CONFIG_HOME=XDG))
    check(r.returncode != 0 and b"address already in use" in r.stderr.lower(), "port in use: %r" % r.stderr)
    busy.close()


# ---- routes ----

def test_routes(srv):
    for path, code, location in (("/", 307, "/ui"), ("/?f=main&n=3", 307, "/ui?f=main&n=3"),
                                 ("/elsewhere?si=alloc_space", 307, "/ui?si=alloc_space"),
                                 ("/ui", 301, "/ui/"), ("/ui?f=x", 301, "/ui/?f=x"),
                                 ("/ui/", 301, "flamegraph"), ("/ui/?f=x%20y&g=lines", 301, "flamegraph?f=x%20y&g=lines"),
                                 ("/ui/flamegraph2?p=main", 301, "flamegraph?p=main"),
                                 ("/ui/flamegraphold", 301, "flamegraph")):
        status, headers, _ = srv.get(path)
        check(status == code and headers.get("Location") == location,
              "%s: %d Location %r, want %d %r" % (path, status, headers.get("Location"), code, location))
    status, _, body = srv.get("/ui/nothing")
    check(status == 404 and body == b"404 page not found\n", "/ui/nothing: %d %r" % (status, body))
    for name in ("flamegraph", "graph", "top", "peek?f=main", "source?f=main.sliceGrowthBad", "disasm?f=main"):
        status, headers, body = srv.get("/ui/" + name)
        if name.startswith("disasm"):
            # no binary for a Go heap profile: pprof's error, as a 400
            check(status == 400 and b"no matches found for regexp" in body, "disasm: %d %r" % (status, body))
            continue
        data = page_data(body) if status == 200 else None
        check(data is not None and data["view"] == name.split("?")[0], "/ui/%s: %d, view %r" % (
            name, status, data and data["view"]))
        if data:
            for key in ("title", "errors", "sampleTypes", "params", "defaults", "configs", "help", "legend"):
                check(key in data, "/ui/%s: no %s" % (name, key))
            check(data["title"] == "allocdemo inuse_space", "/ui/%s: title %r" % (name, data["title"]))
            check(data["sampleTypes"] == ["alloc_objects", "alloc_space", "inuse_objects", "inuse_space"],
                  "sampleTypes %r" % data["sampleTypes"])


# ---- parameters ----

# Each URL parameter, a value for it (as a URL carries it), and the -top flags it stands for.
PARAMS = [
    ("f", "sliceGrowth", ["-focus=sliceGrowth"]),
    ("i", "sliceGrowth", ["-ignore=sliceGrowth"]),
    ("h", "runtime", ["-hide=runtime"]),
    ("s", "main", ["-show=main"]),
    ("sf", "main.main", ["-show_from=main.main"]),
    ("prunefrom", "main.main", ["-prune_from=main.main"]),
    ("si", "alloc_objects", ["-sample_index=alloc_objects"]),
    ("g", "lines", ["-lines"]),
    ("sort", "cum", ["-cum"]),
    ("nf", "0.05", ["-nodefraction=0.05"]),
    ("ef", "0.5", ["-edgefraction=0.5"]),
    ("trim", "f", ["-trim=false"]),
    ("calltree", "t", ["-call_tree"]),
    ("rel", "t", ["-relative_percentages", "-focus=sliceGrowth"]),
    ("unit", "mb", ["-unit=mb"]),
    ("compact", "t", ["-compact_labels"]),
    ("intel", "t", ["-intel_syntax"]),
    ("mean", "t", ["-mean"]),
    ("norm", "t", []),  # normalizing happens when the base is loaded: nothing to do here, as in pprof
    ("dropneg", "t", ["-drop_negative"]),
    ("noinlines", "t", ["-noinlines"]),
    ("showcolumns", "t", ["-showcolumns"]),
]
TAG_PARAMS = [  # on a profile with labels
    ("tf", "handler%3D%2Fupload", ["-tagfocus=handler=/upload"]),
    ("ti", "tenant%3Dx", ["-tagignore=tenant=x"]),
    ("ts", "phase", ["-tagshow=phase"]),
    ("th", "phase", ["-taghide=phase"]),
]
BAD = [
    ("n", "many", "error setting config field nodecount: strconv.Atoi: parsing \"many\": invalid syntax\n"),
    ("nf", "x", "error setting config field nodefraction: strconv.ParseFloat: parsing \"x\": invalid syntax\n"),
    ("ef", "1e", "error setting config field edgefraction: strconv.ParseFloat: parsing \"1e\": invalid syntax\n"),
    ("trim", "maybe", "error setting config field trim: illegal value \"maybe\" for bool variable\n"),
    ("g", "bytes", "error setting config field granularity: invalid \"granularity\" value \"bytes\"\n"),
    ("sort", "up", "error setting config field sort: invalid \"sort\" value \"up\"\n"),
    ("si", "nope", "sample_index \"nope\" must be one of: [alloc_objects alloc_space inuse_objects inuse_space]\n"),
    ("f", "(", ["-focus=("]),
    ("tf", "(", ["-tagfocus=("]),
]


def test_params(srv, tag_srv):
    for server, profile, table in ((srv, HEAP, PARAMS), (tag_srv, LABELS, TAG_PARAMS)):
        for param, value, flags in table:
            query = "%s=%s" % (param, value)
            if param == "rel":
                query += "&f=sliceGrowth"
            data = view(server, "/ui/top?" + query)
            if not data:
                continue
            check(data["params"].get(param) == urllib.parse.unquote(value), "%s: params %r" % (query, data["params"]))
            want, rc = cli(["-top", "-nodecount=500"] + flags + [profile])
            check(rc == 0 and json_rows(data) == top_rows(want) and top_rows(want),
                  "top?%s: rows differ from -top -nodecount=500 %s" % (query, " ".join(flags)))
        # a default value is left out of params
        data = view(server, "/ui/top?n=-1&sort=flat&trim=t")
        check(data and data["params"] == {}, "defaults in params: %r" % (data and data["params"]))
    # a setting makes a difference, or the comparisons above prove little
    plain, some = view(srv, "/ui/top"), view(srv, "/ui/top?h=runtime")
    check(plain and some and json_rows(plain) != json_rows(some), "h=runtime changes nothing")
    # n: the Top view always shows 500 rows (pprof's), other views take n
    data = view(srv, "/ui/top?n=2")
    check(data and len(data["top"]) > 2 and data["params"] == {"n": "2"}, "top?n=2: %r" % (data and data["params"]))
    data = view(srv, "/ui/graph?n=3")
    check(data and len(data["nodes"]) == 4, "graph?n=3: nodes %r" % (data and data["nodes"]))
    for param, value, msg in BAD:
        status, headers, body = srv.get("/ui/top?%s=%s" % (param, urllib.parse.quote(value)))
        if isinstance(msg, list):  # the CLI's message for the same setting
            r = subprocess.run([CPROF, "-top"] + msg + [HEAP], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            msg = r.stderr.decode().replace("cprof: ", "", 1)
        check(status == 400 and body.decode() == msg and headers.get("Content-Type", "").startswith("text/plain"),
              "%s=%s: %d %r, want 400 %r" % (param, value, status, body, msg))
        # and the server goes on
        check(view(srv, "/ui/top") is not None, "server after %s=%s" % (param, value))
    # what the report warns of goes into the page's errors, as pprof's errorCatcher catches it
    data = view(srv, "/ui/top?f=zzz")
    check(data and data["errors"] == ["Focus expression matched no samples"], "errors %r" % (data and data["errors"]))
    data = view(srv, "/ui/flamegraph?f=zzz&tf=1kb:")
    r = subprocess.run([CPROF, "-top", "-focus=zzz", "-tagfocus=1kb:", HEAP], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    want = r.stderr.decode().splitlines()
    check(data and len(want) > 1 and data["errors"] == want, "errors %r, -top's %r" % (data and data["errors"], want))
    # an empty value sets nothing (pprof's applyURL), a bad pair is dropped (Go's ParseQuery)
    data = view(srv, "/ui/top?f=&n=&si=")
    check(data and data["params"] == {}, "empty values: %r" % (data and data["params"]))


# ---- the views' rows against the CLI ----

def test_rows(srv, native):
    for query, flags in (("", []), ("si=alloc_space&sort=cum", ["-sample_index=alloc_space", "-cum"]),
                         ("g=lines&f=main", ["-lines", "-focus=main"]), ("unit=kb&h=runtime", ["-unit=kb", "-hide=runtime"])):
        data = view(srv, "/ui/top?" + query)
        want, _ = cli(["-top", "-nodecount=500"] + flags + [HEAP])
        check(data and json_rows(data) == top_rows(want) and top_rows(want),
              "top?%s: rows differ from -top -nodecount=500" % query)
        legend = [l for l in want.splitlines() if not l.lstrip().startswith(("flat", "0", "1", "2", "3", "4", "5", "6",
                                                                               "7", "8", "9", "."))]
        check(data and data["legend"] == legend[:len(data["legend"])], "top?%s: legend %r vs %r" % (
            query, data and data["legend"], legend))
    # peek: the CLI's text, f= both the regexp and the focus, lines granularity (pprof's)
    for f in ("sliceGrowth", "main"):
        data = view(srv, "/ui/peek?f=" + f)
        want, _ = cli(["-peek=" + f, "-focus=" + f, "-lines", HEAP])
        check(data and data["text"] == want, "peek?f=%s: text differs from -peek -focus -lines" % f)
    # source and disasm of a native profile, with its binary and sources
    data = view(native, "/ui/source?f=cube_step")
    want, _ = cli(["-list=cube_step", "-focus=cube_step", "-trim_path=/", "-source_path=.", "src/native/calc",
                   "profiles/native/calc.cpu"], cwd=CONF)
    rows = [re.match(r"^ *(\S+) +(\S+) +(\d+):(.*)$", l).groups() for l in want.splitlines()
            if re.match(r"^ *\S+ +\S+ +\d+:", l)]
    got = [(l["flat"], l["cum"], str(l["line"]), l["text"]) for fn in (data or {}).get("listing", []) for l in fn["lines"]]
    check(rows and got == rows, "source?f=cube_step: %d lines, -list has %d" % (len(got), len(rows)))
    check(data and [l["hot"] for l in data["listing"][0]["lines"]] == [r[0] != "." or r[1] != "." for r in rows],
          "source: hot lines")
    data = view(native, "/ui/disasm?f=cube_step")
    want, _ = cli(["-disasm=cube_step", "-focus=cube_step", "-trim_path=/", "-source_path=.", "src/native/calc",
                   "profiles/native/calc.cpu"], cwd=CONF)
    check(data and want and data["text"] == want, "disasm?f=cube_step: text differs from -disasm")
    status, _, body = native.get("/ui/source?f=nosuchfunction")
    check(status == 400 and body == b"no matches found for regexp: nosuchfunction\n", "source no match: %r" % body)


def test_graph(srv):
    status, _, body = srv.get("/ui/graph")
    data = page_data(body)
    if not check(status == 200 and data, "graph: %d" % status):
        return
    svg = body[body.find(b"<svg"):]
    ids = set(int(i) for i in re.findall(rb'<g id="node(\d+)" class="node"', svg))
    check(svg.startswith(b"<svg") and ids == set(range(1, len(data["nodes"]))) and data["nodes"][0] == "",
          "graph: SVG nodes %s, names %d" % (sorted(ids)[:5], len(data["nodes"])))
    dot, _ = cli(["-dot", HEAP])
    names = re.findall(r'^N\d+ \[label=.* tooltip="(.*) \([^()]*\)"', dot, re.M)
    check(data["nodes"][1:] == names, "graph: node names %r, -dot's %r" % (data["nodes"][:4], names[:3]))
    check(b"<?xml" not in body and b"cluster_L" not in svg, "graph: prolog or legend box in the page")
    check(any(l.startswith("Showing nodes accounting for") for l in data["legend"]), "graph legend %r" % data["legend"])


def tree(frames, stride):
    return [frames[i:i + stride] for i in range(0, len(frames), stride)]


def test_flame(srv, diff_srv, base_srv):
    data = view(srv, "/ui/flamegraph")
    if not data:
        return
    fl = data["flame"]
    rows = tree(fl["frames"], 4)
    total, _ = cli(["-top", "-nodecount=1", HEAP])
    check(rows[0][0] == -1 and rows[0][2] == data["total"] == fl["total"], "flame root %r, total %r" % (rows[0], data["total"]))
    kids = {}
    for i, (parent, name, tot, self_) in enumerate(rows):
        if i:
            check(parent < i, "flame: frame %d's parent %d comes after it" % (i, parent))
            kids.setdefault(parent, []).append(tot)
    check(all(sum(k) <= rows[p][2] - rows[p][3] for p, k in kids.items()),
          "flame: children weigh more than their parent")
    check(len(fl["names"]) == len(fl["files"]) == len(fl["packages"]) == len(fl["labels"]), "flame: name arrays")
    # the folded stacks, merged, give the same totals for the first level
    folded, _ = cli(["-folded", HEAP])
    stacks = [(l.rsplit(" ", 1)[0].split(";"), int(l.rsplit(" ", 1)[1])) for l in folded.splitlines()]
    firsts = {}
    for stack, value in stacks:
        firsts[stack[0]] = firsts.get(stack[0], 0) + value
    # frames under 1/5000 of the total are left out
    kept = {k: v for k, v in firsts.items() if v >= data["total"] / 5000}
    level1 = {fl["names"][n]: t for p, n, t, s in rows if p == 0}
    check(level1 == kept and len(kept) < len(firsts), "flame: first level %r, -folded's %r" % (level1, firsts))
    # pivot: both trees have the same matched frames, callers above
    data = view(srv, "/ui/flamegraph?p=%5Emain%5C.sliceGrowthBad%24")
    if data:
        fl = data["flame"]
        down, up = tree(fl["frames"], 4), tree(fl.get("callers", []), 4)
        d1 = [(fl["names"][n], t) for p, n, t, s in down if p == 0]
        u1 = [(fl["names"][n], t) for p, n, t, s in up if p == 0]
        check(data["pivot"] == "^main\\.sliceGrowthBad$" and d1 == u1 == [("main.sliceGrowthBad", d1[0][1] if d1 else 0)],
              "pivot: %r %r" % (d1, u1))
        callers = {fl["names"][n]: t for p, n, t, s in up if p == 1}
        want = {}
        for stack, value in stacks:
            if "main.sliceGrowthBad" in stack[1:]:
                caller = stack[stack.index("main.sliceGrowthBad") - 1]
                want[caller] = want.get(caller, 0) + value
        check(callers == want and want, "pivot: callers %r, -folded's %r" % (callers, want))
        check(data["params"].get("p") == "^main\\.sliceGrowthBad$", "pivot: params %r" % data["params"])
    # -diff_base and -base: a fifth number per frame, the base's share (the base kept apart, as -flame does)
    def folded_sum(path):
        out, _ = cli(["-folded", path])
        return sum(int(l.rsplit(" ", 1)[1]) for l in out.splitlines())

    good, bad = os.path.join(GO, "go-allocs-good.pb.gz"), os.path.join(GO, "go-allocs-bad.pb.gz")
    base_total, new_total = folded_sum(good), folded_sum(bad)
    for srv, flag in ((diff_srv, "-diff_base"), (base_srv, "-base")):
        data = view(srv, "/ui/flamegraph")
        if not data:
            continue
        fl = data["flame"]
        rows = tree(fl["frames"], 5)
        check(fl["diff"] is True and rows[0][4] == fl["baseTotal"] == base_total and
              rows[0][2] + rows[0][4] == new_total, "%s flame: root %r, base %d, new %d" % (
                  flag, rows[0], base_total, new_total))
        # the other views show the profile as loaded: with -base, the difference
        data = view(srv, "/ui/top")
        want, _ = cli(["-top", "-nodecount=500", flag + "=" + good, bad])
        check(data and json_rows(data) == top_rows(want) and top_rows(want), "%s: top rows differ" % flag)


def test_nul(srv):
    """Names holding NUL and 0xC0 bytes: JSON's \\u0000 and the bytes themselves, the rows of -top."""
    status, _, body = srv.get("/ui/top")
    data = page_data(body)
    if not check(status == 200 and data, "nul top: %d" % status):
        return
    check(b"\\u0000" in body, "no \\u0000 in the page")
    want = subprocess.run([CPROF, "-top", "-nodecount=500", NUL], stdout=subprocess.PIPE).stdout
    rows = b"".join(("%10s %6s %6s %10s %6s  %s%s\n" % (
        r["flat"], r["flatPct"], r["sumPct"], r["cum"], r["cumPct"], r["name"],
        {False: "", True: " (inline)", "partial": " (partial-inline)"}[r["inline"]])).encode("utf-8", "surrogateescape")
        for r in data["top"])
    check(want.endswith(rows) and b"x\x00" in rows and b"x\xc0\x80" in rows, "nul: -top's rows are not the page's")


# ---- concurrency ----

MIXED = ["/ui/top?si=alloc_space", "/ui/graph?f=main", "/ui/flamegraph?si=alloc_objects", "/ui/peek?f=sliceGrowth",
         "/ui/source?f=main.mapAlloc", "/ui/top?g=lines", "/ui/graph?g=files", "/ui/flamegraph?p=main",
         "/ui/top?h=runtime&sort=cum", "/ui/download", "/ui/flamegraph?g=lines", "/ui/graph?calltree=t",
         "/ui/top?f=(", "/ui/peek?f=main&si=inuse_objects", "/ui/nothing", "/"]


def test_concurrency():
    requests = [MIXED[i % len(MIXED)] for i in range(50)]
    busy = Server([HEAP])
    answers = [None] * len(requests)

    def ask(i):
        answers[i] = busy.get(requests[i])

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(len(requests))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    busy.stop()
    quiet = Server([HEAP])
    for i, path in enumerate(requests):
        status, headers, body = quiet.get(path)
        got = answers[i]
        check(got is not None and got[0] == status and got[2] == body,
              "concurrent %s: %s, alone %d (%d bytes vs %d)" % (path, got and got[0], status,
                                                                 len(got[2]) if got else 0, len(body)))
    quiet.stop()


# ---- 403 ----

def local_addresses():
    """This machine's IPv4 addresses other than loopback ones."""
    out = subprocess.run(["ip", "-4", "-o", "addr"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout.decode()
    return [a for a in re.findall(r"inet (\d+\.\d+\.\d+\.\d+)/", out) if not a.startswith("127.")]


def test_forbidden():
    addrs = local_addresses()
    if not check(addrs, "403: this machine has no non-loopback IPv4 address to connect from"):
        return
    srv = Server([HEAP])
    # bound to localhost: a connection from this machine's own non-loopback address is refused, as pprof does
    status, _, body = srv.get("/ui/top", source=addrs[0])
    check(status == 403 and body == b"permission denied\n", "non-loopback client: %d %r" % (status, body))
    status, _, body = srv.get("/", source=addrs[0])
    check(status == 403, "non-loopback client, /: %d" % status)
    check(view(srv, "/ui/top") is not None, "loopback client after a 403")
    srv.stop()
    # bound to every address: anyone is served
    srv = Server([HEAP], host="0.0.0.0")
    status, _, _ = srv.get("/ui/top", source=addrs[0])
    check(status == 200, "-http=0.0.0.0:, non-loopback client: %d" % status)
    srv.stop()


# ---- download, configs ----

def test_download(srv):
    status, headers, body = srv.get("/ui/download")
    check(status == 200 and headers.get("Content-Type") == "application/vnd.google.protobuf+gzip" and
          headers.get("Content-Disposition") == "attachment;filename=profile.pb.gz" and body[:2] == b"\x1f\x8b",
          "download: %d %r" % (status, headers))
    path = os.path.join(TMP, "downloaded.pb.gz")
    open(path, "wb").write(body)
    got, _ = cli(["-raw", path])
    want, _ = cli(["-raw", HEAP])
    check(got == want and want, "download: -raw of the download differs from the profile's")


def test_configs():
    settings = os.path.join(XDG, "pprof", "settings.json")
    srv = Server([HEAP])
    status, _, body = srv.get("/ui/saveconfig?config=mine&f=sliceGrowth&n=20&trim=f&si=alloc_space&g=lines", "POST")
    check(status == 200, "saveconfig: %d %r" % (status, body))
    text = open(settings).read() if os.path.exists(settings) else ""
    want = ('{\n  "configs": [\n    {\n      "name": "mine",\n      "unit": "minimum",\n      "sort": "flat",\n'
            '      "nodecount": 20,\n      "nodefraction": 0.005,\n      "edgefraction": 0.001,\n'
            '      "focus": "sliceGrowth",\n      "granularity": "lines"\n    }\n  ]\n}')
    check(text == want, "settings.json as pprof writes it:\n%s\nwant:\n%s" % (text, want))
    check(stat.S_IMODE(os.stat(settings).st_mode) == 0o644 and
          stat.S_IMODE(os.stat(os.path.dirname(settings)).st_mode) == 0o700, "settings.json modes")
    # every kind of field: booleans, tiny floats in Go's exponent form, HTML-escaped strings
    status, _, body = srv.get("/ui/saveconfig?config=two&f=%3Cx%3E&calltree=t&nf=0.0000001", "POST")
    text = open(settings).read() if os.path.exists(settings) else ""
    want = want[:-len('\n  ]\n}')] + (',\n    {\n      "name": "two",\n      "call_tree": true,\n      "unit": "minimum",\n'
                        '      "sort": "flat",\n      "nodecount": -1,\n      "nodefraction": 1e-7,\n'
                        '      "edgefraction": 0.001,\n      "trim": true,\n      "focus": "\\u003cx\\u003e"\n    }\n  ]\n}')
    check(status == 200 and text == want, "second config:\n%s\nwant:\n%s" % (text, want))
    status, _, body = srv.get("/ui/deleteconfig?config=two", "DELETE")
    status, _, body = srv.get("/ui/saveconfig?f=x", "POST")
    check(status == 400 and body == b"invalid config name\n", "saveconfig without a name: %d %r" % (status, body))
    srv.stop()
    # after a restart, the menu has it; current when the URL is the config's
    srv = Server([HEAP])
    data = view(srv, "/ui/top?f=sliceGrowth&g=lines&n=20&trim=f")
    menu = data["configs"] if data else []
    check([(c["name"], c["user"], c["current"]) for c in menu] == [("Default", False, False), ("mine", True, True)],
          "config menu %r" % menu)
    check(menu and menu[0]["url"] == "?" and menu[1]["url"] == "?f=sliceGrowth&g=lines&n=20&trim=f",
          "config menu URLs %r" % [c["url"] for c in menu])
    data = view(srv, "/ui/top?si=alloc_space")
    check(data and [c["current"] for c in data["configs"]] == [True, False], "Default current: %r" % (data and data["configs"]))
    # Go's pprof lists the configuration cprof saved
    if GO_PPROF:
        check(pprof_lists("mine"), "go tool pprof does not list the saved config")
    status, _, body = srv.get("/ui/deleteconfig?config=mine", "DELETE")
    check(status == 200, "deleteconfig: %d %r" % (status, body))
    check(open(settings).read() == '{\n  "configs": []\n}', "settings after delete: %r" % open(settings).read())
    status, _, body = srv.get("/ui/deleteconfig?config=mine", "DELETE")
    check(status == 400 and body == b"config mine not found\n", "deleteconfig of none: %d %r" % (status, body))
    srv.stop()


def pprof_binary():
    """go tool pprof's own binary (go tool -n pprof): killing go tool would leave pprof running."""
    return subprocess.run(["go", "tool", "-n", "pprof"], stdout=subprocess.PIPE).stdout.decode().strip()


def pprof_lists(name):
    """Whether go tool pprof's web interface shows config NAME in its menu."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    p = subprocess.Popen([pprof_binary(), "-http=127.0.0.1:%d" % port, "-no_browser", HEAP],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         env=dict(os.environ, XDG_CONFIG_HOME=XDG, HOME=TMP))
    try:
        for _ in range(300):
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                c.request("GET", "/ui/top")
                body = c.getresponse().read()
                return ('<option value="%s" />' % name) in body.decode()
            except OSError:
                time.sleep(0.1)
        return False
    finally:
        p.kill()
        p.wait()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: tests/web_http.py CPROF")
    CPROF = os.path.abspath(sys.argv[1])
    GO_PPROF = subprocess.run(["go", "version"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0 \
        if os.path.exists("/usr/bin/go") or os.path.exists("/usr/lib/go/bin/go") else False
    with tempfile.TemporaryDirectory() as TMP:
        XDG = os.path.join(TMP, "config")
        BROWSER_LOG = os.path.join(TMP, "browser.log")
        BROWSER_LOG_SCRIPT = os.path.join(TMP, "browser")
        with open(BROWSER_LOG_SCRIPT, "w") as f:
            f.write('#!/bin/sh\necho "$1" >> "%s"\n' % BROWSER_LOG)
        os.chmod(BROWSER_LOG_SCRIPT, 0o755)
        test_start_and_stop()
        main = Server([HEAP])
        tags = Server([LABELS])
        native = Server(["-trim_path=/", "-source_path=.", "src/native/calc", "profiles/native/calc.cpu"], cwd=CONF)
        diff = Server(["-diff_base=" + os.path.join(GO, "go-allocs-good.pb.gz"), os.path.join(GO, "go-allocs-bad.pb.gz")])
        base = Server(["-base=" + os.path.join(GO, "go-allocs-good.pb.gz"), os.path.join(GO, "go-allocs-bad.pb.gz")])
        nul = Server([NUL])
        test_routes(main)
        test_params(main, tags)
        test_rows(main, native)
        test_graph(main)
        test_flame(main, diff, base)
        test_nul(nul)
        test_download(main)
        for s in (main, tags, native, diff, base, nul):
            s.stop()
        test_forbidden()
        test_concurrency()
        test_configs()
    check.done()
