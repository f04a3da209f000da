# Datatype flattening, packing and element counts (cmocka): built from the core sources alone.
check_PROGRAMS += tests/unit/datatype/test_datatype
TESTS += tests/unit/datatype/test_datatype
tests_unit_datatype_test_datatype_SOURCES = \
	tests/unit/datatype/test_datatype.c \
	libmp/core/datatype.c \
	libmp/core/dt_create.c \
	libmp/core/dt_external.c
tests_unit_datatype_test_datatype_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_datatype_test_datatype_LDADD = $(CMOCKA_LIBS)

# Nested segments against a plain walk of the type map, at random offsets and fragments.
check_PROGRAMS += tests/unit/datatype/test_nested
TESTS += tests/unit/datatype/test_nested
tests_unit_datatype_test_nested_SOURCES = \
	tests/unit/datatype/test_nested.c \
	libmp/core/datatype.c \
	libmp/core/dt_create.c \
	libmp/core/dt_external.c
tests_unit_datatype_test_nested_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_datatype_test_nested_LDADD = $(CMOCKA_LIBS)
