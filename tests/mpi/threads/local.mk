# MPI_THREAD_MULTIPLE tests (tests/mpi/threads): self-checking programs with several threads per
# rank, run by run-testlist.sh from tests/mpi/threads.testlist. Plain MPI + POSIX threads.
mpi_threads_programs = \
	tests/mpi/threads/block \
	tests/mpi/threads/coll \
	tests/mpi/threads/pt2pt \
	tests/mpi/threads/selfdup \
	tests/mpi/threads/session
check_PROGRAMS += $(mpi_threads_programs)
noinst_HEADERS += tests/mpi/threads/mttest.h

tests_mpi_threads_block_SOURCES = tests/mpi/threads/block.c
tests_mpi_threads_block_CFLAGS = $(AM_CFLAGS) -pthread
tests_mpi_threads_block_LDADD = $(mpi_test_libs) -lpthread
tests_mpi_threads_block_LDFLAGS = $(mpi_test_link_flags) -pthread
tests_mpi_threads_coll_SOURCES = tests/mpi/threads/coll.c
tests_mpi_threads_coll_CFLAGS = $(AM_CFLAGS) -pthread
tests_mpi_threads_coll_LDADD = $(mpi_test_libs) -lpthread
tests_mpi_threads_coll_LDFLAGS = $(mpi_test_link_flags) -pthread
tests_mpi_threads_pt2pt_SOURCES = tests/mpi/threads/pt2pt.c
tests_mpi_threads_pt2pt_CFLAGS = $(AM_CFLAGS) -pthread
tests_mpi_threads_pt2pt_LDADD = $(mpi_test_libs) -lpthread
tests_mpi_threads_pt2pt_LDFLAGS = $(mpi_test_link_flags) -pthread
tests_mpi_threads_session_SOURCES = tests/mpi/threads/session.c
tests_mpi_threads_session_CFLAGS = $(AM_CFLAGS) -pthread
tests_mpi_threads_session_LDADD = $(mpi_test_libs) -lpthread
tests_mpi_threads_session_LDFLAGS = $(mpi_test_link_flags) -pthread
tests_mpi_threads_selfdup_SOURCES = tests/mpi/threads/selfdup.c
tests_mpi_threads_selfdup_CFLAGS = $(AM_CFLAGS) -pthread
tests_mpi_threads_selfdup_LDADD = $(mpi_test_libs) -lpthread
tests_mpi_threads_selfdup_LDFLAGS = $(mpi_test_link_flags) -pthread
