# Dynamic process tests (tests/mpi/spawn): self-checking programs that spawn copies of
# themselves, run by run-testlist.sh from tests/mpi/spawn.testlist; fail is the helper of the
# launcher test tests/mpi/launcher/spawn.sh. Plain MPI: they also build with the other MPIs.
mpi_spawn_programs = \
	tests/mpi/spawn/basic \
	tests/mpi/spawn/fail \
	tests/mpi/spawn/farewell \
	tests/mpi/spawn/multiple \
	tests/mpi/spawn/nested \
	tests/mpi/spawn/ports
check_PROGRAMS += $(mpi_spawn_programs)

tests_mpi_spawn_basic_SOURCES = tests/mpi/spawn/basic.c
tests_mpi_spawn_basic_LDADD = $(mpi_test_libs)
tests_mpi_spawn_basic_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_spawn_fail_SOURCES = tests/mpi/spawn/fail.c
tests_mpi_spawn_fail_LDADD = $(mpi_test_libs)
tests_mpi_spawn_fail_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_spawn_multiple_SOURCES = tests/mpi/spawn/multiple.c
tests_mpi_spawn_multiple_LDADD = $(mpi_test_libs)
tests_mpi_spawn_multiple_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_spawn_ports_SOURCES = tests/mpi/spawn/ports.c
tests_mpi_spawn_ports_LDADD = $(mpi_test_libs)
tests_mpi_spawn_ports_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_spawn_nested_SOURCES = tests/mpi/spawn/nested.c
tests_mpi_spawn_nested_LDADD = $(mpi_test_libs)
tests_mpi_spawn_nested_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_spawn_farewell_SOURCES = tests/mpi/spawn/farewell.c
tests_mpi_spawn_farewell_LDADD = $(mpi_test_libs)
tests_mpi_spawn_farewell_LDFLAGS = $(mpi_test_link_flags)
