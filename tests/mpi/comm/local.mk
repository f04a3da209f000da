# Communicator and group tests (tests/mpi/comm): self-checking programs run by run-testlist.sh
# from tests/mpi/comm.testlist. They are plain MPI and also build with mpicc.openmpi and mpicc.mpich.
mpi_comm_programs = \
	tests/mpi/comm/create \
	tests/mpi/comm/disconnect \
	tests/mpi/comm/dupfree \
	tests/mpi/comm/errors \
	tests/mpi/comm/groups \
	tests/mpi/comm/hwsplit \
	tests/mpi/comm/idup \
	tests/mpi/comm/intercomm \
	tests/mpi/comm/split
check_PROGRAMS += $(mpi_comm_programs)
noinst_HEADERS += tests/mpi/comm/commtest.h

tests_mpi_comm_create_SOURCES = tests/mpi/comm/create.c
tests_mpi_comm_create_LDADD = $(mpi_test_libs)
tests_mpi_comm_create_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_comm_disconnect_SOURCES = tests/mpi/comm/disconnect.c
tests_mpi_comm_disconnect_LDADD = $(mpi_test_libs)
tests_mpi_comm_disconnect_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_comm_dupfree_SOURCES = tests/mpi/comm/dupfree.c
tests_mpi_comm_dupfree_LDADD = $(mpi_test_libs)
tests_mpi_comm_dupfree_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_comm_errors_SOURCES = tests/mpi/comm/errors.c
tests_mpi_comm_errors_LDADD = $(mpi_test_libs)
tests_mpi_comm_errors_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_comm_groups_SOURCES = tests/mpi/comm/groups.c
tests_mpi_comm_groups_LDADD = $(mpi_test_libs)
tests_mpi_comm_groups_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_comm_hwsplit_SOURCES = tests/mpi/comm/hwsplit.c
# hwloc gives the expected groups.
tests_mpi_comm_hwsplit_CFLAGS = $(AM_CFLAGS) $(HWLOC_CFLAGS)
tests_mpi_comm_hwsplit_LDADD = $(mpi_test_libs) $(HWLOC_LIBS)
tests_mpi_comm_hwsplit_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_comm_idup_SOURCES = tests/mpi/comm/idup.c
tests_mpi_comm_idup_LDADD = $(mpi_test_libs)
tests_mpi_comm_idup_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_comm_intercomm_SOURCES = tests/mpi/comm/intercomm.c
tests_mpi_comm_intercomm_LDADD = $(mpi_test_libs)
tests_mpi_comm_intercomm_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_comm_split_SOURCES = tests/mpi/comm/split.c
tests_mpi_comm_split_LDADD = $(mpi_test_libs)
tests_mpi_comm_split_LDFLAGS = $(mpi_test_link_flags)
