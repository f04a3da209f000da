# mpirun's pure modules (cmocka): options, program files, host lists, mapping on synthetic hwloc
# topologies, the job-end policy, the stdio forwarding, the daemon protocol, fence gathering and
# the launch agent's command line.
mpirun_unit_tests = \
	tests/unit/mpirun/test_options \
	tests/unit/mpirun/test_appfile \
	tests/unit/mpirun/test_hostfile \
	tests/unit/mpirun/test_mapping \
	tests/unit/mpirun/test_job \
	tests/unit/mpirun/test_iof \
	tests/unit/mpirun/test_wire \
	tests/unit/mpirun/test_agent \
	tests/unit/mpirun/test_collect \
	tests/unit/mpirun/test_tree \
	tests/unit/mpirun/test_addrs \
	tests/unit/mpirun/test_names
check_PROGRAMS += $(mpirun_unit_tests)
TESTS += $(mpirun_unit_tests)

tests_unit_mpirun_test_options_SOURCES = tests/unit/mpirun/test_options.c
tests_unit_mpirun_test_options_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(HWLOC_CFLAGS)
tests_unit_mpirun_test_options_LDADD = mpirun/libmpirun_pure.la $(CMOCKA_LIBS)

tests_unit_mpirun_test_appfile_SOURCES = tests/unit/mpirun/test_appfile.c
tests_unit_mpirun_test_appfile_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_mpirun_test_appfile_LDADD = mpirun/libmpirun_pure.la $(CMOCKA_LIBS)

tests_unit_mpirun_test_hostfile_SOURCES = tests/unit/mpirun/test_hostfile.c
tests_unit_mpirun_test_hostfile_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(HWLOC_CFLAGS)
tests_unit_mpirun_test_hostfile_LDADD = mpirun/libmpirun_pure.la $(CMOCKA_LIBS)

tests_unit_mpirun_test_mapping_SOURCES = tests/unit/mpirun/test_mapping.c
tests_unit_mpirun_test_mapping_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(HWLOC_CFLAGS)
tests_unit_mpirun_test_mapping_LDADD = mpirun/libmpirun_pure.la $(CMOCKA_LIBS)


tests_unit_mpirun_test_job_SOURCES = tests/unit/mpirun/test_job.c
tests_unit_mpirun_test_job_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_mpirun_test_job_LDADD = mpirun/libmpirun_pure.la $(CMOCKA_LIBS)

tests_unit_mpirun_test_iof_SOURCES = tests/unit/mpirun/test_iof.c
tests_unit_mpirun_test_iof_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_mpirun_test_iof_LDADD = mpirun/libmpirun_pure.la $(CMOCKA_LIBS)

tests_unit_mpirun_test_wire_SOURCES = tests/unit/mpirun/test_wire.c
tests_unit_mpirun_test_wire_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_mpirun_test_wire_LDADD = mpirun/libmpirun_pure.la $(CMOCKA_LIBS)

tests_unit_mpirun_test_agent_SOURCES = tests/unit/mpirun/test_agent.c
tests_unit_mpirun_test_agent_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_mpirun_test_agent_LDADD = mpirun/libmpirun_pure.la $(CMOCKA_LIBS)

tests_unit_mpirun_test_collect_SOURCES = tests/unit/mpirun/test_collect.c
tests_unit_mpirun_test_collect_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_mpirun_test_collect_LDADD = mpirun/libmpirun_pure.la $(CMOCKA_LIBS)

tests_unit_mpirun_test_tree_SOURCES = tests/unit/mpirun/test_tree.c
tests_unit_mpirun_test_tree_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_mpirun_test_tree_LDADD = mpirun/libmpirun_pure.la $(CMOCKA_LIBS)

tests_unit_mpirun_test_addrs_SOURCES = tests/unit/mpirun/test_addrs.c
tests_unit_mpirun_test_addrs_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_mpirun_test_addrs_LDADD = mpirun/libmpirun_pure.la $(CMOCKA_LIBS)

tests_unit_mpirun_test_names_SOURCES = tests/unit/mpirun/test_names.c
tests_unit_mpirun_test_names_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_mpirun_test_names_LDADD = mpirun/libmpirun_pure.la $(CMOCKA_LIBS)
