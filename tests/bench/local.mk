# Benchmarks: run by hand (see tests/bench/README.md), never by make check; shipped in the tarball.
EXTRA_DIST += tests/bench/README.md tests/bench/startup.sh tests/bench/init_finalize.c \
	tests/bench/pt2pt.sh tests/bench/bench.h tests/bench/latency.c tests/bench/bw.c \
	tests/bench/bibw.c tests/bench/msgrate.c tests/bench/coll.sh tests/bench/coll.c \
	tests/bench/lib.sh tests/bench/runs.awk tests/bench/tcp.sh tests/bench/tcp_report.sh tests/bench/across.sh tests/bench/sock.c \
	tests/bench/rma.sh tests/bench/rma.c tests/bench/connect.sh tests/bench/connect.c \
	tests/bench/spawn.sh tests/bench/spawn.c tests/bench/xcore.c
