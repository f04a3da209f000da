# The tcp transport's parsers (cmocka): handshake, frame headers, cards, MP_NET_IF and address
# order, built from their sources alone (no sockets, no PMIx).
check_PROGRAMS += tests/unit/tcp/test_tcp_proto
TESTS += tests/unit/tcp/test_tcp_proto
tests_unit_tcp_test_tcp_proto_SOURCES = \
	tests/unit/tcp/test_tcp_proto.c \
	libmp/transport/tcp/netif.c \
	libmp/util/netfilter.c \
	libmp/transport/tcp/proto.c \
	libmp/util/sha256.c \
	libmp/core/log.c
tests_unit_tcp_test_tcp_proto_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) -I$(top_srcdir)/libmp
tests_unit_tcp_test_tcp_proto_LDADD = $(CMOCKA_LIBS)

# The tcp transport itself between two forked processes (cmocka), wired up by the shm test's
# fake, file-based wire-up: order and sizes, falling back past a dead address, a lost peer.
check_PROGRAMS += tests/unit/tcp/test_tcp_conn
TESTS += tests/unit/tcp/test_tcp_conn
tests_unit_tcp_test_tcp_conn_SOURCES = \
	tests/unit/tcp/test_tcp_conn.c \
	tests/unit/shm/fake_wireup.c \
	tests/unit/shm/fake_wireup.h \
	libmp/transport/tcp/conn.c \
	libmp/transport/tcp/netif.c \
	libmp/util/netfilter.c \
	libmp/transport/tcp/proto.c \
	libmp/transport/tcp/rxtx.c \
	libmp/transport/tcp/tcp.c \
	libmp/util/sha256.c \
	libmp/core/log.c \
	libmp/core/settings.c \
	libmp/core/status.c
tests_unit_tcp_test_tcp_conn_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) -I$(top_srcdir)/libmp
tests_unit_tcp_test_tcp_conn_LDADD = $(CMOCKA_LIBS) -lpthread
