# fish completion for cprof: flags with their descriptions, their values and
# files. The flags and values come from cprof itself (cprof -complete), so
# they follow the cprof on PATH; sample types are read from the profiles
# already on the line.

# The words before the cursor that name files and are sources or -base
# profiles: fish lets a completion see nothing past the cursor.
function __cprof_profiles
    set -l valued (cprof -complete=flags 2>/dev/null | string match -r '^-[^\t]*=' | string trim -r -c =)
    set -l words (commandline -o)
    set -e words[1]
    set -l next
    for w in $words
        switch "$next"
            case value
                set next
                continue
            case base
                set next
                test -f "$w"; and echo $w
                continue
        end
        switch $w
            case '-base=*' '--base=*' '-diff_base=*' '--diff_base=*'
                set w (string replace -r -- '^[^=]*=' '' $w)
                test -f "$w"; and echo $w
            case -base --base -diff_base --diff_base
                set next base
            case '-*'
                if not string match -q -- '*=*' $w; and contains -- -(string trim -l -c - -- $w) $valued
                    set next value
                end
            case '*'
                test -f "$w"; and echo $w
        end
    end
end

# The values of flag $argv[1], with their descriptions; files for free-form ones.
function __cprof_values
    set -l name $argv[1]
    set -l token (string replace -r -- '^-[^=]*=' '' (commandline -ct))
    set -l head
    set -l profiles
    switch $name
        case sample_index
            set profiles (__cprof_profiles)
            test (count $profiles) -gt 0; or return
        case symbolize # modes joined with ':'
            set head (string match -r -- '^.*:' $token)
    end
    set -l values (cprof -complete=$name $profiles 2>/dev/null)
    if test (count $values) = 0
        test $name = sample_index; or __fish_complete_path $token
        return
    end
    # pprof also takes a sample type's index
    if test $name = sample_index; and string match -qr -- '^[0-9]' $token
        for i in (seq (count $values))
            printf '%s\t%s\n' (math $i - 1) (string split -f1 \t -- $values[$i])
        end
        return
    end
    for v in $values
        echo "$head$v"
    end
end

# A boolean set in the same word (-trim=false): fish knows -trim only alone.
function __cprof_boolean_word
    set -l flag (string match -r -- '^-?-[a-z_]+=' (commandline -ct) | string trim -l -c - | string trim -r -c =)
    test -n "$flag"; and contains -- $flag $__cprof_booleans
end

set -g __cprof_booleans
for line in (cprof -complete=flags 2>/dev/null)
    set -l parts (string split -m1 \t -- $line)
    set -l flag (string sub -s 2 -- $parts[1])
    if string match -q -- '*=' $flag
        set flag (string sub -e -1 -- $flag)
        complete -c cprof -o $flag -d "$parts[2]" -x -a "(__cprof_values $flag)"
    else
        complete -c cprof -o $flag -d "$parts[2]"
        set -a __cprof_booleans $flag
    end
end
complete -c cprof -n __cprof_boolean_word -x -a '(string replace -r -- "=.*" "" (commandline -ct))=(printf "%s\n" true false)'
complete -c cprof -n 'not __cprof_boolean_word' -F
