# MPI-IO views and file access (cmocka): libmp/io on the core datatype sources alone.
check_PROGRAMS += tests/unit/io/test_view
TESTS += tests/unit/io/test_view
tests_unit_io_test_view_SOURCES = \
	tests/unit/io/test_view.c \
	libmp/io/posix.c \
	libmp/io/view.c \
	libmp/core/datatype.c \
	libmp/core/dt_create.c \
	libmp/core/dt_external.c
tests_unit_io_test_view_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_io_test_view_LDADD = $(CMOCKA_LIBS)
