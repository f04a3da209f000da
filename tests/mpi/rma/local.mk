# One-sided MPI tests (tests/mpi/rma): self-checking programs run by run-testlist.sh from
# tests/mpi/rma.testlist. Plain MPI: they also build with mpicc.openmpi and mpicc.mpich.
mpi_rma_programs = \
	tests/mpi/rma/epochs \
	tests/mpi/rma/emptyacc \
	tests/mpi/rma/errors \
	tests/mpi/rma/fence \
	tests/mpi/rma/manyget \
	tests/mpi/rma/manyops \
	tests/mpi/rma/passive \
	tests/mpi/rma/pscw \
	tests/mpi/rma/shared
check_PROGRAMS += $(mpi_rma_programs)
noinst_HEADERS += tests/mpi/rma/rmatest.h

tests_mpi_rma_fence_SOURCES = tests/mpi/rma/fence.c
tests_mpi_rma_fence_LDADD = $(mpi_test_libs)
tests_mpi_rma_fence_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_rma_manyget_SOURCES = tests/mpi/rma/manyget.c
tests_mpi_rma_manyget_LDADD = $(mpi_test_libs)
tests_mpi_rma_manyget_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_rma_passive_SOURCES = tests/mpi/rma/passive.c
tests_mpi_rma_passive_LDADD = $(mpi_test_libs)
tests_mpi_rma_passive_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_rma_pscw_SOURCES = tests/mpi/rma/pscw.c
tests_mpi_rma_pscw_LDADD = $(mpi_test_libs)
tests_mpi_rma_pscw_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_rma_shared_SOURCES = tests/mpi/rma/shared.c
tests_mpi_rma_shared_LDADD = $(mpi_test_libs)
tests_mpi_rma_shared_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_rma_emptyacc_SOURCES = tests/mpi/rma/emptyacc.c
tests_mpi_rma_emptyacc_LDADD = $(mpi_test_libs)
tests_mpi_rma_emptyacc_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_rma_errors_SOURCES = tests/mpi/rma/errors.c
tests_mpi_rma_errors_LDADD = $(mpi_test_libs)
tests_mpi_rma_errors_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_rma_manyops_SOURCES = tests/mpi/rma/manyops.c
tests_mpi_rma_manyops_LDADD = $(mpi_test_libs)
tests_mpi_rma_manyops_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_rma_epochs_SOURCES = tests/mpi/rma/epochs.c
tests_mpi_rma_epochs_LDADD = $(mpi_test_libs)
tests_mpi_rma_epochs_LDFLAGS = $(mpi_test_link_flags)
