# MPI-IO tests (tests/mpi/io): self-checking programs run by run-testlist.sh from
# tests/mpi/io.testlist. Plain MPI: they also build with mpicc.openmpi and mpicc.mpich.
mpi_io_programs = \
	tests/mpi/io/basic \
	tests/mpi/io/errors \
	tests/mpi/io/shared
check_PROGRAMS += $(mpi_io_programs)
noinst_HEADERS += tests/mpi/io/iotest.h

tests_mpi_io_basic_SOURCES = tests/mpi/io/basic.c
tests_mpi_io_basic_LDADD = $(mpi_test_libs)
tests_mpi_io_basic_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_io_shared_SOURCES = tests/mpi/io/shared.c
tests_mpi_io_shared_LDADD = $(mpi_test_libs)
tests_mpi_io_shared_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_io_errors_SOURCES = tests/mpi/io/errors.c
tests_mpi_io_errors_LDADD = $(mpi_test_libs)
tests_mpi_io_errors_LDFLAGS = $(mpi_test_link_flags)
