# One-sided requests applied to memory (cmocka): parsing, put, accumulate, get, get-accumulate,
# compare-and-swap, strided types and range checks; built from the sources.
check_PROGRAMS += tests/unit/rma/test_apply
TESTS += tests/unit/rma/test_apply
tests_unit_rma_test_apply_SOURCES = \
	tests/unit/rma/test_apply.c \
	libmp/rma/apply.c \
	libmp/core/datatype.c \
	libmp/core/dt_create.c \
	libmp/core/op.c \
	libmp/core/op_kernels.c \
	libmp/core/status.c
tests_unit_rma_test_apply_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_rma_test_apply_LDADD = $(CMOCKA_LIBS) -lpthread
