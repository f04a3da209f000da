# Communicator and group tests (tests/mpi/comm): self-checking programs run by run-testlist.sh
# from tests/mpi/comm.testlist. They are plain MPI and also build with mpicc.openmpi and mpicc.mpich.
mpi_comm_programs = \
	tests/mpi/comm/accept \
	tests/mpi/comm/create \
	tests/mpi/comm/disconnect \
	tests/mpi/comm/dupfree \
	tests/mpi/comm/errors \
	tests/mpi/comm/groups \
	tests/mpi/comm/hwsplit \
	tests/mpi/comm/idup \
	tests/mpi/comm/intercomm \
	tests/mpi/comm/join \
	tests/mpi/comm/porterr \
	tests/mpi/comm/pubname \
	tests/mpi/comm/spawn \
	tests/mpi/comm/split
check_PROGRAMS += $(mpi_comm_programs)
noinst_HEADERS += tests/mpi/comm/commtest.h

tests_mpi_comm_accept_SOURCES = tests/mpi/comm/accept.c
tests_mpi_comm_accept_LDADD = $(mpi_test_libs)
tests_mpi_comm_accept_LDFLAGS = $(mpi_test_link_flags)
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
tests_mpi_comm_join_SOURCES = tests/mpi/comm/join.c
tests_mpi_comm_join_LDADD = $(mpi_test_libs)
tests_mpi_comm_join_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_comm_porterr_SOURCES = tests/mpi/comm/porterr.c
tests_mpi_comm_porterr_LDADD = $(mpi_test_libs)
tests_mpi_comm_porterr_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_comm_pubname_SOURCES = tests/mpi/comm/pubname.c
tests_mpi_comm_pubname_LDADD = $(mpi_test_libs)
tests_mpi_comm_pubname_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_comm_spawn_SOURCES = tests/mpi/comm/spawn.c
tests_mpi_comm_spawn_LDADD = $(mpi_test_libs)
tests_mpi_comm_spawn_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_comm_split_SOURCES = tests/mpi/comm/split.c
tests_mpi_comm_split_LDADD = $(mpi_test_libs)
tests_mpi_comm_split_LDFLAGS = $(mpi_test_link_flags)
