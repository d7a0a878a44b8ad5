#!/usr/bin/env python3
"""The pipeline's layers stay one-way (../shared/DESIGN.md).

    tests/layers.py BUILD_DIR

Every file of src/ belongs to a stage, named by its prefix (STAGES, in
the pipeline's order). Three rules, each a failure with the place named:

1. includes: a file includes only headers of its own stage or earlier
   ones, and a library's header only from the stage that wraps it
   (LIBRARIES: pcre2.h only in re.c, zlib.h only where gzip is read or
   written, ...);
2. calls: a function a file calls (read from the symbols of
   BUILD_DIR/*.o with nm) is defined in its own stage or an earlier one;
3. no loops: no two files call into each other, directly or around a
   loop of any length (a strongly connected component of the call graph
   between files, within a stage as well as across).
"""
import collections
import os
import re
import subprocess
import sys

# Stages in pipeline order, each with the file-name prefixes it owns.
# A prefix matches a file named exactly so, or so followed by '_'.
STAGES = [
    ("base", ["util", "hashtab", "units", "re", "gofmt", "profile", "options", "commands", "assets", "json"]),
    ("source", ["fetch"]),
    ("decode", ["decode", "encode"]),
    ("symbolize", ["symbolize", "demangle"]),
    ("transform", ["transform", "merge", "tagrange"]),
    ("graph", ["graph"]),
    ("report", ["report", "srcfile"]),
    ("render", ["render"]),
    ("driver", ["driver"]),
    ("front end", ["main", "flags", "shell", "web"]),
]

# A library's headers, and the prefixes of the files that may include them.
LIBRARIES = [
    (r"pcre2\.h$", ["re"]),
    (r"zlib\.h$", ["decode", "encode", "symbolize"]),
    (r"^curl/", ["fetch"]),
    (r"^(gvc|cgraph)\.h$", ["render"]),
    (r"^readline/", ["shell"]),
    (r"^microhttpd\.h$", ["web"]),
    (r"^(dwarf|gelf|libelf)\.h$|^elfutils/", ["symbolize"]),
    (r"\.pb-c\.h$|^protobuf-c/", ["decode", "encode"]),
]


def owner(name, prefixes):
    return any(name == p or name.startswith(p + "_") for p in prefixes)


def stage_of(module):
    """The stage index of a module (a file name without .c/.h/_int.h)."""
    for i, (_, prefixes) in enumerate(STAGES):
        if owner(module, prefixes):
            return i
    return None


def module_of(filename):
    base = os.path.basename(filename)
    for suffix in ("_int.h", ".h", ".c", ".o"):
        if base.endswith(suffix):
            return base[: -len(suffix)]
    return base


def check_includes(src, problems):
    for name in sorted(os.listdir(src)):
        if not name.endswith((".c", ".h")):
            continue
        mod = module_of(name)
        st = stage_of(mod)
        if st is None:
            problems.append(f"src/{name}: no stage owns this file; add its prefix to STAGES in {sys.argv[0]}")
            continue
        with open(os.path.join(src, name), encoding="utf-8") as f:
            for lineno, line in enumerate(f, 1):
                m = re.match(r'\s*#\s*include\s*([<"])([^>"]+)[>"]', line)
                if not m:
                    continue
                header = m.group(2)
                for pattern, prefixes in LIBRARIES:
                    if re.search(pattern, header) and not owner(mod, prefixes):
                        problems.append(f"src/{name}:{lineno}: includes <{header}>, which only "
                                        f"{', '.join(p + '*' for p in prefixes)} may include")
                if m.group(1) != '"' or header.endswith(".pb-c.h"):
                    continue
                hst = stage_of(module_of(header))
                if hst is None:
                    problems.append(f"src/{name}:{lineno}: includes {header}, which no stage owns")
                elif hst > st:
                    problems.append(f"src/{name}:{lineno}: a {STAGES[st][0]} file includes {header} "
                                    f"of the later {STAGES[hst][0]} stage")


def call_graph(build, src):
    defined, used = {}, collections.defaultdict(set)
    # objects of files no longer in src/ may linger in a build directory
    objects = [n for n in sorted(os.listdir(build))
               if n.endswith(".o") and os.path.exists(os.path.join(src, n[:-2] + ".c"))]
    if not objects:
        sys.exit(f"layers: no object files in {build}: build first")
    for name in objects:
        mod = module_of(name)
        out = subprocess.run(["nm", os.path.join(build, name)], capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[1] in "TDBRW":
                defined[parts[2]] = mod
            elif len(parts) == 2 and parts[0] == "U":
                used[mod].add(parts[1])
    edges = collections.defaultdict(set)
    for mod in used:
        for sym in used[mod]:
            target = defined.get(sym)
            if target and target != mod:
                edges[mod].add((target, sym))
    return {m for m in used} | set(defined.values()), edges


def components(nodes, edges):
    """Strongly connected components (Tarjan's, iterative)."""
    index, low, on, stack, out, counter = {}, {}, set(), [], [], [0]
    for root in sorted(nodes):
        if root in index:
            continue
        work = [(root, iter(sorted(t for t, _ in edges[root])))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(t for t, _ in edges[w]))))
                elif w in on:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                out.append(sorted(comp))
    return out


def check_calls(build, src, problems):
    nodes, edges = call_graph(build, src)
    for mod in sorted(edges):
        st = stage_of(mod)
        if st is None:
            continue
        for target, sym in sorted(edges[mod]):
            tst = stage_of(target)
            if tst is not None and tst > st:
                problems.append(f"{mod}.c: a {STAGES[st][0]} file calls {sym} in {target}.c "
                                f"of the later {STAGES[tst][0]} stage")
    for comp in components(nodes, edges):
        if len(comp) < 2:
            continue
        inside = set(comp)
        calls = [f"{m} -> {t} ({s})" for m in comp for t, s in sorted(edges[m]) if t in inside]
        problems.append("files calling each other around a loop: " + ", ".join(comp) +
                        "\n      " + "\n      ".join(calls))


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: tests/layers.py BUILD_DIR")
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    problems = []
    src = os.path.join(root, "src")
    check_includes(src, problems)
    check_calls(sys.argv[1], src, problems)
    for p in problems:
        print("FAIL " + p)
    print(f"layers: {len(problems)} problems")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
