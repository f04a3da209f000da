# The tcp transport's parsers (cmocka): handshake, frame headers, cards, MP_NET_IF and address
# order, built from their sources alone (no sockets, no PMIx).
check_PROGRAMS += tests/unit/tcp/test_tcp_proto
TESTS += tests/unit/tcp/test_tcp_proto
tests_unit_tcp_test_tcp_proto_SOURCES = \
	tests/unit/tcp/test_tcp_proto.c \
	libmp/transport/tcp/netif.c \
	libmp/transport/tcp/proto.c \
	libmp/util/sha256.c \
	libmp/core/log.c
tests_unit_tcp_test_tcp_proto_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) -I$(top_srcdir)/libmp
tests_unit_tcp_test_tcp_proto_LDADD = $(CMOCKA_LIBS)
