#!/usr/bin/env python3
"""golden.py BINARY: what llvm-symbolizer (as pprof runs it) and pprof's
reading of llvm-nm say about every byte of BINARY's executable sections,
one address a line, for tests/unit/test_symbolize.c:

  MODE<TAB>ADDR<TAB>N then N times <TAB>FUNC<TAB>FILE<TAB>LINE<TAB>COLUMN<TAB>STARTLINE

MODE is "code" (llvm-symbolizer) or "fast" (llvm-nm), ADDR hex."""
import os, subprocess, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare


def emit(mode, addrs, answers):
    for a, ans in zip(addrs, answers):
        fields = [mode, "0x%x" % a, str(len(ans["Symbol"]))]
        for f in ans["Symbol"]:
            fields += [f["FunctionName"], f["FileName"], str(f["Line"]), str(f["Column"]), str(f["StartLine"])]
        print("\t".join(fields))


binary = sys.argv[1]
addrs = compare.text_addresses(binary, 1)
sym = os.environ.get("LLVM_SYMBOLIZER", "llvm-symbolizer")
emit("code", addrs, compare.run([sym, "--inlining", "-demangle=false", "--output-style=JSON", "--obj=" + binary], addrs))
emit("fast", addrs, compare.nm_reference(binary, addrs))
