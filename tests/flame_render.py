#!/usr/bin/python3
"""How long a flame graph SVG takes to open in a real browser, for make bench.

    tests/flame_render.py CPROF PROFILE [RUNS]

Writes `cprof -flame PROFILE` to a file and opens it RUNS times (default 3)
in Debian's headless chromium (python3-selenium, chromedriver): prints the
file's size and the median time from navigation start to the mark the
SVG's script sets when it has read every frame (data-ready), which comes
after the document is parsed and laid out.
"""
import os
import subprocess
import sys
import tempfile
import time

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit("usage: tests/flame_render.py CPROF PROFILE [RUNS]")
    cprof, profile = sys.argv[1], sys.argv[2]
    runs = int(sys.argv[3]) if len(sys.argv) == 4 else 3
    with tempfile.TemporaryDirectory() as tmp:
        svg = os.path.join(tmp, "flame.svg")
        with open(svg, "wb") as f:
            subprocess.run([cprof, "-flame", profile], stdout=f, check=True)
        o = Options()
        for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1300,900",
                  "--disable-background-networking", "--disable-component-update", "--no-first-run"):
            o.add_argument(a)
        d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=o)
        times = []
        try:
            for _ in range(runs):
                d.get("about:blank")
                d.get("file://" + svg)
                end = time.time() + 30
                while not d.execute_script("return document.documentElement.getAttribute('data-ready')"):
                    if time.time() > end:
                        sys.exit("flame_render: the SVG's script never finished")
                    time.sleep(0.01)
                ms = d.execute_script("return performance.now()")
                times.append(ms / 1000)
        finally:
            d.quit()
        times.sort()
        size = os.path.getsize(svg)
        print(f"flame SVG of {os.path.basename(profile)}: {size / 1e6:.2f} MB, "
              f"ready in {times[len(times) // 2]:.2f} s in chromium (median of {runs})")


if __name__ == "__main__":
    main()
