# Reduction ops (cmocka): every predefined op on every predefined type against a plain loop,
# derived layouts, user ops; built from the sources, with the api error path recorded.
check_PROGRAMS += tests/unit/op/test_op
TESTS += tests/unit/op/test_op
tests_unit_op_test_op_SOURCES = \
	tests/unit/op/test_op.c \
	libmp/api/datatype.c \
	libmp/api/op.c \
	libmp/core/datatype.c \
	libmp/core/dt_create.c \
	libmp/core/lock.c \
	libmp/core/op.c \
	libmp/core/op_kernels.c \
	libmp/core/status.c
tests_unit_op_test_op_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_op_test_op_LDADD = $(CMOCKA_LIBS) -lpthread
