/*
 * Helpers shared by the attribute and error tests (tests/mpi/attr, tests/mpi/errors): MPI
 * return-code and error-class checks on top of mptest.h. Standard MPI only.
 */
#ifndef ATTRTEST_H
#define ATTRTEST_H

#include "../env/mptest.h"

#include <mpi.h>

/* Checks that an MPI call returned MPI_SUCCESS. */
#define AT_MPI(call)                                                                               \
    do {                                                                                           \
        int at_rc_ = (call);                                                                       \
        MPT_CHECK(at_rc_ == MPI_SUCCESS, "%s returned %d", #call, at_rc_);                         \
    } while (0)

/* Checks that an MPI call failed with error class cls (the handler must be MPI_ERRORS_RETURN). */
#define AT_MPI_FAILS(cls, call)                                                                    \
    do {                                                                                           \
        int at_rc_ = (call);                                                                       \
        int at_cls_ = -1;                                                                          \
        if (at_rc_ != MPI_SUCCESS) {                                                               \
            MPI_Error_class(at_rc_, &at_cls_);                                                     \
        }                                                                                          \
        MPT_CHECK(at_cls_ == (cls), "%s returned %d (class %d), expected class %s (%d)", #call,    \
                  at_rc_, at_cls_, #cls, (cls));                                                   \
    } while (0)

#endif
