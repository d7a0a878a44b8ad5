#!/usr/bin/python3
"""cprof -http in a real browser: Debian's chromium, driven headless by
selenium (Debian's python3-selenium and chromium-driver).

    tests/web_browser.py CPROF [SCREENSHOT_DIR]
    tests/web_browser.py --render-time CPROF PROFILE [RUNS]

The first form starts `CPROF -http=localhost:PORT -no_browser` (a free
port; a temporary XDG_CONFIG_HOME) on profiles of the conformance corpus
and checks, view by view, that each page loads with no error in the
console and does what its menus say: the flame graph pivots on a click
(the URL gets p=, the callers show above), right-click offers the
actions, the search highlights exactly the frames, rows and nodes whose
names match, Refine > Focus on a selected Top row shows the rows of
`cprof -top -focus=...`, the Sample menu switches the sample index, the
tag filter dialog sets tf=, a saved configuration lands in
settings.json and is still offered after a restart, and delete removes
it. With SCREENSHOT_DIR, a picture of each view is kept there for a
person to look at.

The second form loads the flame graph of PROFILE (RUNS times, default 3)
and prints the time from navigation start to the page's "drawn" mark
(the boxes laid out and painted), for make bench.
"""
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

sys.dont_write_bytecode = True  # no __pycache__ in tests/ from the imports below
from checks import Checks  # noqa: E402
from flame_browser import browser, wait  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "testdata", "conformance")
HEAP = "profiles/go/go-heap-bad.pb.gz"
CALC = ["src/native/calc", "profiles/native/calc.cpu"]
check = Checks("web_browser")


# ---- the server ----

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """cprof -http on a free port, until stop()."""

    def __init__(self, cprof, args, env=None):
        self.port = free_port()
        self.base = f"http://localhost:{self.port}"
        cmd = [cprof, f"-http=localhost:{self.port}", "-no_browser"] + args
        self.proc = subprocess.Popen(cmd, cwd=CORPUS, env=env, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        end = time.time() + 60
        while time.time() < end:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{' '.join(cmd)} exited: {self.proc.stdout.read().decode()}")
            try:
                urllib.request.urlopen(self.base + "/ui/top", timeout=5).read()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"{' '.join(cmd)}: no answer")

    def stop(self):
        """Ctrl-C: the server must stop cleanly, with no sanitizer report (under SANITIZE=1)."""
        self.proc.send_signal(signal.SIGINT)
        try:
            out = self.proc.communicate(timeout=20)[0].decode(errors="replace")
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out = self.proc.communicate()[0].decode(errors="replace")
        check(self.proc.returncode == 0, f"the server exits {self.proc.returncode} on Ctrl-C")
        check(not re.search(r"Sanitizer|runtime error", out), f"the server reports: {out[-2000:]}")


def cli_top(cprof, args):
    """The rows of `cprof -top -nodecount=500 ARGS` as [flat, flat%, sum%, cum, cum%, name]."""
    out = subprocess.run([cprof, "-top", "-nodecount=500"] + args, cwd=CORPUS, capture_output=True,
                         text=True, check=True).stdout
    rows, on = [], False
    for line in out.splitlines():
        if re.match(r"\s*flat\s+flat%", line):
            on = True
        elif on and line.strip():
            rows.append(line.split(None, 5))
    return rows


# ---- the browser (flame_browser.browser: headless chromium, 1300x900) ----


