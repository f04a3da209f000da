#!/usr/bin/env bash
# Launcher test across hosts (network namespaces, see netns.sh): every rank of a job on 1 to
# 3 hosts starts on its host, sees the whole job through its daemon's PMIx server, exchanges
# data with every rank through a fence, and its output arrives whole; exit codes, a remote
# rank killed by a signal, an abort and a timeout end the job as on one host, leaving nothing.
set -eu
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/netns.sh"
mp_init
prog=$(mp_prog pmix_hosts)
mp_netns_setup 3

for hosts in "$NS1:2" "$NS1:2,$NS2:2" "$NS1:1,$NS2:3,$NS3:2" "$NS1:3,$NS2:3,$NS3:2"; do
    n=$(mp_rank_hosts "$hosts" | tr ',' '\n' | wc -l)
    echo "== hello on $hosts ($n ranks)"
    run_across "$hosts" "$prog" "$(mp_rank_hosts "$hosts")" hello
    mp_expect_status 0
    mp_expect_empty stderr
    i=0
    for h in $(mp_rank_hosts "$hosts" | tr ',' ' '); do
        mp_expect_line stdout "^hello from rank $i of $n on $h\$" "rank $i's line, whole"
        mp_expect_line stdout "^rank $i of $n pid [0-9]+\$"
        i=$((i + 1))
    done
    mp_expect_line stdout '^No Errors$'
    [ "$(wc -l <"$MP_OUT")" -eq $((2 * n + 1)) ] || mp_fail "stdout: $(wc -l <"$MP_OUT") lines"
    mp_expect_no_survivors
done

echo "== --map-by node deals the ranks out over the hosts; -n 3 leaves the third host out"
run_across "$NS1:2,$NS2:2" --map-by node "$prog" "$NS1,$NS2,$NS1,$NS2" hello
mp_expect_status 0
mp_expect_line stdout "^hello from rank 2 of 4 on $NS1\$"
mp_expect_line stdout '^No Errors$'
run_across "$NS1:2,$NS2:2,$NS3:2" -n 3 "$prog" "$NS1,$NS1,$NS2" hello
mp_expect_status 0
mp_expect_empty stderr
mp_expect_line stdout "^hello from rank 2 of 3 on $NS2\$"
mp_expect_line stdout '^No Errors$'

echo "== --map-by node: each rank's place on its host in Open MPI's and MPICH's variables, and"
echo "   in --display-map's lines"
run_across "$NS1:2,$NS2:2,$NS3:1" --map-by node -n 5 --display-map "$(mp_prog print_env)" \
    OMPI_COMM_WORLD_RANK OMPI_COMM_WORLD_LOCAL_RANK OMPI_COMM_WORLD_LOCAL_SIZE MPI_LOCALNRANKS
mp_expect_status 0
# Ranks 0 3 on the first host, 1 4 on the second, 2 alone on the third: --display-map says so.
mp_expect_line stderr "^mpirun: host $NS1: 2 ranks: 0,3\$"
mp_expect_line stderr "^mpirun: host $NS2: 2 ranks: 1,4\$"
mp_expect_line stderr "^mpirun: host $NS3: 1 rank: 2\$"
[ "$(wc -l <"$MP_ERR")" -eq 3 ] || mp_fail "stderr: $(wc -l <"$MP_ERR") lines, expected the map's 3"
for want in "0 0 2" "1 0 2" "2 0 1" "3 1 2" "4 1 2"; do
    read -r r lr ls <<<"$want"
    for line in "OMPI_COMM_WORLD_RANK=$r" "OMPI_COMM_WORLD_LOCAL_RANK=$lr" \
        "OMPI_COMM_WORLD_LOCAL_SIZE=$ls" "MPI_LOCALNRANKS=$ls"; do
        mp_expect_line stdout "^rank $r $line\$"
    done
done

echo "== -ppn 2 (MPICH) gives every host 2 consecutive ranks whatever its slots, and without -n"
echo "   2 per host run; -N 1 (Open MPI) one per host"
run_across "$NS1:1,$NS2:3,$NS3:1" -ppn 2 "$prog" "$NS1,$NS1,$NS2,$NS2,$NS3,$NS3" hello
mp_expect_status 0
mp_expect_empty stderr
mp_expect_line stdout "^hello from rank 5 of 6 on $NS3\$"
mp_expect_line stdout '^No Errors$'
run_across "$NS1:2,$NS2:2" -N 1 -n 2 "$prog" "$NS1,$NS2" hello
mp_expect_status 0
mp_expect_empty stderr
mp_expect_line stdout "^hello from rank 1 of 2 on $NS2\$"
mp_expect_line stdout '^No Errors$'

