# Derived datatype MPI tests (tests/mpi/dtype): self-checking programs run by run-testlist.sh
# from tests/mpi/dtype.testlist. Plain MPI: they also build with mpicc.openmpi and mpicc.mpich.
mpi_dtype_programs = \
	tests/mpi/dtype/bigstruct \
	tests/mpi/dtype/dtsend \
	tests/mpi/dtype/f90types \
	tests/mpi/dtype/halo \
	tests/mpi/dtype/legacy \
	tests/mpi/dtype/nested \
	tests/mpi/dtype/nulltype \
	tests/mpi/dtype/pack \
	tests/mpi/dtype/typeinfo
check_PROGRAMS += $(mpi_dtype_programs)

tests_mpi_dtype_bigstruct_SOURCES = tests/mpi/dtype/bigstruct.c
tests_mpi_dtype_bigstruct_LDADD = $(mpi_test_libs)
tests_mpi_dtype_bigstruct_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_dtype_legacy_SOURCES = tests/mpi/dtype/legacy.c
tests_mpi_dtype_legacy_LDADD = $(mpi_test_libs)
tests_mpi_dtype_legacy_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_dtype_typeinfo_SOURCES = tests/mpi/dtype/typeinfo.c
tests_mpi_dtype_typeinfo_LDADD = $(mpi_test_libs)
tests_mpi_dtype_typeinfo_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_dtype_dtsend_SOURCES = tests/mpi/dtype/dtsend.c
tests_mpi_dtype_dtsend_LDADD = $(mpi_test_libs)
tests_mpi_dtype_dtsend_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_dtype_halo_SOURCES = tests/mpi/dtype/halo.c
tests_mpi_dtype_halo_LDADD = $(mpi_test_libs)
tests_mpi_dtype_halo_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_dtype_pack_SOURCES = tests/mpi/dtype/pack.c
tests_mpi_dtype_pack_LDADD = $(mpi_test_libs)
tests_mpi_dtype_pack_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_dtype_f90types_SOURCES = tests/mpi/dtype/f90types.c
tests_mpi_dtype_f90types_LDADD = $(mpi_test_libs)
tests_mpi_dtype_f90types_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_dtype_nulltype_SOURCES = tests/mpi/dtype/nulltype.c
tests_mpi_dtype_nulltype_LDADD = $(mpi_test_libs)
tests_mpi_dtype_nulltype_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_dtype_nested_SOURCES = tests/mpi/dtype/nested.c
tests_mpi_dtype_nested_LDADD = $(mpi_test_libs)
tests_mpi_dtype_nested_LDFLAGS = $(mpi_test_link_flags)
