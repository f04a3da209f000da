#!/usr/bin/env bash
# Launcher test: MPI_Comm_join over a socket between processes of two different jobs (two
# mpiruns at once) fails on both sides with MPI_ERR_OTHER and a message naming the other job;
# neither side hangs.
set -eu
. "$(dirname "$0")/lib.sh"
mp_init
join=$(dirname "$(mp_prog init_basic)")/../comm/join
[ -x "$join" ] || mp_error "test program $join is not built"
portfile=$MP_WORK/join.port

echo "== two jobs join over a socket: both refuse"
mp_start "$MPIRUN" -n 1 "$join" listen "$portfile"
listen_out=$MP_OUT
listen_err=$MP_ERR
mp_mpirun -n 1 "$join" dial "$portfile"
mp_expect_status 0
mp_expect_line stdout '^No Errors$'
mp_wait_bg 30
mp_expect_status 0 "the listening job"
MP_OUT=$listen_out
MP_ERR=$listen_err
mp_expect_line stdout '^No Errors$' "the listening job"

mp_finish