echo "== this host (ranks under mpirun itself) and a namespace together"
here=$(hostname)
run_across "$here:2,$NS1:2" "$prog" "$here,$here,$NS1,$NS1" hello
mp_expect_status 0
mp_expect_empty stderr
mp_expect_line stdout "^hello from rank 1 of 4 on $here\$"
mp_expect_line stdout "^hello from rank 3 of 4 on $NS1\$"
mp_expect_line stdout '^No Errors$'

hosts="$NS1:2,$NS2:2"
where=$(mp_rank_hosts "$hosts")

echo "== 4 ranks on 2 hosts print 2000 lines each, written in pieces: every line arrives whole"
run_across "$hosts" "$prog" "$where" lines 2000
mp_expect_status 0
report=$(awk '/^rank [0-9]+ of 4 pid [0-9]+$/ || /^No Errors$/ { next }
    { r = $1; k = $2; len = $3; want = sprintf("%c", 97 + r)
      if (NF != 4 || length($4) != len || $4 !~ "^" want "+$" || k != next_k[r] + 0) {
          bad++; if (bad < 4) print "bad line " NR ": " substr($0, 1, 80) }
      next_k[r] = k + 1 }
    END { for (r = 0; r < 4; r++) if (next_k[r] != 2000) print "rank " r ": " next_k[r] " lines"
          exit bad > 0 }' "$MP_OUT") || mp_fail "lines damaged, mixed or lost: $report"
[ -z "$report" ] || mp_fail "lines lost: $report"

echo "== a rank asks for a key another host's rank never put: an error, not a hang"
run_across "$hosts" "$prog" "$where" missing
mp_expect_status 0
mp_expect_line stdout '^No Errors$'
mp_expect_quick 15

echo "== --hostfile, --tag-output and --report-bindings across hosts"
printf '%s slots=1\n# a comment\n%s:2\n' "$NS1" "$NS2" >"$MP_WORK/hosts.txt"
mp_mpirun --hostfile "$MP_WORK/hosts.txt" --launch-agent "ip netns exec" --tag-output \
    --report-bindings "$prog" "$NS1,$NS2,$NS2" hello
mp_expect_status 0
for i in 0 1 2; do
    h=$NS2
    [ "$i" != 0 ] || h=$NS1
    mp_expect_line stdout "^\[1,$i\]<stdout>:hello from rank $i of 3 on $h\$"
    mp_expect_line stderr "^mpirun: rank $i on $h: (bound|not bound)"
done

echo "== -x and --wdir reach the ranks of every host (programs without MPI)"
run_across "$NS1:1,$NS2:1" -x MPTEST_X=across printenv MPTEST_X
mp_expect_status 0
[ "$(grep -c '^across$' "$MP_OUT")" = 2 ] || mp_fail "-x MPTEST_X=across not seen by both ranks"
run_across "$NS1:1,$NS2:1" --wdir "$MP_WORK" pwd
mp_expect_status 0
[ "$(grep -cFx "$MP_WORK" "$MP_OUT")" = 2 ] || mp_fail "--wdir $MP_WORK not used by both ranks"
run_across "$NS1:1,$NS2:1" --wdir "$MP_WORK/no-such-dir" pwd
mp_expect_status 1
mp_expect_line stderr "cannot enter --wdir $MP_WORK/no-such-dir"
mp_expect_no_survivors

echo "== rank 2 (on the second host) exits with status 7"
run_across "$hosts" "$prog" "$where" exit 2 7
mp_expect_status 7
mp_expect_mpirun_line "rank 2 \\(pid [0-9]+ on $NS2\\) exited with status 7"
mp_expect_quick 10
mp_expect_no_survivors

echo "== rank 3 (remote) is killed by SIGSEGV"
run_across "$hosts" "$prog" "$where" signal 3 11
mp_expect_status 139
mp_expect_mpirun_line "rank 3 \\(pid [0-9]+ on $NS2\\) was killed by signal 11 \\(SIGSEGV"
mp_expect_quick 10
mp_expect_no_survivors

echo "== rank 1 calls PMIx_Abort with status 5"
run_across "$hosts" "$prog" "$where" abort 1 5
mp_expect_status 5
mp_expect_quick 10
mp_expect_no_survivors

echo "== --timeout 2 with every rank sleeping 30 s"
run_across "$hosts" --timeout 2 "$prog" "$where" sleep 30
mp_expect_status 124
mp_expect_line stderr 'timed out'
[ "$MP_MS" -ge 1900 ] || mp_fail "ended after $MP_MS ms, before the 2 s timeout"
mp_expect_quick 10
mp_expect_pids_dead $(mp_rank_pids)
mp_expect_no_survivors

mp_finish
