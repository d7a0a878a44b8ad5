#!/usr/bin/env python3
"""The interactive shell's speed: each command's time on a loaded profile.

    tests/bench_shell.py CPROF [PROFILE]

Starts the shell on PROFILE (../shared/bench/large by default) through a
pipe, waits for its first prompt (the load), then types issue 17's
sequence one command at a time and times each from the line sent to the
next prompt: top, top -cum, focus=... then top, peek, list, tree,
sample_index=... then top. Assignments are timed too (they make no
report). RUNS sessions (3 by default, BENCH_SHELL_RUNS) are run, and each
command's median is printed beside the target of 0.15 s, with "ok" or
"SLOW". With BENCH_SHELL_REF=CPROF2, the same sequence is run with a
second binary in sessions alternating with the first (e.g. the cprof of
the main branch), and its medians are printed beside.
"""
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROMPT = b"(cprof) "
TARGET = 0.15
SEQUENCE = [
    "top",
    "top -cum",
    "focus=main",
    "top",
    "peek main\\.",
    "list main.main",
    "tree",
    "sample_index=0",
    "top",
]


def read_to_prompt(proc):
    """Reads the shell's standard output up to its next prompt; False at its end."""
    buf = b""
    while not buf.endswith(PROMPT):
        chunk = os.read(proc.stdout.fileno(), 65536)
        if not chunk:
            return False
        buf += chunk
    return True


def session(cprof, profile):
    """(load seconds, [seconds per command of SEQUENCE])."""
    proc = subprocess.Popen([cprof, profile], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    t0 = time.monotonic()
    if not read_to_prompt(proc):
        sys.exit("bench_shell: %s ended before its prompt" % cprof)
    load = time.monotonic() - t0
    times = []
    for cmd in SEQUENCE:
        t = time.monotonic()
        proc.stdin.write(cmd.encode() + b"\n")
        proc.stdin.flush()
        if not read_to_prompt(proc):
            sys.exit("bench_shell: %s ended at %r" % (cprof, cmd))
        times.append(time.monotonic() - t)
    proc.stdin.write(b"quit\n")
    proc.stdin.close()
    proc.wait()
    return load, times


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    cprof = sys.argv[1]
    profile = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "..", "shared", "bench", "large")
    if not os.path.exists(profile):
        sys.exit("bench_shell: %s missing" % profile)
    runs = int(os.environ.get("BENCH_SHELL_RUNS", "3"))
    ref = os.environ.get("BENCH_SHELL_REF", "")
    binaries = [cprof] + ([ref] if ref else [])
    results = {b: [] for b in binaries}
    for _ in range(runs):  # alternating, so that both see the same load on the machine
        for b in binaries:
            results[b].append(session(b, profile))

    def med(b, i):
        if i < 0:
            return statistics.median(r[0] for r in results[b])
        return statistics.median(r[1][i] for r in results[b])

    print("shell on %s: median of %d sessions%s; target %.2f s per command"
          % (os.path.basename(profile), runs, ", alternating with " + ref if ref else "", TARGET))
    print("%-16s %9s %7s%s" % ("command", "seconds", "target", " %9s" % "ref_s" if ref else ""))
    print("%-16s %9.3f %7s%s" % ("(load)", med(cprof, -1), "-", " %9.3f" % med(ref, -1) if ref else ""))
    slow = 0
    for i, cmd in enumerate(SEQUENCE):
        m = med(cprof, i)
        verdict = "ok" if m <= TARGET else "SLOW"
        slow += m > TARGET
        print("%-16s %9.3f %7s%s" % (cmd, m, verdict, " %9.3f" % med(ref, i) if ref else ""))
    print("%d of %d commands over %.2f s" % (slow, len(SEQUENCE), TARGET))


if __name__ == "__main__":
    main()
