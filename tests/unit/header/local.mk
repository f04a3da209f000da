# include/mpi.h: its standard ABI values (cmocka), and that it compiles as C++.
check_PROGRAMS += tests/unit/header/test_header
tests_unit_header_test_header_SOURCES = tests/unit/header/test_header.c
tests_unit_header_test_header_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_header_test_header_LDADD = $(CMOCKA_LIBS)

dist_noinst_SCRIPTS += tests/unit/header/cxx_compile.sh

TESTS += tests/unit/header/test_header tests/unit/header/cxx_compile.sh
