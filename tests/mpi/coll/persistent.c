/*
 * Persistent collectives: MPI_Barrier_init, MPI_Bcast_init, MPI_Gather_init,
 * MPI_Allgatherv_init and MPI_Alltoall_init, each started many times (with MPI_Start and
 * MPI_Startall, new data each time) and completed with MPI_Wait / MPI_Waitall, then freed;
 * the buffers are read at every start, not at init.
 */
#include "colltest.h"

#define N 1000
#define ROUNDS 10

int main(int argc, char **argv)
{
    int rank, size;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_set_rank(rank);
    int root = size - 1;
    int *bc = ct_alloc(MPI_INT, N), *mine = ct_alloc(MPI_INT, N);
    int *all = ct_alloc(MPI_INT, (size_t)N * size), *allv = ct_alloc(MPI_INT, (size_t)N * size);
    int *a2a_s = ct_alloc(MPI_INT, (size_t)size), *a2a_r = ct_alloc(MPI_INT, (size_t)size);
    int counts[64], displs[64];
    for (int i = 0; i < size && i < 64; i++) {
        counts[i] = N - i;
        displs[i] = N * i;
    }
    MPI_Request reqs[5];
    CT_MPI(MPI_Barrier_init(MPI_COMM_WORLD, MPI_INFO_NULL, &reqs[0]));
    CT_MPI(MPI_Bcast_init(bc, N, MPI_INT, root, MPI_COMM_WORLD, MPI_INFO_NULL, &reqs[1]));
    CT_MPI(MPI_Gather_init(mine, N, MPI_INT, all, N, MPI_INT, 0, MPI_COMM_WORLD, MPI_INFO_NULL,
                           &reqs[2]));
    CT_MPI(MPI_Allgatherv_init(mine, N - rank, MPI_INT, allv, counts, displs, MPI_INT,
                               MPI_COMM_WORLD, MPI_INFO_NULL, &reqs[3]));
    CT_MPI(MPI_Alltoall_init(a2a_s, 1, MPI_INT, a2a_r, 1, MPI_INT, MPI_COMM_WORLD, MPI_INFO_NULL,
                             &reqs[4]));
    for (int round = 0; round < ROUNDS; round++) {
        int seq = round + 1;
        if (rank == root) {
            ct_fill(bc, MPI_INT, 0, N, root, seq);
        }
        ct_fill(mine, MPI_INT, 0, N, rank, seq);
        for (int i = 0; i < size; i++) {
            a2a_s[i] = rank * 1000 + i + seq;
        }
        if (round % 2 == 0) {
            CT_MPI(MPI_Startall(5, reqs));
        } else {
            for (int k = 4; k >= 0; k--) {
                CT_MPI(MPI_Start(&reqs[k]));
            }
        }
        CT_MPI(MPI_Waitall(5, reqs, MPI_STATUSES_IGNORE));
        ct_check(bc, MPI_INT, 0, N, root, seq, "persistent bcast");
        for (int i = 0; rank == 0 && i < size; i++) {
            ct_check(all, MPI_INT, (size_t)N * i, N, i, seq, "persistent gather");
        }
        for (int i = 0; i < size; i++) {
            ct_check(allv, MPI_INT, (size_t)displs[i], (size_t)counts[i], i, seq,
                     "persistent allgatherv");
            MPT_CHECK(a2a_r[i] == i * 1000 + rank + seq, "persistent alltoall from %d: %d", i,
                      a2a_r[i]);
        }
        for (int k = 0; k < 5; k++) {
            MPT_CHECK(reqs[k] != MPI_REQUEST_NULL, "persistent request %d freed by its wait", k);
        }
    }
    for (int k = 0; k < 5; k++) {
        CT_MPI(MPI_Request_free(&reqs[k]));
    }
    /* An argument error is caught at init. */
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Request bad;
    int rc = MPI_Bcast_init(bc, N, MPI_INT, size, MPI_COMM_WORLD, MPI_INFO_NULL, &bad);
    int cls = -1;
    MPI_Error_class(rc, &cls);
    MPT_CHECK(cls == MPI_ERR_ROOT, "MPI_Bcast_init with root %d gave class %d", size, cls);
    free(bc);
    free(mine);
    free(all);
    free(allv);
    free(a2a_s);
    free(a2a_r);
    MPI_Finalize();
    return mpt_finish(rank);
}
