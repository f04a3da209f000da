# pt2pt protocols over the self transport (cmocka): built from the sources, without PMIx.
check_PROGRAMS += tests/unit/pt2pt/test_pt2pt_self
TESTS += tests/unit/pt2pt/test_pt2pt_self
tests_unit_pt2pt_test_pt2pt_self_SOURCES = \
	tests/unit/pt2pt/test_pt2pt_self.c \
	libmp/core/comm.c \
	libmp/core/datatype.c \
	libmp/core/group.c \
	libmp/core/lock.c \
	libmp/core/log.c \
	libmp/core/settings.c \
	libmp/core/status.c \
	libmp/core/topo.c \
	libmp/pt2pt/cancel.c \
	libmp/pt2pt/leave.c \
	libmp/pt2pt/match.c \
	libmp/pt2pt/node.c \
	libmp/pt2pt/peer.c \
	libmp/pt2pt/progress.c \
	libmp/pt2pt/pt2pt.c \
	libmp/pt2pt/request.c \
	libmp/transport/self/self.c
tests_unit_pt2pt_test_pt2pt_self_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_pt2pt_test_pt2pt_self_LDADD = $(CMOCKA_LIBS)
