# Error handling MPI tests (tests/mpi/errors): self-checking programs run by run-testlist.sh
# from tests/mpi/errors.testlist, and a launcher test of the fatal path.
mpi_errors_programs = \
	tests/mpi/errors/adderr \
	tests/mpi/errors/errclass \
	tests/mpi/errors/errhandler \
	tests/mpi/errors/fatal \
	tests/mpi/errors/garbage \
	tests/mpi/errors/mpixdelete
check_PROGRAMS += $(mpi_errors_programs)

tests_mpi_errors_adderr_SOURCES = tests/mpi/errors/adderr.c
tests_mpi_errors_adderr_LDADD = $(mpi_test_libs)
tests_mpi_errors_adderr_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_errors_errclass_SOURCES = tests/mpi/errors/errclass.c
tests_mpi_errors_errclass_LDADD = $(mpi_test_libs)
tests_mpi_errors_errclass_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_errors_errhandler_SOURCES = tests/mpi/errors/errhandler.c
tests_mpi_errors_errhandler_LDADD = $(mpi_test_libs)
tests_mpi_errors_errhandler_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_errors_fatal_SOURCES = tests/mpi/errors/fatal.c
tests_mpi_errors_fatal_LDADD = $(mpi_test_libs)
tests_mpi_errors_fatal_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_errors_garbage_SOURCES = tests/mpi/errors/garbage.c
tests_mpi_errors_garbage_LDADD = $(mpi_test_libs)
tests_mpi_errors_garbage_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_errors_mpixdelete_SOURCES = tests/mpi/errors/mpixdelete.c
tests_mpi_errors_mpixdelete_LDADD = $(mpi_test_libs)
tests_mpi_errors_mpixdelete_LDFLAGS = $(mpi_test_link_flags)

TESTS += tests/mpi/errors/fatal_handler.sh
dist_noinst_SCRIPTS += tests/mpi/errors/fatal_handler.sh
