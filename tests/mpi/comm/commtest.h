/*
 * Helpers shared by the communicator tests in tests/mpi/comm/: MPI return-code checks (from
 * p2ptest.h), the world rank behind a rank of a communicator, and a ring exchange that checks
 * point-to-point traffic on a communicator. Standard MPI only.
 */
#ifndef COMMTEST_H
#define COMMTEST_H

#include "../pt2pt/p2ptest.h"

/* The MPI_COMM_WORLD rank of rank r of comm's group (remote group if remote is set). */
static inline int ct_world_rank(MPI_Comm comm, int r, int remote)
{
    MPI_Group g, wg;
    int w = -1;

    P2P_MPI(remote ? MPI_Comm_remote_group(comm, &g) : MPI_Comm_group(comm, &g));
    P2P_MPI(MPI_Comm_group(MPI_COMM_WORLD, &wg));
    P2P_MPI(MPI_Group_translate_ranks(g, 1, &r, wg, &w));
    P2P_MPI(MPI_Group_free(&g));
    P2P_MPI(MPI_Group_free(&wg));
    return w;
}

/*
 * Every rank sends its world rank and a marker around a ring of comm (to rank + 1) with tag,
 * and checks what it receives from rank - 1: the value, the status's source and tag.
 */
static inline void ct_ring(MPI_Comm comm, int tag, int marker, const char *what)
{
    int rank, size, wrank, out[2], in[2] = {-1, -1};
    MPI_Status st;

    P2P_MPI(MPI_Comm_rank(comm, &rank));
    P2P_MPI(MPI_Comm_size(comm, &size));
    P2P_MPI(MPI_Comm_rank(MPI_COMM_WORLD, &wrank));
    int next = (rank + 1) % size, prev = (rank + size - 1) % size;
    out[0] = wrank;
    out[1] = marker;
    P2P_MPI(MPI_Sendrecv(out, 2, MPI_INT, next, tag, in, 2, MPI_INT, prev, tag, comm, &st));
    int want = ct_world_rank(comm, prev, 0);
    MPT_CHECK(in[0] == want && in[1] == marker,
              "%s: ring got world rank %d marker %d from rank %d, expected %d and %d", what, in[0],
              in[1], prev, want, marker);
    MPT_CHECK(st.MPI_SOURCE == prev && st.MPI_TAG == tag,
              "%s: ring status source %d tag %d, expected %d and %d", what, st.MPI_SOURCE,
              st.MPI_TAG, prev, tag);
}

#endif /* COMMTEST_H */