class Page:
    """The browser on one server, with the checks every page load shares."""

    def __init__(self, d, server, shots):
        self.d, self.server, self.shots = d, server, shots

    def open(self, path, what):
        self.d.get(self.server.base + path)
        self.loaded(what)

    def loaded(self, what):
        d = self.d
        ready = wait(lambda: d.execute_script("return document.readyState === 'complete' && "
                                              "document.documentElement.dataset.ready"))
        check(ready == "1", f"{what}: the page's script did not run to its end")
        self.no_errors(what)

    def no_errors(self, what):
        errors = [e["message"] for e in self.d.get_log("browser") if e["level"] == "SEVERE"]
        check(not errors, f"{what}: errors in the console: {errors}")

    def data(self):
        return json.loads(self.d.find_element(By.ID, "pagedata").get_attribute("textContent"))

    def params(self):
        return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.d.current_url).query))

    def shot(self, name):
        if self.shots:
            self.d.save_screenshot(os.path.join(self.shots, name + ".png"))

    def search(self, text):
        box = self.d.find_element(By.ID, "search")
        box.send_keys(Keys.CONTROL, "a")
        box.send_keys(Keys.BACKSPACE)  # keys, so that the page sees input events (clear() fires none)
        if text:
            box.send_keys(text)
        time.sleep(0.45)  # the search waits 300 ms for more keys

    def menu(self, menu_id, item_id):
        """Opens a header menu and follows one of its entries (by id)."""
        self.d.find_element(By.CSS_SELECTOR, f"#{menu_id} .menu-name").click()
        item = self.d.find_element(By.ID, item_id)
        check(item.is_displayed(), f"{item_id} is not shown in the open {menu_id}")
        old = self.d.current_url
        item.click()
        wait(lambda: self.d.current_url != old)
        self.loaded(item_id)

    def top_rows(self):
        rows = []
        for tr in self.d.find_elements(By.CSS_SELECTOR, "#toprows tr"):
            rows.append([td.get_attribute("textContent") for td in tr.find_elements(By.TAG_NAME, "td")])
        return rows


# ---- the views ----

def flame_boxes(d):
    return d.execute_script(
        "return Array.from(document.querySelectorAll('#flame-chart .box')).map(b => "
        "({i: Number(b.dataset.i), top: parseFloat(b.style.top), match: b.classList.contains('match')}))")


def box_names(d):
    """The name of every drawn flame box, by its index."""
    return d.execute_script(
        "const s = cprof.state; return s.boxes.map(b => s.flame.names[b.tree.name[b.f]])")


