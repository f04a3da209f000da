# Communicator and group tests (tests/mpi/comm): self-checking programs run by run-testlist.sh
# from tests/mpi/testlist. They are plain MPI and also build with mpicc.openmpi and mpicc.mpich.
mpi_comm_programs = \
	tests/mpi/comm/dupfree \
	tests/mpi/comm/split
check_PROGRAMS += $(mpi_comm_programs)
noinst_HEADERS += tests/mpi/comm/commtest.h

tests_mpi_comm_dupfree_SOURCES = tests/mpi/comm/dupfree.c
tests_mpi_comm_dupfree_LDADD = $(mpi_test_libs)
tests_mpi_comm_dupfree_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_comm_split_SOURCES = tests/mpi/comm/split.c
tests_mpi_comm_split_LDADD = $(mpi_test_libs)
tests_mpi_comm_split_LDFLAGS = $(mpi_test_link_flags)
