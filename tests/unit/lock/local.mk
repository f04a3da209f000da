# The library lock of MPI_THREAD_MULTIPLE (cmocka): core/lock.c alone, with real threads.
check_PROGRAMS += tests/unit/lock/test_lock
TESTS += tests/unit/lock/test_lock
tests_unit_lock_test_lock_SOURCES = tests/unit/lock/test_lock.c libmp/core/lock.c
tests_unit_lock_test_lock_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) -pthread
tests_unit_lock_test_lock_LDADD = $(CMOCKA_LIBS) -lpthread
