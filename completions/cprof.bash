# bash completion for cprof: flags (read from cprof -h once), sample types
# for -sample_index, units for -unit, files for the rest.
_cprof_flags()
{
	if [ -z "${_cprof_flag_list:-}" ]; then
		_cprof_flag_list=$(cprof -h 2>&1 | sed -n 's/^ *\(-[a-z_]*\).*/\1/p' | sort -u)
	fi
	printf '%s\n' "$_cprof_flag_list"
}

_cprof()
{
	local cur=${COMP_WORDS[COMP_CWORD]}
	case $cur in
	-unit=*)
		COMPREPLY=($(compgen -P "-unit=" -W "minimum auto b kb mb gb tb pb ns us ms s hours" -- "${cur#-unit=}"))
		return ;;
	-sample_index=*)
		COMPREPLY=($(compgen -P "-sample_index=" -W "inuse_space inuse_objects alloc_space alloc_objects
			samples cpu contentions delay goroutine" -- "${cur#-sample_index=}"))
		return ;;
	-symbolize=*)
		COMPREPLY=($(compgen -P "-symbolize=" -W "none local fastlocal remote force demangle=full
			demangle=none demangle=templates" -- "${cur#-symbolize=}"))
		return ;;
	-*=*) # files: -tls_cert, -tls_key, -tls_ca, -output, -base, ...
		local flag=${cur%%=*}
		COMPREPLY=($(compgen -P "$flag=" -f -- "${cur#*=}"))
		return ;;
	-*)
		COMPREPLY=($(compgen -W "$(_cprof_flags)" -- "$cur"))
		return ;;
	esac
	COMPREPLY=($(compgen -f -- "$cur"))
}
complete -o filenames -F _cprof cprof
