# Topology arithmetic (cmocka): core/topo.c alone, no runtime.
check_PROGRAMS += tests/unit/topo/test_topo
TESTS += tests/unit/topo/test_topo
tests_unit_topo_test_topo_SOURCES = \
	tests/unit/topo/test_topo.c \
	libmp/core/topo.c
tests_unit_topo_test_topo_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_topo_test_topo_LDADD = $(CMOCKA_LIBS)
