/*
 * Helpers shared by the topology tests in tests/mpi/topo/: checking that a call failed with the
 * expected error class, and the reference arithmetic of Cartesian grids written out plainly
 * (row-major ranks) to compare the library's answers with. Standard MPI only.
 */
#ifndef TOPOTEST_H
#define TOPOTEST_H

#include "../pt2pt/p2ptest.h"

/* Checks that an MPI call failed with error class cls (the communicator's handler must be
 * MPI_ERRORS_RETURN). Other MPIs check fewer arguments (a NULL array can crash them): built with
 * -DTOPO_SKIP_ERROR_CHECKS, to check the tests' expectations against them, the calls are not
 * made. */
#ifdef TOPO_SKIP_ERROR_CHECKS
#define TOPO_EXPECT_ERR(cls, call) ((void)0)
#else
#define TOPO_EXPECT_ERR(cls, call)                                                                 \
    do {                                                                                           \
        int topo_rc_ = (call);                                                                     \
        int topo_cls_ = topo_rc_ == MPI_SUCCESS ? MPI_SUCCESS : p2p_err_class(topo_rc_);           \
        if (topo_cls_ != (cls)) {                                                                  \
            mpt_fail(__FILE__, __LINE__, "%s returned class %d, expected %s (%d)", #call,          \
                     topo_cls_, #cls, (cls));                                                      \
        }                                                                                          \
    } while (0)
#endif

/* The row-major rank of coords in a grid, or MPI_PROC_NULL when a coordinate is outside a
 * non-periodic dimension (periodic ones wrap). */
static inline int topo_ref_rank(int ndims, const int *dims, const int *periods, const int *coords)
{
    int rank = 0;

    for (int d = 0; d < ndims; d++) {
        int c = coords[d];
        if (c < 0 || c >= dims[d]) {
            if (!periods[d]) {
                return MPI_PROC_NULL;
            }
            c = ((c % dims[d]) + dims[d]) % dims[d];
        }
        rank = rank * dims[d] + c;
    }
    return rank;
}

/* The coordinates of rank in a row-major grid. */
static inline void topo_ref_coords(int ndims, const int *dims, int rank, int *coords)
{
    for (int d = ndims - 1; d >= 0; d--) {
        coords[d] = rank % dims[d];
        rank /= dims[d];
    }
}

/* The neighbour of rank at displacement disp along dim. */
static inline int topo_ref_shift(int ndims, const int *dims, const int *periods, int rank, int dim,
                                 int disp)
{
    int c[16] = {0};

    topo_ref_coords(ndims, dims, rank, c);
    c[dim] += disp;
    return topo_ref_rank(ndims, dims, periods, c);
}

#endif /* TOPOTEST_H */