def test_flame(p):
    d = p.d
    p.open("/ui/", "flame graph")
    check("/ui/flamegraph" in d.current_url, f"/ui/ does not land on the flame graph: {d.current_url}")
    names = box_names(d)
    check("main.mapAllocationsBad" in names and "main.sliceGrowthBad" in names,
          f"the flame graph lacks the profile's frames: {names[:12]}")
    p.shot("flamegraph")

    # Hover: the details bar.
    target = box(d, "main.mapAllocationsBad")
    ActionChains(d).move_to_element(target).perform()
    detail = d.find_element(By.ID, "flame-name").text + " | " + d.find_element(By.ID, "flame-values").text
    check(detail.startswith("main.mapAllocationsBad |") and "total" in detail, f"hover details: {detail!r}")

    # Search: exactly the frames whose names match are marked.
    ActionChains(d).move_to_element(d.find_element(By.ID, "brand")).perform()
    p.search("Bad$")
    marked = {names[b["i"]] for b in flame_boxes(d) if b["match"]}
    want = {n for n in names if re.search("Bad$", n)}
    check(marked == want and "main.sliceGrowthBad" in marked, f"search Bad$ marks {sorted(marked)}, not {sorted(want)}")
    matched = d.find_element(By.ID, "flame-values").text
    check(matched.startswith("Matched: "), f"no matched share: {matched!r}")
    p.shot("flamegraph-search")
    p.search("")
    check(not any(b["match"] for b in flame_boxes(d)), "an empty search leaves frames marked")

    # Right-click: the action menu acts on the frame.
    ActionChains(d).context_click(box(d, "main.mapAllocationsBad")).perform()
    menu = d.find_element(By.ID, "action-menu")
    check(menu.is_displayed(), "right-click shows no action menu")
    links = {a.text: a.get_attribute("href") for a in menu.find_elements(By.TAG_NAME, "a")}
    quoted = urllib.parse.quote(r"^main\.mapAllocationsBad$", safe="")
    for label, want in (("Focus", "f="), ("Ignore", "i="), ("Hide", "h="), ("Show from", "sf="), ("Show source code", "f=")):
        check(want + quoted in (links.get(label) or ""), f"action {label}: {links.get(label)}")
    check("/ui/source?" in (links.get("Show source code") or ""), f"Show source goes to {links.get('Show source code')}")
    p.shot("flamegraph-menu")
    ActionChains(d).send_keys(Keys.ESCAPE).perform()
    check(not menu.is_displayed(), "Escape leaves the action menu")

    # Click: pivot. The URL gets p=, the frame heads the callees, its callers above.
    old = d.current_url
    box(d, "main.mapAllocationsBad").click()
    wait(lambda: d.current_url != old)
    p.loaded("pivoted flame graph")
    check(p.params().get("p") == r"^main\.mapAllocationsBad$", f"a click does not pivot: {d.current_url}")
    check(d.find_elements(By.CSS_SELECTOR, "#flame-chart .separator"), "a pivot shows no separator")
    tops = {}
    for b in flame_boxes(d):
        tops.setdefault(box_names(d)[b["i"]], []).append(b["top"])
    pivot_top = min(tops.get("main.mapAllocationsBad", [0]))
    caller_top = min(tops.get("main.badWorkloads.func3", [1e9]))
    callee_top = min(tops.get("fmt.Sprintf", [-1]))
    check(caller_top < pivot_top < callee_top,
          f"pivot rows: caller {caller_top}, pivot {pivot_top}, callee {callee_top}")
    check("main.sliceGrowthBad" not in tops, "a pivot still draws frames outside it")
    p.shot("flamegraph-pivot")
    d.back()
    p.loaded("flame graph after Back")
    check("p" not in p.params(), f"Back keeps the pivot: {d.current_url}")

    # Enter in the search box pivots too.
    p.search("createDeepTree")
    old = d.current_url
    d.find_element(By.ID, "search").send_keys(Keys.ENTER)
    wait(lambda: d.current_url != old)
    p.loaded("flame graph after Enter")
    check(p.params().get("p") == "createDeepTree", f"Enter does not pivot: {d.current_url}")


def box(d, name):
    names = box_names(d)
    for b in d.find_elements(By.CSS_SELECTOR, "#flame-chart .box"):
        if names[int(b.get_attribute("data-i"))] == name:
            return b
    raise AssertionError(f"no box {name}")


