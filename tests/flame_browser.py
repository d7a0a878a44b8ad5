#!/usr/bin/python3
"""The flame graph SVG in a real browser: Debian's chromium, driven
headless by selenium (Debian's python3-selenium and chromium-driver).

    tests/flame_browser.py CPROF [SCREENSHOT_DIR]

Opened from a file, the SVG's script runs to its end (it marks the
document), logs no error, and does what the page says: hovering a frame
shows its details, clicking one zooms (the frame fills the width, its
ancestors stay dimmed, others hide, "Reset zoom" appears), Ctrl-F then
typing a regexp highlights the matching frames and shows the share they
cover, Escape undoes both. With SCREENSHOT_DIR, a picture of each state
is kept there for a person to look at.
"""
import os
import subprocess
import sys
import tempfile
import time

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from checks import Checks

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "testdata", "conformance")
check = Checks("flame_browser")


def browser():
    o = Options()
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1300,900",
              "--disable-background-networking", "--disable-component-update", "--no-first-run"):
        o.add_argument(a)
    o.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=o)


def wait(cond, seconds=10):
    end = time.time() + seconds
    while time.time() < end:
        v = cond()
        if v:
            return v
        time.sleep(0.05)
    return cond()


def frame(d, name):
    for g in d.find_elements(By.CSS_SELECTOR, "#frames > g"):
        if g.find_element(By.TAG_NAME, "title").get_attribute("textContent").split("\n")[0] == name:
            return g
    return None


def width(g):
    return float(g.find_element(By.TAG_NAME, "rect").get_attribute("width"))


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: tests/flame_browser.py CPROF [SCREENSHOT_DIR]")
    cprof = os.path.abspath(sys.argv[1])
    shots = sys.argv[2] if len(sys.argv) == 3 else None
    tmp = tempfile.mkdtemp()
    svg = os.path.join(tmp, "heap.svg")
    with open(svg, "wb") as f:
        subprocess.run([cprof, "-flame", "profiles/go/go-heap-bad.pb.gz"], cwd=CORPUS, stdout=f, check=True)
    d = browser()
    try:
        d.get("file://" + svg)
        ready = wait(lambda: d.execute_script("return document.documentElement.getAttribute('data-ready')"))
        check(ready and int(ready) > 10, f"the script did not run to its end (data-ready={ready})")
        errors = [e for e in d.get_log("browser") if e["level"] == "SEVERE"]
        check(not errors, f"errors in the console: {errors}")
        if shots:
            d.save_screenshot(os.path.join(shots, "flame.png"))

        full = width(frame(d, "all"))
        target = frame(d, "main.badWorkloads.func5")
        ActionChains(d).move_to_element(target).perform()
        details = d.find_element(By.ID, "details").get_attribute("textContent")
        check(details.startswith("main.badWorkloads.func5: total"), f"hover details: {details!r}")
        target.click()
        check(wait(lambda: abs(width(frame(d, "main.badWorkloads.func5")) - full) < 0.5),
              "a click does not zoom the frame to the full width")
        parent = frame(d, "main.processBatch")
        check("dim" in parent.get_attribute("class") and abs(width(parent) - full) < 0.5,
              "the zoomed frame's ancestor is not dimmed across the width")
        other = frame(d, "main.sliceGrowthBad")
        check("hide" in (other.get_attribute("class") or ""), "a frame outside the zoom is still shown")
        unzoom = d.find_element(By.ID, "unzoom")
        check("hide" not in (unzoom.get_attribute("class") or ""), "Reset zoom is not offered")
        if shots:
            d.save_screenshot(os.path.join(shots, "flame-zoom.png"))

        ActionChains(d).key_down(Keys.CONTROL).send_keys("f").key_up(Keys.CONTROL).perform()
        active = d.switch_to.active_element
        check(active.get_attribute("id") == "search", "Ctrl-F does not focus the search box")
        active.send_keys("Bad$")
        matched = wait(lambda: d.find_element(By.ID, "matched").get_attribute("textContent").startswith("Matched"))
        text = d.find_element(By.ID, "matched").get_attribute("textContent")
        check(matched, f"no matched share after a search: {text!r}")
        hits = d.find_elements(By.CSS_SELECTOR, "#frames > g.match")
        names = {h.find_element(By.TAG_NAME, "title").get_attribute("textContent").split("\n")[0] for h in hits}
        check(names and all(n.endswith("Bad") for n in names) and "main.sliceGrowthBad" in names,
              f"search highlights {sorted(names)}")
        pct = float(text.split()[-1].rstrip("%")) if matched else 0
        check(0 < pct <= 100, f"matched share {text!r}")
        if shots:
            d.save_screenshot(os.path.join(shots, "flame-search.png"))

        active.send_keys(Keys.ESCAPE)
        check(wait(lambda: not d.find_elements(By.CSS_SELECTOR, "#frames > g.match")), "Escape leaves highlights")
        check(wait(lambda: "hide" not in (frame(d, "main.sliceGrowthBad").get_attribute("class") or "")),
              "Escape does not reset the zoom")
        errors = [e for e in d.get_log("browser") if e["level"] == "SEVERE"]
        check(not errors, f"errors in the console: {errors}")
    finally:
        d.quit()
    check.done()


if __name__ == "__main__":
    main()
