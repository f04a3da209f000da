# Collective MPI tests (tests/mpi/coll): self-checking programs run by run-testlist.sh from
# tests/mpi/coll.testlist. They are plain MPI and also build with mpicc.openmpi and mpicc.mpich.
mpi_coll_programs = \
	tests/mpi/coll/allgather \
	tests/mpi/coll/bcast \
	tests/mpi/coll/errors \
	tests/mpi/coll/gather \
	tests/mpi/coll/intercomm \
	tests/mpi/coll/interleave \
	tests/mpi/coll/nonblocking \
	tests/mpi/coll/persistent \
	tests/mpi/coll/startorder \
	tests/mpi/coll/reduce
check_PROGRAMS += $(mpi_coll_programs)
noinst_HEADERS += tests/mpi/coll/colltest.h

tests_mpi_coll_allgather_SOURCES = tests/mpi/coll/allgather.c
tests_mpi_coll_allgather_LDADD = $(mpi_test_libs)
tests_mpi_coll_allgather_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_coll_bcast_SOURCES = tests/mpi/coll/bcast.c
tests_mpi_coll_bcast_LDADD = $(mpi_test_libs)
tests_mpi_coll_bcast_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_coll_errors_SOURCES = tests/mpi/coll/errors.c
tests_mpi_coll_errors_LDADD = $(mpi_test_libs)
tests_mpi_coll_errors_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_coll_gather_SOURCES = tests/mpi/coll/gather.c
tests_mpi_coll_gather_LDADD = $(mpi_test_libs)
tests_mpi_coll_gather_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_coll_intercomm_SOURCES = tests/mpi/coll/intercomm.c
tests_mpi_coll_intercomm_LDADD = $(mpi_test_libs)
tests_mpi_coll_intercomm_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_coll_interleave_SOURCES = tests/mpi/coll/interleave.c
tests_mpi_coll_interleave_LDADD = $(mpi_test_libs)
tests_mpi_coll_interleave_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_coll_nonblocking_SOURCES = tests/mpi/coll/nonblocking.c
tests_mpi_coll_nonblocking_LDADD = $(mpi_test_libs)
tests_mpi_coll_nonblocking_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_coll_persistent_SOURCES = tests/mpi/coll/persistent.c
tests_mpi_coll_persistent_LDADD = $(mpi_test_libs)
tests_mpi_coll_persistent_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_coll_startorder_SOURCES = tests/mpi/coll/startorder.c
tests_mpi_coll_startorder_LDADD = $(mpi_test_libs)
tests_mpi_coll_startorder_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_coll_reduce_SOURCES = tests/mpi/coll/reduce.c
tests_mpi_coll_reduce_LDADD = $(mpi_test_libs)
tests_mpi_coll_reduce_LDFLAGS = $(mpi_test_link_flags)
