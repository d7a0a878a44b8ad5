#!/bin/bash
# What make install put under DESTDIR, and whether each piece is found
# where its user looks: the program runs and prints the Makefile's version,
# man finds the page, bash's and fish's completions load from there and
# complete a flag, zsh's compinit registers its completion.
#
#   make install DESTDIR=DIR PREFIX=/usr && tests/install.sh DIR /usr
set -u
root=$(cd "$1" && pwd)$2
failures=0
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

ok() {
	if [ "$2" = 0 ]; then
		echo "ok   $1"
	else
		echo "FAIL $1"
		failures=$((failures + 1))
	fi
}

version=$(sed -n 's/^VERSION = //p' "$(dirname "$0")/../Makefile")
"$root/bin/cprof" -version | grep -q "^cprof $version (pprof-compatible output: google/pprof as of "
ok "bin/cprof runs and prints version $version" $?

[ "$(man -w -M "$root/share/man" cprof 2>/dev/null)" = "$root/share/man/man1/cprof.1" ]
ok "man finds share/man/man1/cprof.1" $?

# bash-completion loads a command's completion on first use from
# $XDG_DATA_DIRS/bash-completion/completions/NAME.
words=$(XDG_DATA_DIRS=$root/share PATH=$root/bin:$PATH bash -c '
	. /usr/share/bash-completion/bash_completion
	__load_completion cprof || exit 1
	COMP_LINE="cprof -vers" COMP_POINT=11 COMP_WORDS=(cprof -vers) COMP_CWORD=1
	_cprof
	echo "${COMPREPLY[*]}"')
[ "$words" = "-version" ]
ok "bash-completion loads the completion; -vers completes to -version (got '$words')" $?

# zsh: compinit registers what it finds on $fpath (PREFIX/share/zsh/site-functions
# is on it when zsh has the same prefix; Debian's has /usr/local's).
fn=$(zsh -fc 'fpath=("$1/share/zsh/site-functions" $fpath); autoload -U compinit; compinit -u -D
	print -r -- $_comps[cprof]' zsh "$root")
[ "$fn" = _cprof ]
ok "zsh's compinit registers _cprof for cprof (got '$fn')" $?

# fish reads $XDG_DATA_DIRS/fish/vendor_completions.d.
words=$(HOME=$scratch XDG_DATA_DIRS=$root/share PATH=$root/bin:$PATH fish -c 'complete -C "cprof -vers"')
[ "${words%%$'\t'*}" = "-version" ]
ok "fish loads the completion; -vers completes to -version (got '${words%%$'\t'*}')" $?

echo "install: $failures failed"
[ $failures = 0 ]
