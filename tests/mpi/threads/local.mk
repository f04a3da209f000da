# MPI_THREAD_MULTIPLE tests (tests/mpi/threads): self-checking programs with several threads per
# rank, run by run-testlist.sh from tests/mpi/threads.testlist. Plain MPI + POSIX threads.
mpi_threads_programs = \
	tests/mpi/threads/block \
	tests/mpi/threads/coll \
	tests/mpi/threads/ports \
	tests/mpi/threads/pt2pt \
	tests/mpi/threads/selfdup \
	tests/mpi/threads/session
check_PROGRAMS += $(mpi_threads_programs)
noinst_HEADERS += tests/mpi/threads/mttest.h

# Every program here links POSIX threads (each one's sources: its name with .c).
mpi_threads_cflags = $(AM_CFLAGS) -pthread
mpi_threads_ldadd = $(mpi_test_libs) -lpthread
mpi_threads_ldflags = $(mpi_test_link_flags) -pthread
tests_mpi_threads_block_CFLAGS = $(mpi_threads_cflags)
tests_mpi_threads_block_LDADD = $(mpi_threads_ldadd)
tests_mpi_threads_block_LDFLAGS = $(mpi_threads_ldflags)
tests_mpi_threads_coll_CFLAGS = $(mpi_threads_cflags)
tests_mpi_threads_coll_LDADD = $(mpi_threads_ldadd)
tests_mpi_threads_coll_LDFLAGS = $(mpi_threads_ldflags)
tests_mpi_threads_ports_CFLAGS = $(mpi_threads_cflags)
tests_mpi_threads_ports_LDADD = $(mpi_threads_ldadd)
tests_mpi_threads_ports_LDFLAGS = $(mpi_threads_ldflags)
tests_mpi_threads_pt2pt_CFLAGS = $(mpi_threads_cflags)
tests_mpi_threads_pt2pt_LDADD = $(mpi_threads_ldadd)
tests_mpi_threads_pt2pt_LDFLAGS = $(mpi_threads_ldflags)
tests_mpi_threads_selfdup_CFLAGS = $(mpi_threads_cflags)
tests_mpi_threads_selfdup_LDADD = $(mpi_threads_ldadd)
tests_mpi_threads_selfdup_LDFLAGS = $(mpi_threads_ldflags)
tests_mpi_threads_session_CFLAGS = $(mpi_threads_cflags)
tests_mpi_threads_session_LDADD = $(mpi_threads_ldadd)
tests_mpi_threads_session_LDFLAGS = $(mpi_threads_ldflags)
