# fish completion for cprof: every flag of cprof -h with its description.
for line in (cprof -h 2>&1 | string match -r '^ *-[a-z_]+.*')
    set -l parts (string match -r '^ *-([a-z_]+) *(.*)$' -- $line)
    complete -c cprof -o $parts[2] -d "$parts[3]"
end
complete -c cprof -F
