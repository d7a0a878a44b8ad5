#!/usr/bin/env python3
"""compare.py BINARY [ADDRFILE]: symbolizes every address of ADDRFILE (hex, one
a line; default: every byte of the executable sections) with llvm-symbolizer
and with symdump, and reports every frame field that differs.

Environment: SYMDUMP (path of symdump), LLVM_SYMBOLIZER (default
llvm-symbolizer), STEP (sample every STEP-th byte of the sections)."""
import json, os, subprocess, sys

FIELDS = ("FunctionName", "FileName", "Line", "Column", "StartLine")


def text_addresses(binary, step):
    out = subprocess.run(["readelf", "-SW", binary], capture_output=True, text=True).stdout
    addrs = []
    for line in out.splitlines():
        if "]" not in line:
            continue
        parts = line.split("]", 1)[1].split()
        if len(parts) < 7:
            continue
        name, typ, addr, off, size, es, flags = parts[:7]
        if "X" in flags and typ != "NOBITS":
            a, n = int(addr, 16), int(size, 16)
            addrs.extend(range(a, a + n, step))
    return addrs


def run(cmd, addrs):
    data = "".join("0x%x\n" % a for a in addrs).encode()
    out = subprocess.run(cmd, input=data, capture_output=True).stdout
    return [json.loads(l.decode("utf-8", "surrogateescape")) for l in out.splitlines() if l.strip()]


def main():
    binary = sys.argv[1]
    step = int(os.environ.get("STEP", "1"))
    if len(sys.argv) > 2:
        addrs = [int(l, 16) for l in open(sys.argv[2]) if l.strip()]
    else:
        addrs = text_addresses(binary, step)
    sym = os.environ.get("LLVM_SYMBOLIZER", "llvm-symbolizer")
    want = run([sym, "--inlining", "-demangle=false", "--output-style=JSON", "--obj=" + binary], addrs)
    got = run([os.environ.get("SYMDUMP", "symdump"), binary], addrs)
    if len(want) != len(got):
        print("answers: %d from llvm-symbolizer, %d from symdump" % (len(want), len(got)))
        return 1
    bad = frames = 0
    for a, w, g in zip(addrs, want, got):
        ws, gs = w.get("Symbol", []), g["Symbol"]
        frames += len(ws)
        diff = len(ws) != len(gs) or any(x[k] != y[k] for x, y in zip(ws, gs) for k in FIELDS)
        if diff:
            bad += 1
            if bad <= 20:
                print("0x%x" % a)
                print("  llvm: " + json.dumps([{k: x[k] for k in FIELDS} for x in ws]))
                print("  cprof: " + json.dumps([{k: x[k] for k in FIELDS} for x in gs]))
    print("%s: %d addresses, %d frames, %d addresses differ" % (binary, len(addrs), frames, bad))
    return 1 if bad else 0


sys.exit(main())