def test_top(p, cprof):
    d = p.d
    p.open("/ui/top", "top")
    rows = p.top_rows()
    want = cli_top(cprof, [HEAP])
    check(rows == want and rows, f"top rows differ from the CLI's:\n{rows[:3]}\n{want[:3]}")
    p.shot("top")

    # Sorting by a column's header.
    d.find_element(By.XPATH, "//th[text()='Cum']").click()
    cums = [r["cumValue"] for r in sorted(p.data()["top"], key=lambda r: -r["cumValue"])]
    shown = d.execute_script("return cprof.state.rows.map(r => r.cumValue)")
    check(shown == cums, "sorting by Cum does not order the rows by cum")
    d.find_element(By.XPATH, "//th[text()='Name']").click()
    names = d.execute_script("return cprof.state.rows.map(r => r.name)")
    check(names == sorted(names), f"sorting by Name: {names[:5]}")

    # Search marks the rows whose names match.
    p.search("^main\\.bad")
    marked = [r.find_elements(By.TAG_NAME, "td")[5].text for r in d.find_elements(By.CSS_SELECTOR, "#toprows tr.match")]
    check(marked and all(n.startswith("main.bad") for n in marked) and len(marked) == sum(
        n.startswith("main.bad") for n in names), f"search ^main\\.bad marks {marked}")
    p.search("")

    # Select a row, Refine > Focus: the rows of cprof -top -focus.
    select_row(d, "main.mapAllocationsBad")
    p.menu("refine-menu", "refine-f")
    focus = p.params().get("f")
    check(focus == r"^main\.mapAllocationsBad$", f"Focus sets f={focus!r}")
    rows = p.top_rows()
    want = cli_top(cprof, ["-focus=" + (focus or ""), HEAP])
    check(rows == want and len(rows) > 1, f"focused rows differ from -top -focus:\n{rows}\n{want}")
    p.shot("top-focus")

    # Reset drops it.
    p.menu("refine-menu", "refine-reset")
    check(not p.params(), f"Reset keeps {p.params()}")

    # Ignore adds to the old value with |.
    ignored = []
    for name in ("fmt.Sprintf", "main.createDeepTreeBad"):
        select_row(d, name)
        p.menu("refine-menu", "refine-i")
        ignored.insert(0, "^" + name.replace(".", "\\.") + "$")
        check(p.params() == {"i": "|".join(ignored)}, f"Ignore: {d.current_url}")
    check(p.top_rows() == cli_top(cprof, ["-ignore=" + "|".join(ignored), HEAP]), "Ignore's rows differ from the CLI's")
    p.menu("refine-menu", "refine-reset")

    # Enter in the search box focuses.
    p.search("Allocations")
    old = d.current_url
    d.find_element(By.ID, "search").send_keys(Keys.ENTER)
    wait(lambda: d.current_url != old)
    p.loaded("top after Enter")
    check(p.params().get("f") == "Allocations", f"Enter does not focus: {d.current_url}")
    check(p.top_rows() == cli_top(cprof, ["-focus=Allocations", HEAP]), "Enter's focus differs from -focus")


def select_row(d, name):
    """Clicks the Top row of the function name; it must then be selected."""
    row = [tr for tr in d.find_elements(By.CSS_SELECTOR, "#toprows tr")
           if tr.find_elements(By.TAG_NAME, "td")[5].text == name][0]
    row.click()
    check("selected" in row.get_attribute("class"), f"a click does not select the row of {name}")


def test_sample(p, cprof):
    d = p.d
    p.open("/ui/top", "top for the Sample menu")
    check(d.find_element(By.ID, "sample-menu").is_displayed(), "no Sample menu for a profile of 4 sample types")
    p.menu("sample-menu", "sampletype-alloc_space")
    check(p.params().get("si") == "alloc_space", f"Sample menu: {d.current_url}")
    check(p.data().get("sampleIndex") == "alloc_space", f"sample index shown: {p.data().get('sampleIndex')}")
    check(p.top_rows() == cli_top(cprof, ["-sample_index=alloc_space", HEAP]), "alloc_space rows differ from the CLI's")
    current = [a.get_attribute("textContent") for a in d.find_elements(By.CSS_SELECTOR, "#sample-list a.current")]
    check(current == ["alloc_space"], f"Sample menu marks {current}")
    p.shot("top-sample")

    # Links carry the parameters in effect, but not those equal to their defaults.
    nf = p.data()["defaults"]["nf"]
    p.open(f"/ui/top?si=alloc_space&nf={nf}", "top with a default in its URL")
    hrefs = [a.get_attribute("href") for a in d.find_elements(By.CSS_SELECTOR, "#view-menu a, #sample-list a")]
    check(all("nf=" not in h for h in hrefs), f"links keep the default nf: {hrefs}")
    check(all("si=" in h for h in hrefs), f"links lose si: {hrefs}")


def test_tags(p, cprof):
    d = p.d
    p.open("/ui/top", "top for the tag filters")
    d.find_element(By.CSS_SELECTOR, "#refine-menu .menu-name").click()
    d.find_element(By.ID, "tag-filters").click()
    dialog = d.find_element(By.ID, "tag-dialog")
    check(dialog.is_displayed(), "Tag filters… opens no dialog")
    d.find_element(By.ID, "tag-tf").send_keys("300kb:")
    p.shot("tag-dialog")
    old = d.current_url
    d.find_element(By.ID, "tag-apply").click()
    wait(lambda: d.current_url != old)
    p.loaded("top with a tag filter")
    check(p.params().get("tf") == "300kb:", f"tag filter: {d.current_url}")
    check(p.top_rows() == cli_top(cprof, ["-tagfocus=300kb:", HEAP]), "tf rows differ from -tagfocus")


