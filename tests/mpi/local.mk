# MPI tests: self-checking programs in tests/mpi/env (run by run-testlist.sh from env.testlist)
# and launcher tests in tests/mpi/launcher (one script per behaviour of mpirun).
mpi_test_programs = \
	tests/mpi/env/handles \
	tests/mpi/env/f08status \
	tests/mpi/env/init_basic \
	tests/mpi/env/session \
	tests/mpi/env/tools \
	tests/mpi/env/alloc_mem \
	tests/mpi/env/init_thread \
	tests/mpi/env/exit_code \
	tests/mpi/env/signal_self \
	tests/mpi/env/abort \
	tests/mpi/env/no_finalize \
	tests/mpi/env/sleeper \
	tests/mpi/env/print_lines \
	tests/mpi/env/read_stdin \
	tests/mpi/env/print_env \
	tests/mpi/env/mpmd_info \
	tests/mpi/env/print_affinity \
	tests/mpi/env/ring_for \
	tests/mpi/env/peer_dies \
	tests/mpi/env/pmix_job_info \
	tests/mpi/env/pmix_hosts
check_PROGRAMS += $(mpi_test_programs)
noinst_HEADERS += tests/mpi/env/mptest.h

# The programs link the uninstalled libmp directly (-no-install: no libtool wrapper scripts).
mpi_test_libs = libmp/libmp.la
mpi_test_link_flags = $(AM_LDFLAGS) -no-install

tests_mpi_env_alloc_mem_SOURCES = tests/mpi/env/alloc_mem.c
tests_mpi_env_alloc_mem_LDADD = $(mpi_test_libs)
tests_mpi_env_alloc_mem_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_env_handles_SOURCES = tests/mpi/env/handles.c
tests_mpi_env_handles_LDADD = $(mpi_test_libs)
tests_mpi_env_handles_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_env_f08status_SOURCES = tests/mpi/env/f08status.c
tests_mpi_env_f08status_LDADD = $(mpi_test_libs)
tests_mpi_env_f08status_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_env_tools_SOURCES = tests/mpi/env/tools.c
tests_mpi_env_tools_LDADD = $(mpi_test_libs)
tests_mpi_env_tools_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_env_session_SOURCES = tests/mpi/env/session.c
tests_mpi_env_session_LDADD = $(mpi_test_libs)
tests_mpi_env_session_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_env_init_basic_SOURCES = tests/mpi/env/init_basic.c
tests_mpi_env_init_basic_LDADD = $(mpi_test_libs)
tests_mpi_env_init_basic_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_env_init_thread_SOURCES = tests/mpi/env/init_thread.c
tests_mpi_env_init_thread_LDADD = $(mpi_test_libs) -lpthread
tests_mpi_env_init_thread_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_env_exit_code_SOURCES = tests/mpi/env/exit_code.c
tests_mpi_env_exit_code_LDADD = $(mpi_test_libs)
tests_mpi_env_exit_code_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_env_signal_self_SOURCES = tests/mpi/env/signal_self.c
tests_mpi_env_signal_self_LDADD = $(mpi_test_libs)
tests_mpi_env_signal_self_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_env_abort_SOURCES = tests/mpi/env/abort.c
tests_mpi_env_abort_LDADD = $(mpi_test_libs)
tests_mpi_env_abort_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_env_no_finalize_SOURCES = tests/mpi/env/no_finalize.c
tests_mpi_env_no_finalize_LDADD = $(mpi_test_libs)
tests_mpi_env_no_finalize_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_env_sleeper_SOURCES = tests/mpi/env/sleeper.c
tests_mpi_env_sleeper_LDADD = $(mpi_test_libs)
tests_mpi_env_sleeper_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_env_print_lines_SOURCES = tests/mpi/env/print_lines.c
tests_mpi_env_print_lines_LDADD = $(mpi_test_libs)
tests_mpi_env_print_lines_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_env_read_stdin_SOURCES = tests/mpi/env/read_stdin.c
tests_mpi_env_read_stdin_LDADD = $(mpi_test_libs)
tests_mpi_env_read_stdin_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_env_mpmd_info_SOURCES = tests/mpi/env/mpmd_info.c
tests_mpi_env_mpmd_info_CFLAGS = $(AM_CFLAGS) $(PMIX_CFLAGS)
tests_mpi_env_mpmd_info_LDADD = $(mpi_test_libs) $(PMIX_LIBS)
tests_mpi_env_mpmd_info_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_env_print_env_SOURCES = tests/mpi/env/print_env.c
tests_mpi_env_print_env_LDADD = $(mpi_test_libs)
tests_mpi_env_print_env_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_env_print_affinity_SOURCES = tests/mpi/env/print_affinity.c
tests_mpi_env_print_affinity_LDADD = $(mpi_test_libs)
tests_mpi_env_print_affinity_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_env_ring_for_SOURCES = tests/mpi/env/ring_for.c
tests_mpi_env_ring_for_LDADD = $(mpi_test_libs)
tests_mpi_env_ring_for_LDFLAGS = $(mpi_test_link_flags)
tests_mpi_env_peer_dies_SOURCES = tests/mpi/env/peer_dies.c
tests_mpi_env_peer_dies_LDADD = $(mpi_test_libs)
tests_mpi_env_peer_dies_LDFLAGS = $(mpi_test_link_flags)
# Not an MPI program: a plain PMIx client checking what mpirun's server registers.
tests_mpi_env_pmix_job_info_SOURCES = tests/mpi/env/pmix_job_info.c
tests_mpi_env_pmix_job_info_CFLAGS = $(AM_CFLAGS) $(PMIX_CFLAGS)
tests_mpi_env_pmix_job_info_LDADD = $(PMIX_LIBS)
# Not an MPI program either: jobs across hosts need no MPI traffic between hosts with it.
tests_mpi_env_pmix_hosts_SOURCES = tests/mpi/env/pmix_hosts.c
tests_mpi_env_pmix_hosts_CFLAGS = $(AM_CFLAGS) $(PMIX_CFLAGS)
tests_mpi_env_pmix_hosts_LDADD = $(PMIX_LIBS)

