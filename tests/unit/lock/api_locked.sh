#!/bin/sh
# Checks that every PMPI_ function defined under libmp/ takes the library lock of
# MPI_THREAD_MULTIPLE: MP_API_LOCK(); as the first line of its body (libmp/api/api.h), but for
# the few that keep no state and MPI_Abort. Lists the ones that do not and fails.
# With --fix FILE..., inserts the line into those functions of FILE... instead (new api files).
set -u

top=$(cd "$(dirname "$0")/../../.." && pwd)
exempt="PMPI_Initialized PMPI_Finalized PMPI_Get_version PMPI_Get_library_version PMPI_Wtime \
PMPI_Wtick PMPI_Query_thread PMPI_Is_thread_main PMPI_Abort"

# Prints the lines of a file with MP_API_LOCK(); added where it is missing (fix=1), or reports
# "FILE:LINE: NAME" for each function without it (fix=0).
scan() {
    awk -v fix="$1" -v exempt="$exempt" -v file="$2" '
        BEGIN { n = split(exempt, e, " "); for (i = 1; i <= n; i++) skip[e[i]] = 1 }
        {
            if (want == 2) {
                if ($0 !~ /^    MP_API_LOCK\(\);$/) {
                    if (fix) print "    MP_API_LOCK();"
                    else printf "%s:%d: %s does not start with MP_API_LOCK();\n", file, NR, name
                    bad++
                }
                want = 0
            }
            if (fix) print $0
            if (want == 1) {
                if ($0 == "{") want = 2
                else if ($0 ~ /;[ \t]*$/) want = 0
                next
            }
            if ($0 ~ /^[A-Za-z][A-Za-z0-9_ *]*[ *]PMPI_[A-Za-z0-9_]+\(/ && $0 !~ /;[ \t]*$/) {
                name = $0
                sub(/\(.*/, "", name)
                sub(/.*[ *]/, "", name)
                want = (name in skip) ? 0 : 1
            }
        }
        END { if (!fix && bad > 0) exit 1 }
    ' "$2"
}

if [ "${1:-}" = "--fix" ]; then
    shift
    for f in "$@"; do
        scan 1 "$f" >"$f.tmp" && mv "$f.tmp" "$f"
    done
    exit 0
fi

status=0
files=$(grep -rl --include='*.c' 'PMPI_' "$top/libmp")
while read -r f; do
    scan 0 "$f" || status=1
done <<EOF_FILES
$files
EOF_FILES
if [ "$status" = 0 ]; then
    echo "every PMPI_ function takes the library lock"
fi
exit "$status"
