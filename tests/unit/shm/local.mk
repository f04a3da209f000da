# The shm transport (cmocka): forked processes exchange packets through it, wired up by a fake,
# file-based wire-up instead of PMIx; the transport's sources are compiled into the test.
check_PROGRAMS += tests/unit/shm/test_shm
TESTS += tests/unit/shm/test_shm

tests_unit_shm_test_shm_SOURCES = \
	tests/unit/shm/test_shm.c \
	tests/unit/shm/fake_wireup.c \
	tests/unit/shm/fake_wireup.h \
	libmp/transport/shm/bell.c \
	libmp/transport/shm/cma.c \
	libmp/transport/shm/ring.c \
	libmp/transport/shm/segment.c \
	libmp/transport/shm/shm.c \
	libmp/core/log.c \
	libmp/core/status.c
tests_unit_shm_test_shm_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) -I$(top_srcdir)/libmp
tests_unit_shm_test_shm_LDADD = $(CMOCKA_LIBS) -lpthread
