#!/bin/sh
# Rebuilds the symbolizer's test binaries from prog.c and prog.cc (gcc 12
# and clang 14 on Debian 12 made the committed ones) and, with "golden",
# records what LLVM 14's llvm-symbolizer and llvm-nm say about them
# (tests/sym/golden.py): the unit test compares cprof's symbolizer with
# those files, so a rebuild needs a new golden run.
set -e
cd "$(dirname "$0")"
# The debug info names /src/sym, wherever the tree is.
map="-fdebug-prefix-map=$(pwd)=/src/sym"
gcc $map -O2 -g -o prog-gcc prog.c                                # PIE, DWARF 5
clang $map -O2 -gdwarf-4 -fno-pie -no-pie -o prog-clang-dw4 prog.c # ET_EXEC, DWARF 4
gcc $map -O2 -g -gz -o prog-gz prog.c                         # compressed sections
g++ $map -O2 -g -o progxx-gcc prog.cc                         # C++: inline chains, lambdas
clang++ $map -O1 -g -o progxx-clang prog.cc
# A stripped binary whose DWARF is found through .gnu_debuglink.
gcc $map -O2 -g -o prog-split prog.c
objcopy --only-keep-debug prog-split prog-split.debug
objcopy --strip-debug --add-gnu-debuglink=prog-split.debug prog-split
gcc -O2 -s -o prog-stripped prog.c                            # .dynsym only
[ "$1" = golden ] || exit 0
for b in prog-gcc prog-clang-dw4 prog-gz progxx-gcc progxx-clang prog-split prog-stripped; do
	../../tests/sym/golden.py "$b" >"$b.golden"
done
