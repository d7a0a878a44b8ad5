"""The smallest harness for the Python tests, as tests/unit/check.h is for
the C ones: check() counts a check and reports a failure without
stopping; done() prints the tally and exits non-zero after any failure.

    from checks import Checks
    check = Checks("flame")
    check(ok, "what went wrong")
    check.done()
"""
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
