# The library lock of MPI_THREAD_MULTIPLE (cmocka): core/lock.c alone, with real threads; and
# api_locked.sh: every PMPI_ function takes it (--fix FILE... adds it to new api files).
check_PROGRAMS += tests/unit/lock/test_lock
TESTS += tests/unit/lock/test_lock tests/unit/lock/api_locked.sh
dist_noinst_SCRIPTS += tests/unit/lock/api_locked.sh
tests_unit_lock_test_lock_SOURCES = tests/unit/lock/test_lock.c libmp/core/lock.c
tests_unit_lock_test_lock_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) -pthread
tests_unit_lock_test_lock_LDADD = $(CMOCKA_LIBS) -lpthread
