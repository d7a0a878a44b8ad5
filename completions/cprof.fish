# fish completion for cprof: every flag of cprof -h with its description.
for line in (cprof -h 2>&1 | string match -r '^ *-[a-z_]+.*')
    set -l parts (string match -r '^ *-([a-z_]+) *(.*)$' -- $line)
    complete -c cprof -o $parts[2] -d "$parts[3]"
end
# the TLS flags take a file
for flag in tls_cert tls_key tls_ca
    complete -c cprof -o $flag -r -F
end
complete -c cprof -F
