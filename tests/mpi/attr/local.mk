# Caching and info MPI tests (tests/mpi/attr): self-checking programs run by run-testlist.sh
# from tests/mpi/attr.testlist.
mpi_attr_programs = \
	tests/mpi/attr/comm_attr \
	tests/mpi/attr/comm_dup_attr \
	tests/mpi/attr/info \
	tests/mpi/attr/keyval_free \
	tests/mpi/attr/type_attr \
	tests/mpi/attr/type_dup_attr
check_PROGRAMS += $(mpi_attr_programs)
noinst_HEADERS += tests/mpi/attr/attrtest.h

tests_mpi_attr_comm_attr_SOURCES = tests/mpi/attr/comm_attr.c
tests_mpi_attr_comm_attr_LDADD = $(mpi_test_libs)
tests_mpi_attr_comm_attr_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_attr_info_SOURCES = tests/mpi/attr/info.c
tests_mpi_attr_info_LDADD = $(mpi_test_libs)
tests_mpi_attr_info_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_attr_keyval_free_SOURCES = tests/mpi/attr/keyval_free.c
tests_mpi_attr_keyval_free_LDADD = $(mpi_test_libs)
tests_mpi_attr_keyval_free_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_attr_type_attr_SOURCES = tests/mpi/attr/type_attr.c
tests_mpi_attr_type_attr_LDADD = $(mpi_test_libs)
tests_mpi_attr_type_attr_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_attr_comm_dup_attr_SOURCES = tests/mpi/attr/comm_dup_attr.c
tests_mpi_attr_comm_dup_attr_LDADD = $(mpi_test_libs)
tests_mpi_attr_comm_dup_attr_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_attr_type_dup_attr_SOURCES = tests/mpi/attr/type_dup_attr.c
tests_mpi_attr_type_dup_attr_LDADD = $(mpi_test_libs)
tests_mpi_attr_type_dup_attr_LDFLAGS = $(mpi_test_link_flags)