def test_graph(p):
    d = p.d
    p.open("/ui/graph", "graph")
    svg = d.find_element(By.CSS_SELECTOR, "#content svg")
    nodes = d.find_elements(By.CSS_SELECTOR, "#content svg g.node")
    check(len(nodes) > 5, f"graph nodes: {len(nodes)}")
    p.shot("graph")
    node = [n for n in nodes if "mapAllocationsBad" in n.get_attribute("textContent")][0]
    ActionChains(d).move_to_element(node).click().perform()
    check("selected" in node.get_attribute("class"), "a click does not select the node")
    d.find_element(By.CSS_SELECTOR, "#refine-menu .menu-name").click()
    href = d.find_element(By.ID, "refine-f").get_attribute("href")
    check("f=" + urllib.parse.quote(r"^main\.mapAllocationsBad$", safe="") in href, f"Focus on a node: {href}")
    d.find_element(By.CSS_SELECTOR, "#refine-menu .menu-name").click()
    p.search("Bad$")
    names = p.data()["nodes"]
    marked = set()
    for n in d.find_elements(By.CSS_SELECTOR, "#content svg g.node.match"):
        marked.add(names[int(n.find_element(By.TAG_NAME, "title").get_attribute("textContent")[1:])])
    want = {n for n in names if re.search("Bad$", n)}
    check(marked == want and marked, f"search marks nodes {sorted(marked)}, not {sorted(want)}")
    p.shot("graph-search")

    def view_box():
        return d.execute_script("return arguments[0].getAttribute('viewBox')", svg)
    before = view_box()
    d.execute_script("arguments[0].dispatchEvent(new WheelEvent('wheel', {deltaY: -300, clientX: 700, "
                     "clientY: 400, bubbles: true, cancelable: true}))", svg)
    zoomed = view_box()
    check(float(zoomed.split()[2]) < float(before.split()[2]), f"the wheel does not zoom: {before} -> {zoomed}")
    ActionChains(d).move_to_element_with_offset(svg, 0, 0).click_and_hold().move_by_offset(80, 40).release().perform()
    panned = view_box()
    check(panned.split()[:2] != zoomed.split()[:2] and panned.split()[2:] == zoomed.split()[2:],
          f"a drag does not pan: {zoomed} -> {panned}")


def test_big_graph(d, cprof, shots):
    """A graph that fitting would shrink below half opens at its own size, its root in view."""
    server = Server(cprof, ["profiles/go/edge-manynodes.pb.gz"])
    try:
        p = Page(d, server, shots)
        p.open("/ui/graph", "a big graph")
        box, width = d.execute_script("const s = cprof.state; return [s.box, s.svg.clientWidth]")
        check(abs(box["w"] - width) < 1, f"a big graph opens at {width / box['w']:.2f} of its size")
        root = [n for n in d.find_elements(By.CSS_SELECTOR, "g.node") if "main" in n.text.split("\n")]
        rect = root and d.execute_script("return arguments[0].getBoundingClientRect()", root[0])
        check(rect and 0 < rect["x"] and rect["x"] + rect["width"] < width, f"the root is not in view: {rect}")
        p.shot("graph-big")
        d.execute_script("document.querySelector('#content svg').dispatchEvent(new MouseEvent('dblclick', {bubbles: true}))")
        box = d.execute_script("return cprof.state.box")
        check(box["w"] > 2 * width, f"double-click does not show the whole graph: {box}")
    finally:
        server.stop()


