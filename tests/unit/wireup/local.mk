# CPU sharing from affinity masks (cmocka): wireup/cpus.c alone, no PMIx.
check_PROGRAMS += tests/unit/wireup/test_cpus
TESTS += tests/unit/wireup/test_cpus
tests_unit_wireup_test_cpus_SOURCES = tests/unit/wireup/test_cpus.c libmp/wireup/cpus.c
tests_unit_wireup_test_cpus_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) -I$(top_srcdir)/libmp
tests_unit_wireup_test_cpus_LDADD = $(CMOCKA_LIBS)
