/*
 * Helpers shared by the one-sided tests (tests/mpi/rma): call checks, error-class checks and
 * the value pattern every test writes and verifies. Plain MPI.
 */
#ifndef RMATEST_H
#define RMATEST_H

#include "../env/mptest.h"

#include <mpi.h>
#include <stdbool.h>

#define CHECK_MPI(call)                                                                            \
    do {                                                                                           \
        int rc_ = (call);                                                                          \
        MPT_CHECK(rc_ == MPI_SUCCESS, "%s returned %d", #call, rc_);                               \
    } while (0)

/* Checks that a call failed with error class want (the handlers return errors here). */
static inline void expect_class(int rc, int want, const char *what)
{
    int cls = -1;
    if (rc != MPI_SUCCESS) {
        MPI_Error_class(rc, &cls);
    }
    MPT_CHECK(rc != MPI_SUCCESS && cls == want, "%s: returned %d (class %d), expected class %d",
              what, rc, cls, want);
}

/* The value that origin writes at index i of target's memory in round r. */
static inline int pattern(int origin, int target, int i, int r)
{
    return origin * 1000003 + target * 10007 + i * 7 + r * 101;
}

#endif
