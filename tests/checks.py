"""The smallest harness for the Python tests, as tests/unit/check.h is for
the C ones: check() counts a check and reports a failure without
stopping; done() prints the tally and exits non-zero after any failure.
golden() compares the outputs of the command lines a cases.tsv lists
with their golden files, or rewrites those.

    from checks import Checks, golden
    check = Checks("flame")
    check(ok, "what went wrong")
    golden(check, "testdata/flame", ".folded", run, update)
    check.done()
"""
import os
import sys


class Checks:
    def __init__(self, name):
        self.name, self.count, self.failures = name, 0, 0

    def __call__(self, ok, what):
        self.count += 1
        if not ok:
            self.failures += 1
            print(f"{self.name}: FAIL: {what}", file=sys.stderr)
        return ok

    def done(self, detail=""):
        print(f"{self.name}: {self.count} checks{detail}, {self.failures} failed")
        sys.exit(1 if self.failures else 0)


def golden(check, folder, suffix, run, update):
    """Each case of folder/cases.tsv (NAME, a tab, arguments) against folder/NAME+suffix; update rewrites them.

    run(args) runs cprof and returns its subprocess.CompletedProcess."""
    with open(os.path.join(folder, "cases.tsv")) as f:
        cases = [l.rstrip("\n").split("\t") for l in f if l.strip() and not l.startswith("#")]
    for name, args in cases:
        r = run(args.split())
        path = os.path.join(folder, name + suffix)
        if update:
            with open(path, "wb") as out:
                out.write(r.stdout)
            continue
        with open(path, "rb") as f:
            want = f.read()
        check(r.returncode == 0 and r.stdout == want, f"{name}: cprof {args} differs from {name}{suffix}")
