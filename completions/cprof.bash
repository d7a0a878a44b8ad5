# bash completion for cprof: flags, their values and files. The flags and
# values come from cprof itself (cprof -complete), so they follow the cprof
# on PATH; sample types are read from the profiles already on the line.
#
# Words are taken from the line as cprof will see them, split at blanks
# only: bash also splits at '=' and ':', which would make three words of
# "-sample_index=al" in COMP_WORDS.

# _cprof_ask WHAT [PROFILE...]: what completes WHAT, one a line, without descriptions.
_cprof_ask()
{
	local what=$1
	shift
	command cprof -complete="$what" "$@" 2>/dev/null | cut -f1
}

# _cprof_takes_value WORD: WORD is a flag (-x or --x) that takes its value in the next word.
_cprof_takes_value()
{
	local name=${1#-}
	[[ $1 == -* && $1 != *=* ]] && grep -qxF -- "-${name#-}=" <<<"$flags"
}

# _cprof_file WORD: WORD, when it names a file.
_cprof_file()
{
	local f=${1/#\~/$HOME}
	[[ -f $f ]] && printf '%s\n' "$f"
}

# _cprof_profiles WORD...: the words that name files and are sources or -base profiles.
_cprof_profiles()
{
	local w next=
	for w; do
		case $next in
		value) next=; continue ;;
		base) next=; _cprof_file "$w"; continue ;;
		esac
		case $w in
		-base=* | --base=* | -diff_base=* | --diff_base=*) _cprof_file "${w#*=}" ;;
		-base | --base | -diff_base | --diff_base) next=base ;;
		-*) _cprof_takes_value "$w" && next=value ;;
		*) _cprof_file "$w" ;;
		esac
	done
}

# _cprof_values NAME VALUE WORD...: adds to cands the values of flag NAME
# that start with VALUE, reading the profiles among the WORDs of the
# line; fails when NAME takes any value (a file, a regexp).
_cprof_values()
{
	local name=$1 value=$2 head= v
	shift 2
	local -a all profiles
	case $name in
	sample_index)
		mapfile -t profiles < <(_cprof_profiles "$@")
		((${#profiles[@]})) && mapfile -t all < <(_cprof_ask sample_index "${profiles[@]}")
		# pprof also takes a sample type's index
		[[ $value == [0-9]* && ${#all[@]} -gt 0 ]] && mapfile -t all < <(seq 0 $((${#all[@]} - 1)))
		;;
	symbolize) # modes joined with ':'
		head=${value%"${value##*:}"}
		mapfile -t all < <(_cprof_ask symbolize)
		;;
	*)
		mapfile -t all < <(_cprof_ask "$name")
		((${#all[@]})) || return 1
		;;
	esac
	for v in "${all[@]}"; do
		[[ $head$v == "$value"* ]] && cands+=("$head$v")
	done
	return 0
}

_cprof()
{
	local line=${COMP_LINE:0:COMP_POINT} after=${COMP_LINE:COMP_POINT}
	local -a words later cands
	read -ra words <<<"$line"
	[[ -z $line || $line == *[[:space:]] ]] && words+=("")
	# the words after the one being completed
	read -ra later <<<"${after#"${after%%[[:space:]]*}"}"
	local word=${words[-1]} flags f
	flags=$(_cprof_ask flags)

	# the flag whose value is being typed: -flag=value, or -flag value
	local flag= value=$word
	if [[ $word == -*=* ]]; then
		flag=${word%%=*}
		value=${word#*=}
	elif ((${#words[@]} > 2)) && [[ $word != -* ]] && _cprof_takes_value "${words[-2]}"; then
		flag=${words[-2]}
	fi

	flag=${flag#-}
	if [[ -n $flag ]] && _cprof_values "${flag#-}" "$value" "${words[@]:1}" "${later[@]}"; then
		cands=("${cands[@]/#/${word%"$value"}}")
	elif [[ -z $flag && $word == -* ]]; then
		while read -r f; do
			[[ $f == "$word"* ]] && cands+=("$f")
			[[ $word == --* && -$f == "$word"* ]] && cands+=("-$f")
		done <<<"$flags"
	else
		# a profile, a binary, or a flag's file (-output, -base, ...)
		compopt -o filenames
		mapfile -t COMPREPLY < <(compgen -f -- "$value")
		return
	fi

	# bash replaces only what follows the last of its word breaks ('=', ':', ...)
	local i keep=0
	for ((i = ${#word} - 1; i >= 0; i--)); do
		if [[ $COMP_WORDBREAKS == *"${word:i:1}"* ]]; then
			keep=$((i + 1))
			break
		fi
	done
	COMPREPLY=()
	for f in "${cands[@]}"; do
		COMPREPLY+=("${f:keep}")
	done
	# a flag that takes a value goes on with it, after its '='
	[[ ${#cands[@]} == 1 && ${cands[0]} == *= ]] && compopt -o nospace
}
complete -F _cprof cprof
