# One-sided MPI tests (tests/mpi/rma): self-checking programs run by run-testlist.sh from
# tests/mpi/rma.testlist. Plain MPI: they also build with mpicc.openmpi and mpicc.mpich.
mpi_rma_programs = \
	tests/mpi/rma/fence
check_PROGRAMS += $(mpi_rma_programs)
noinst_HEADERS += tests/mpi/rma/rmatest.h

tests_mpi_rma_fence_SOURCES = tests/mpi/rma/fence.c
tests_mpi_rma_fence_LDADD = $(mpi_test_libs)
tests_mpi_rma_fence_LDFLAGS = $(mpi_test_link_flags)
