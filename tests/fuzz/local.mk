# Fuzz harnesses (opt-in, never part of make check): `make fuzz` builds them with clang's
# libFuzzer, ASan and UBSan (FUZZ_CC, default clang); run one for a few minutes, e.g.
#   tests/fuzz/fuzz_tcp_proto -max_total_time=300 -max_len=256
FUZZ_CC = clang
FUZZ_CFLAGS = -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-I$(top_srcdir)/include -I$(top_srcdir)/libmp -I$(top_builddir)
fuzz_tcp_proto_sources = \
	$(top_srcdir)/tests/fuzz/fuzz_tcp_proto.c \
	$(top_srcdir)/libmp/transport/tcp/proto.c \
	$(top_srcdir)/libmp/transport/tcp/netif.c \
	$(top_srcdir)/libmp/util/sha256.c \
	$(top_srcdir)/libmp/core/log.c
tests/fuzz/fuzz_tcp_proto: $(fuzz_tcp_proto_sources)
	@mkdir -p tests/fuzz
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(fuzz_tcp_proto_sources) -o $@
fuzz: tests/fuzz/fuzz_tcp_proto
.PHONY: fuzz
CLEANFILES += tests/fuzz/fuzz_tcp_proto
EXTRA_DIST += tests/fuzz/fuzz_tcp_proto.c tests/fuzz/README.md
