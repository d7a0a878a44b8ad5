#!/usr/bin/env python3
"""compare.py [-fast] BINARY [ADDRFILE]: symbolizes every address of ADDRFILE
(hex, one a line; default: every byte of the executable sections) with
llvm-symbolizer and with symdump, and reports every frame field that
differs. With -fast, the reference is what pprof makes of llvm-nm's
listing (addr2liner_nm.go), computed here.

Environment: SYMDUMP (path of symdump), LLVM_SYMBOLIZER (default
llvm-symbolizer), LLVM_NM (default llvm-nm), STEP (sample every STEP-th
byte of the sections)."""
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


def nm_reference(binary, addrs):
    """pprof's parseAddr2LinerNM and addrInfo on llvm-nm's output, base 0."""
    out = subprocess.run([os.environ.get("LLVM_NM", "llvm-nm"), "--numeric-sort", "--print-size",
                          "--format=posix", binary], capture_output=True).stdout
    syms = []
    for line in out.decode("utf-8", "surrogateescape").split("\n"):
        f = line.strip().split(" ")
        if len(f) != 4:
            continue
        try:
            syms.append((int(f[2], 16), int(f[3], 16), f[0], f[1]))
        except ValueError:
            continue
    res = []
    for a in addrs:
        frames = []
        if syms and syms[0][0] <= a < syms[-1][0] + syms[-1][1]:
            low, high = 0, len(syms)
            while low + 1 < high:
                mid = (low + high) // 2
                v = syms[mid][0]
                if a == v:
                    low = mid
                    break
                if a > v:
                    low = mid
                else:
                    high = mid
            s = syms[low]
            if not (any(c in s[3] for c in "bBdDrRvVW") and a >= s[0] + s[1]):
                frames = [{"FunctionName": s[2], "FileName": "", "Line": 0, "Column": 0, "StartLine": 0}]
        res.append({"Symbol": frames})
    return res


def main():
    fast = sys.argv[1] == "-fast"
    if fast:
        del sys.argv[1]
    binary = sys.argv[1]
    step = int(os.environ.get("STEP", "1"))
    if len(sys.argv) > 2:
        addrs = [int(l, 16) for l in open(sys.argv[2]) if l.strip()]
    else:
        addrs = text_addresses(binary, step)
    sym = os.environ.get("LLVM_SYMBOLIZER", "llvm-symbolizer")
    if fast:
        want = nm_reference(binary, addrs)
    else:
        want = run([sym, "--inlining", "-demangle=false", "--output-style=JSON", "--obj=" + binary], addrs)
    got = run([os.environ.get("SYMDUMP", "symdump")] + (["-fast"] if fast else []) + [binary], addrs)
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
    print("%s%s: %d addresses, %d frames, %d addresses differ" % ("fast " if fast else "", binary, len(addrs), frames, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