def test_text_views(p):
    d = p.d
    for view, path in (("peek", "/ui/peek?f=fib"), ("disasm", "/ui/disasm?f=fib"), ("source", "/ui/source?f=fib")):
        p.open(path, view)
        hot = d.find_elements(By.CSS_SELECTOR, "#content .hot")
        check(hot, f"{view}: no hot line marked")
        check(p.data().get("view") == view, f"{view}: page data says {p.data().get('view')}")
        p.shot(view)
    rows = d.find_elements(By.CSS_SELECTOR, ".listing tr")
    text = " ".join(r.text for r in rows)
    check("return fib(n - 1) + fib(n - 2);" in text, "source: fib's lines are not listed")
    p.search("fib\\(n")
    marked = d.find_elements(By.CSS_SELECTOR, ".listing tr.match")
    check(marked and all("fib(n" in r.text for r in marked), "source: search marks the wrong lines")


def test_diff(d, cprof, shots):
    """With -diff_base the flame graph shades the net change: red grows, blue shrinks."""
    server = Server(cprof, ["-diff_base=profiles/go/go-leak-1.pb.gz", "profiles/go/go-leak-5.pb.gz"])
    try:
        p = Page(d, server, shots)
        p.open("/ui/flamegraph", "diff flame graph")
        check(p.data()["flame"].get("diff") is True, "the page data does not say diff")
        grow = d.find_elements(By.CSS_SELECTOR, "#flame-chart .delta.grow")
        check(grow, "a leak that grows shades no frame red")
        summary = d.find_element(By.ID, "flame-values").text
        check("→" in summary and "change +" in summary, f"diff summary: {summary!r}")
        p.shot("flamegraph-diff")
    finally:
        server.stop()


def test_weblist(d, cprof, shots):
    """-weblist writes the Source page standalone: it loads from a file, without menus."""
    tmp = tempfile.mkdtemp()
    opener = os.path.join(tmp, "open")
    with open(opener, "w") as f:
        f.write(f'#!/bin/sh\ncp "$1" {tmp}/weblist.html\n')
    os.chmod(opener, 0o755)
    subprocess.run([cprof, "-weblist=fib", "-source_path=src/native"] + CALC, cwd=CORPUS, check=True,
                   env=dict(os.environ, BROWSER=opener), capture_output=True)
    d.get("file://" + os.path.join(tmp, "weblist.html"))
    p = Page(d, None, shots)
    p.loaded("weblist")
    check(not d.find_element(By.ID, "view-menu").is_displayed(), "weblist: the menus show in a file")
    check(d.find_element(By.ID, "detailsbox").is_displayed(), "weblist: the legend is not shown")
    check(d.find_elements(By.CSS_SELECTOR, ".listing tr.hot"), "weblist: no hot line marked")
    p.shot("weblist")


def settings(config_home):
    """The names of the configurations in settings.json, and the whole document."""
    try:
        with open(os.path.join(config_home, "pprof", "settings.json")) as f:
            doc = json.load(f)
    except (OSError, ValueError):
        return [], {}
    return [c.get("name") for c in doc.get("configs", [])], doc