mpi_launcher_tests = \
	tests/mpi/launcher/abi.sh \
	tests/mpi/launcher/abort.sh \
	tests/mpi/launcher/binding.sh \
	tests/mpi/launcher/cleanup.sh \
	tests/mpi/launcher/cxx.sh \
	tests/mpi/launcher/env.sh \
	tests/mpi/launcher/exit_codes.sh \
	tests/mpi/launcher/hosts.sh \
	tests/mpi/launcher/hosts_pmix.sh \
	tests/mpi/launcher/hosts_failures.sh \
	tests/mpi/launcher/hosts_mpmd.sh \
	tests/mpi/launcher/hosts_mpi.sh \
	tests/mpi/launcher/hosts_tree.sh \
	tests/mpi/launcher/hosts_ipv6.sh \
	tests/mpi/launcher/hosts_apart.sh \
	tests/mpi/launcher/hosts_netif.sh \
	tests/mpi/launcher/interrupt.sh \
	tests/mpi/launcher/join_jobs.sh \
	tests/mpi/launcher/mpmd.sh \
	tests/mpi/launcher/kill9.sh \
	tests/mpi/launcher/no_finalize.sh \
	tests/mpi/launcher/signals.sh \
	tests/mpi/launcher/singleton.sh \
	tests/mpi/launcher/sizes.sh \
	tests/mpi/launcher/spawn.sh \
	tests/mpi/launcher/stdin.sh \
	tests/mpi/launcher/stdio.sh \
	tests/mpi/launcher/tag_output.sh \
	tests/mpi/launcher/tcp_lost_peer.sh \
	tests/mpi/launcher/tcp_netif.sh \
	tests/mpi/launcher/tcp_stranger.sh \
	tests/mpi/launcher/timeout.sh \
	tests/mpi/launcher/usage.sh \
	tests/mpi/launcher/wrapper.sh
# The MPI programs, one list per directory (run by run-testlist.sh, see there).
mpi_testlists = \
	tests/mpi/env.testlist \
	tests/mpi/pt2pt.testlist \
	tests/mpi/op.testlist \
	tests/mpi/dtype.testlist \
	tests/mpi/coll.testlist \
	tests/mpi/comm.testlist \
	tests/mpi/spawn.testlist \
	tests/mpi/topo.testlist \
	tests/mpi/attr.testlist \
	tests/mpi/errors.testlist \
	tests/mpi/rma.testlist \
	tests/mpi/io.testlist \
	tests/mpi/tcp.testlist \
	tests/mpi/threads.testlist
TESTS += $(mpi_launcher_tests) $(mpi_testlists)
dist_noinst_SCRIPTS += $(mpi_launcher_tests) tests/mpi/run-testlist.sh
EXTRA_DIST += tests/mpi/env/cxx_types.cc tests/mpi/launcher/lib.sh tests/mpi/launcher/netns.sh $(mpi_testlists) \
	tests/mpi/hosts.testlist tests/mpi/README.md

# What the MPI tests read from their environment; the top Makefile.am puts it in
# AM_TESTS_ENVIRONMENT. mpirun and the MPI programs link libmp from the build tree.
MPI_TESTS_ENVIRONMENT = MPIRUN=$(abs_top_builddir)/mpirun/mpirun MPICC=$(abs_top_builddir)/mpicc \
	MPICXX=$(abs_top_builddir)/mpicxx \
	top_srcdir=$(abs_top_srcdir) top_builddir=$(abs_top_builddir); \
	export MPIRUN MPICC MPICXX top_srcdir top_builddir;
