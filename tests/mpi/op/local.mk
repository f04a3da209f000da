# Reduction-op MPI tests (tests/mpi/op): self-checking programs run by run-testlist.sh from
# tests/mpi/op.testlist. Plain MPI: they also build with mpicc.openmpi and mpicc.mpich.
mpi_op_programs = \
	tests/mpi/op/reduce_local
check_PROGRAMS += $(mpi_op_programs)

tests_mpi_op_reduce_local_SOURCES = tests/mpi/op/reduce_local.c
tests_mpi_op_reduce_local_LDADD = $(mpi_test_libs)
tests_mpi_op_reduce_local_LDFLAGS = $(mpi_test_link_flags)
