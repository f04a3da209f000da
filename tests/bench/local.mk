# Benchmarks: run by hand (see tests/bench/README.md), never by make check; shipped in the tarball.
EXTRA_DIST += tests/bench/README.md tests/bench/startup.sh tests/bench/init_finalize.c
