#!/usr/bin/env python3
"""mkprofile.py BINARY > spin.cpu: a CPU profile of spin with addresses
only (no functions, no lines: what perf or an eBPF profiler gives), for
cprof and pprof to symbolize from BINARY.

Each stack below lists its frames leaf first. A frame "NAME+0xN" is that
address; a frame "NAME" alone is the return address of NAME's call to the
frame before it, found in llvm-objdump's disassembly. The explicit offsets
were read from the disassembly of the committed spin: the instruction
after an indirect call (runtime.main calling main.main, runtime.mcall and
runtime.systemstack calling their function), a call to an ABI wrapper that
jumps on (runtime.mstart calling runtime.mstart0 through
runtime.mstart0.abi0), or, as every goroutine's root, runtime.goexit + 1
(the return address newproc gives a goroutine). The runtime's assembly
functions and ABI wrappers are the ones whose symbol-table names carry the
.abi0 suffix.
"""
import gzip
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests"))
from bombs import field, varint, vfield  # noqa: E402  (the protobuf helpers)

STACKS = [
    (50, ["main.hash+0x1f", "main.work", "main.main.func1", "runtime.goexit.abi0+0x1"]),
    (40, ["main.hash+0x12", "main.work", "main.main", "runtime.main+0x212", "runtime.goexit.abi0+0x1"]),
    (7, ["runtime.futex.abi0+0x23", "runtime.futexsleep", "runtime.notesleep", "runtime.stopm",
         "runtime.findRunnable", "runtime.schedule", "runtime.park_m", "runtime.mcall+0x43"]),
    (9, ["runtime.gcDrain+0xe6", "runtime.gcBgMarkWorker.func2", "runtime.systemstack.abi0+0x49",
         "runtime.gcBgMarkWorker", "runtime.goexit.abi0+0x1"]),
    (3, ["runtime.findRunnable+0x10", "runtime.schedule", "runtime.mstart1", "runtime.mstart0",
         "runtime.mstart.abi0+0x5", "runtime.rt0_go.abi0"]),
    (2, ["runtime.systemstack.abi0+0x10", "runtime.gcBgMarkWorker", "runtime.goexit.abi0+0x1"]),
    (1, ["runtime.goexit1.abi0+0x4", "runtime.goexit.abi0"]),
]
PERIOD = 10000000


def symbols(binary):
    out = subprocess.run(["llvm-nm", "-n", binary], capture_output=True, text=True, check=True).stdout
    return {f[2]: int(f[0], 16) for f in (l.split() for l in out.splitlines()) if len(f) == 3}


def text_segment(binary):
    """The start and end of the loadable segment that is R E."""
    out = subprocess.run(["llvm-readelf", "-lW", binary], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        f = line.split()
        if f[:1] == ["LOAD"] and f[-3:-1] == ["R", "E"]:
            return int(f[2], 16), int(f[2], 16) + int(f[5], 16)
    sys.exit("mkprofile: no text segment in " + binary)


def calls(binary):
    """(caller, callee) -> the return address of the caller's first call to callee."""
    out = subprocess.run(["llvm-objdump", "-d", "--no-show-raw-insn", binary], capture_output=True, text=True,
                         check=True).stdout
    ret, caller, pending = {}, None, None
    for line in out.splitlines():
        m = re.match(r"^[0-9a-f]+ <(.*)>:$", line)
        if m:
            caller, pending = m.group(1), None
            continue
        m = re.match(r"^\s+([0-9a-f]+):\s+(\S+)\s*(.*)$", line)
        if not m:
            continue
        addr = int(m.group(1), 16)
        if pending:  # this instruction follows a call: the return address
            ret.setdefault(pending, addr)
            pending = None
        t = re.search(r"<([^>+]+)>$", m.group(3))
        if m.group(2).startswith("call") and t:
            pending = (caller, t.group(1))
    return ret


def main():
    binary = sys.argv[1]
    sym, ret = symbols(binary), calls(binary)
    locs, samples = {}, []
    for value, frames in STACKS:
        addrs = []
        for i, f in enumerate(frames):
            name, _, off = f.partition("+")
            if off:
                a = sym[name] + int(off, 16)
            else:
                a = ret[(name, frames[i - 1].partition("+")[0])]
            addrs.append(locs.setdefault(a, len(locs) + 1))
        samples.append((value, addrs))
    strings = ["", "samples", "count", "cpu", "nanoseconds", os.path.basename(binary)]
    msg = field(1, vfield(1, 1) + vfield(2, 2)) + field(1, vfield(1, 3) + vfield(2, 4))
    for value, ids in samples:
        msg += field(2, field(1, b"".join(varint(i) for i in ids)) +
                     field(2, varint(value) + varint(value * PERIOD)))
    start, end = text_segment(binary)
    msg += field(3, vfield(1, 1) + vfield(2, start) + vfield(3, end) + vfield(5, 5))
    for a, i in sorted(locs.items(), key=lambda x: x[1]):
        msg += field(4, vfield(1, i) + vfield(2, 1) + vfield(3, a))
    msg += b"".join(field(6, s.encode()) for s in strings)
    msg += field(11, vfield(1, 3) + vfield(2, 4)) + vfield(12, PERIOD)
    sys.stdout.buffer.write(gzip.compress(msg, mtime=0))


if __name__ == "__main__":
    main()
