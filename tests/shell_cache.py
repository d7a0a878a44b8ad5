#!/usr/bin/env python3
"""The shell's cache changes nothing but time.

    tests/shell_cache.py CPROF

A shell session keeps, from one command to the next, the profiles its
transforms made, the nodes' values and the samples reduced to their hot
nodes (driver.h, graph.h). For each profile below, a session runs a
sequence of commands and settings in which each command finds something
kept from an earlier one (other sort, node count, sample_index, mean,
filters, granularity, base); each command's output, warnings included,
must be byte for byte what a fresh session that only makes the same
settings prints for it, keeping nothing (CPROF_SHELL_CACHE=off). Then, with CPROF_SHELL_CACHE, the shell says on
standard error what each command found kept, and the checks below say
which commands must have found what (so a cache that stopped keeping
anything would fail here, not only be slow).
"""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROFILES = os.path.join(ROOT, "testdata", "conformance", "profiles", "go")
PROMPT = b"(cprof) "

COMMON = [
    "top", "top -cum", "top 3", "top -cum 7", "top 2", "top -cum 2", "top 1", "tree", "peek .", "text", "top", "sample_index=1", "top",
    "top -cum", "mean=true", "top", "mean=false", "focus=main", "top", "top -cum", "tree", "focus=nothing.matches.this",
    "top", "top -cum", "focus=",
    "ignore=runtime", "top", "ignore=", "hide=runtime", "top -cum", "hide=", "granularity=lines", "top",
    "top -cum", "granularity=addresses", "top", "granularity=", "drop_negative=true", "top", "drop_negative=false",
    "relative_percentages=true", "focus=main", "top", "focus=", "relative_percentages=false", "nodecount=4", "top",
    "nodecount=-1", "sample_index=0", "traces", "top", "dot", "top -cum", "top",
]
CASES = [
    (["go-heap-good.pb.gz"], COMMON),
    (["go-cpu.pb.gz"], COMMON),
    (["edge-negative.pb.gz"], COMMON),
    (["edge-inline.pb.gz"], COMMON),
    (["edge-numlabels.pb.gz"], COMMON + ["tagfocus=bytes=1kb:", "top", "tags", "tagfocus=", "top"]),
    (["edge-multitype.pb.gz"], COMMON + ["sample_index=2", "top", "top -cum"]),
    (["-base", "go-leak-1.pb.gz", "go-leak-5.pb.gz"], COMMON),
    (["-diff_base", "go-leak-1.pb.gz", "go-leak-5.pb.gz"], COMMON),
]


def is_setting(cmd):
    return "=" in cmd.split(" ")[0]


NO_CACHE = dict(os.environ, CPROF_SHELL_CACHE="off")


def run(cprof, args, commands, env=None):
    """Each command's output (stdout and stderr), split at the prompts, and stderr when apart."""
    script = "".join(c + "\n" for c in commands) + "quit\n"
    p = subprocess.run([cprof] + args, input=script.encode(), stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT if env is None or env is NO_CACHE else subprocess.PIPE, cwd=PROFILES,
                       env=env, timeout=600)
    chunks = p.stdout.split(PROMPT)
    return chunks[1:], p.stderr


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    cprof = os.path.abspath(sys.argv[1])
    failed = 0
    for args, commands in CASES:
        session, _ = run(cprof, args, commands)
        for i, cmd in enumerate(commands):
            if is_setting(cmd):
                continue
            settings = [c for c in commands[:i] if is_setting(c)]
            alone, _ = run(cprof, args, settings + [cmd], NO_CACHE)
            if session[i] != alone[len(settings)]:
                failed += 1
                print("FAIL %s: %r after %r differs from a fresh session's without a cache"
                      % (" ".join(args), cmd, commands[:i]))
    # What the commands found kept (CPROF_SHELL_CACHE): each line "kept: WHAT..." per report.
    env = dict(os.environ, CPROF_SHELL_CACHE="1")
    _, err = run(cprof, ["go-cpu.pb.gz"], ["top", "top -cum", "sample_index=0", "top", "focus=main", "top",
                                           "granularity=lines", "top", "focus=", "top -cum", "focus=main",
                                           "top -cum", "nodecount=10", "tree", "tree -cum"], env)
    kept = [l for l in err.decode(errors="replace").splitlines() if l.startswith("kept:")]
    want = [
        "kept: (",                                         # top: the first report finds nothing kept
        "kept: units filters aggregation graph (",         # top -cum: only sorted again (text makes no edges)
        "kept: units filters aggregation graph (",         # another sample_index: other columns
        "kept: units (",                                   # a new focus: filtered once
        "kept: units filters (",                           # another granularity: aggregated again
        "kept: units filters (",                           # no focus, by lines: aggregated again
        "kept: units filters aggregation graph (",         # the focus by lines again: all kept
        "kept: units filters aggregation graph (",         # ten nodes' edges: hot stacks made
        "kept: units filters aggregation graph hot (",     # and walked again for another ten
    ]
    for k, w in zip(kept, want):
        if not k.startswith(w):
            failed += 1
            print("FAIL CPROF_SHELL_CACHE: %r, want %r" % (k, w))
    if len(kept) != len(want):
        failed += 1
        print("FAIL CPROF_SHELL_CACHE: %d reports said what they found kept, want %d" % (len(kept), len(want)))
    print("shell_cache: %d failed" % failed)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
