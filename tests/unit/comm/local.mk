# Communicator and group objects (cmocka): built from the core sources, without PMIx.
check_PROGRAMS += tests/unit/comm/test_comm_core
TESTS += tests/unit/comm/test_comm_core
tests_unit_comm_test_comm_core_SOURCES = \
	tests/unit/comm/test_comm_core.c \
	libmp/core/comm.c \
	libmp/core/group.c \
	libmp/core/status.c \
	libmp/core/topo.c
tests_unit_comm_test_comm_core_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_comm_test_comm_core_LDADD = $(CMOCKA_LIBS)
