/*
 * Persistent collectives match by the order of their init calls, whatever order each rank
 * starts them in (MPI 4.0, 6.13): a bcast, a barrier, an allreduce and a gather are created in
 * the same order everywhere and started in an order that depends on the rank and the round,
 * with a nonblocking collective started between the init calls and the starts; every value
 * that arrives is checked.
 */
#include "colltest.h"

#define N 100
#define ROUNDS 8
#define NOPS 4

int main(int argc, char **argv)
{
    int rank, size;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_set_rank(rank);
    int root = size - 1;
    int *bc = ct_alloc(MPI_INT, N), *sum = ct_alloc(MPI_INT, N), *mine = ct_alloc(MPI_INT, N);
    int *all = ct_alloc(MPI_INT, (size_t)N * size);
    MPI_Request reqs[NOPS];
    CT_MPI(MPI_Bcast_init(bc, N, MPI_INT, root, MPI_COMM_WORLD, MPI_INFO_NULL, &reqs[0]));
    CT_MPI(MPI_Barrier_init(MPI_COMM_WORLD, MPI_INFO_NULL, &reqs[1]));
    CT_MPI(MPI_Allreduce_init(mine, sum, N, MPI_INT, MPI_SUM, MPI_COMM_WORLD, MPI_INFO_NULL,
                              &reqs[2]));
    CT_MPI(MPI_Gather_init(mine, N, MPI_INT, all, N, MPI_INT, 0, MPI_COMM_WORLD, MPI_INFO_NULL,
                           &reqs[3]));
    for (int round = 0; round < ROUNDS; round++) {
        /* A collective created after the init calls but started before them. */
        int token = rank == 0 ? 1000 + round : -1;
        MPI_Request ib;
        CT_MPI(MPI_Ibcast(&token, 1, MPI_INT, 0, MPI_COMM_WORLD, &ib));
        for (int i = 0; i < N; i++) {
            bc[i] = rank == root ? round * N + i : -1;
            mine[i] = rank * 7 + round + i;
            sum[i] = -1;
        }
        /* Each rank starts the four in its own rotation, reversed on odd rounds. */
        for (int k = 0; k < NOPS; k++) {
            int j = (rank + k) % NOPS;
            CT_MPI(MPI_Start(&reqs[round % 2 ? NOPS - 1 - j : j]));
        }
        CT_MPI(MPI_Waitall(NOPS, reqs, MPI_STATUSES_IGNORE));
        CT_MPI(MPI_Wait(&ib, MPI_STATUS_IGNORE));
        MPT_CHECK(token == 1000 + round, "round %d: ibcast gave %d", round, token);
        for (int i = 0; i < N; i++) {
            MPT_CHECK(bc[i] == round * N + i, "round %d: bcast[%d] = %d, expected %d", round, i,
                      bc[i], round * N + i);
            int expect = 7 * size * (size - 1) / 2 + size * (round + i);
            MPT_CHECK(sum[i] == expect, "round %d: allreduce[%d] = %d, expected %d", round, i,
                      sum[i], expect);
            for (int r = 0; rank == 0 && r < size; r++) {
                MPT_CHECK(all[r * N + i] == r * 7 + round + i, "round %d: gather[%d][%d] = %d",
                          round, r, i, all[r * N + i]);
            }
        }
    }
    for (int k = 0; k < NOPS; k++) {
        CT_MPI(MPI_Request_free(&reqs[k]));
    }
    free(bc);
    free(sum);
    free(mine);
    free(all);
    MPI_Finalize();
    return mpt_finish(rank);
}
