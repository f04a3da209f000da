# SHA-256 and HMAC-SHA-256 (cmocka) against the published test vectors: util/sha256.c alone.
check_PROGRAMS += tests/unit/util/test_sha256
TESTS += tests/unit/util/test_sha256
tests_unit_util_test_sha256_SOURCES = tests/unit/util/test_sha256.c libmp/util/sha256.c
tests_unit_util_test_sha256_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_util_test_sha256_LDADD = $(CMOCKA_LIBS)

# The pointer map (cmocka): util/ptrmap.c alone.
check_PROGRAMS += tests/unit/util/test_ptrmap
TESTS += tests/unit/util/test_ptrmap
tests_unit_util_test_ptrmap_SOURCES = tests/unit/util/test_ptrmap.c libmp/util/ptrmap.c
tests_unit_util_test_ptrmap_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_util_test_ptrmap_LDADD = $(CMOCKA_LIBS)

# The interface filter of MP_NET_IF and --net-if (cmocka): util/netfilter.c alone.
check_PROGRAMS += tests/unit/util/test_netfilter
TESTS += tests/unit/util/test_netfilter
tests_unit_util_test_netfilter_SOURCES = tests/unit/util/test_netfilter.c libmp/util/netfilter.c
tests_unit_util_test_netfilter_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_util_test_netfilter_LDADD = $(CMOCKA_LIBS)

# The small-copy helper of the message paths (cmocka): util/copy.h alone.
check_PROGRAMS += tests/unit/util/test_copy
TESTS += tests/unit/util/test_copy
tests_unit_util_test_copy_SOURCES = tests/unit/util/test_copy.c libmp/util/copy.h
tests_unit_util_test_copy_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_util_test_copy_LDADD = $(CMOCKA_LIBS)