def test_configs(d, cprof, shots):
    home = tempfile.mkdtemp()
    env = dict(os.environ, XDG_CONFIG_HOME=home)
    server = Server(cprof, [HEAP], env)
    p = Page(d, server, shots)
    try:
        p.open("/ui/top?f=Allocations&si=alloc_space", "top to save")
        d.find_element(By.CSS_SELECTOR, "#config-menu .menu-name").click()
        d.find_element(By.ID, "save-config").click()
        check(d.find_element(By.ID, "save-dialog").is_displayed(), "Save as… opens no dialog")
        d.find_element(By.ID, "save-name").send_keys("allocs")
        p.shot("config-save")
        d.find_element(By.ID, "save-name").send_keys(Keys.ENTER)
        wait(lambda: settings(home)[0])
        names, doc = settings(home)
        check(names == ["allocs"], f"settings.json holds {names}")
        saved = (doc.get("configs") or [{}])[0]
        check(saved.get("focus") == "Allocations" and "sample_index" not in saved, f"saved config: {saved}")
        p.loaded("top after saving")
    finally:
        server.stop()
    server = Server(cprof, [HEAP], env)
    p = Page(d, server, shots)
    try:
        p.open("/ui/top", "top after a restart")
        entries = {a.get_attribute("data-config"): a for a in d.find_elements(By.CSS_SELECTOR, "#config-list .config")}
        check("allocs" in entries, f"after a restart the Config menu offers {list(entries)}")
        if "allocs" in entries:
            d.find_element(By.CSS_SELECTOR, "#config-menu .menu-name").click()
            p.shot("config-menu")
            entries["allocs"].click()
            wait(lambda: "f=" in d.current_url)
            p.loaded("top with the saved config")
            check(p.params().get("f") == "Allocations", f"the saved config opens {d.current_url}")
            current = [a.get_attribute("data-config") for a in d.find_elements(By.CSS_SELECTOR, "#config-list .config.current")]
            check(current == ["allocs"], f"the Config menu marks {current} as current")
            d.find_element(By.CSS_SELECTOR, "#config-menu .menu-name").click()
            d.find_element(By.CSS_SELECTOR, "#config-list .config[data-config='allocs'] .config-delete").click()
            check(d.find_element(By.ID, "delete-dialog").is_displayed(), "× opens no delete dialog")
            d.find_element(By.ID, "delete-confirm").click()
            check(wait(lambda: not settings(home)[0]), f"delete leaves {settings(home)[0]}")
            # the menu is redrawn when the page's DELETE request returns, which may be after the file changed
            check(wait(lambda: not d.find_elements(By.CSS_SELECTOR, "#config-list .config[data-config='allocs']")),
                  "the deleted config stays in the menu")
            p.no_errors("config delete")
    finally:
        server.stop()


# ---- render time ----

def render_time(cprof, profile, runs):
    server = Server(cprof, [os.path.abspath(profile)])
    d = browser()
    try:
        size = len(urllib.request.urlopen(server.base + "/ui/flamegraph").read())
        times = []
        for _ in range(runs):
            d.get(server.base + "/ui/flamegraph")
            drawn = wait(lambda: d.execute_script("return document.documentElement.dataset.drawn"), 60)
            times.append(float(drawn))
        boxes = d.execute_script("const c = document.getElementById('flame-chart'); "
                                 "return c.dataset.boxes + ' boxes laid out, ' + c.querySelectorAll('.box').length + ' drawn'")
        print(f"flame page: {size} bytes, {boxes}, rendered in "
              f"{min(times):.0f} ms (best of {runs}; all: {', '.join(f'{t:.0f}' for t in times)})")
    finally:
        d.quit()
        server.stop()


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == "--render-time":
        render_time(os.path.abspath(sys.argv[2]), sys.argv[3], int(sys.argv[4]) if len(sys.argv) > 4 else 3)
        return
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__.split("\n\n")[1])
    cprof = os.path.abspath(sys.argv[1])
    shots = sys.argv[2] if len(sys.argv) == 3 else None
    if shots:
        os.makedirs(shots, exist_ok=True)
    d = browser()
    try:
        heap = Server(cprof, [HEAP], dict(os.environ, XDG_CONFIG_HOME=tempfile.mkdtemp()))
        try:
            p = Page(d, heap, shots)
            test_flame(p)
            test_top(p, cprof)
            test_sample(p, cprof)
            test_tags(p, cprof)
            test_graph(p)
        finally:
            heap.stop()
        calc = Server(cprof, ["-source_path=src/native"] + CALC)
        try:
            test_text_views(Page(d, calc, shots))
        finally:
            calc.stop()
        test_big_graph(d, cprof, shots)
        test_diff(d, cprof, shots)
        test_weblist(d, cprof, shots)
        test_configs(d, cprof, shots)
    finally:
        d.quit()
    check.done()


if __name__ == "__main__":
    main()
