# Info object storage (cmocka): core/info.c alone.
check_PROGRAMS += tests/unit/info/test_info
TESTS += tests/unit/info/test_info
tests_unit_info_test_info_SOURCES = tests/unit/info/test_info.c libmp/core/info.c
tests_unit_info_test_info_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_info_test_info_LDADD = $(CMOCKA_LIBS)
