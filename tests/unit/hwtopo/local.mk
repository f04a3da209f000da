# The hardware levels a binding lies within (cmocka): hwtopo/hwtopo.c on synthetic machines.
check_PROGRAMS += tests/unit/hwtopo/test_levels
TESTS += tests/unit/hwtopo/test_levels
tests_unit_hwtopo_test_levels_SOURCES = tests/unit/hwtopo/test_levels.c libmp/hwtopo/hwtopo.c
tests_unit_hwtopo_test_levels_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(HWLOC_CFLAGS) -I$(top_srcdir)/libmp
tests_unit_hwtopo_test_levels_LDADD = $(CMOCKA_LIBS) $(HWLOC_LIBS)
