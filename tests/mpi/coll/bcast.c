/*
 * MPI_Bcast and MPI_Ibcast from every root, over several datatypes (one of them non-contiguous)
 * and sizes from 0 to about 1 MiB; every rank checks every element. Argument: the largest
 * message in bytes (default 1 MiB).
 */
#include "colltest.h"

int main(int argc, char **argv)
{
    int rank, size, seq = 0;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_set_rank(rank);
    size_t max_bytes = argc > 1 ? (size_t)mpt_parse_long(argv[1], "max bytes") : (1 << 20);
    for (int ti = 0; ti < CT_NTYPES; ti++) {
        ct_type_t t = ct_type(ti);
        size_t sizes[8];
        int nsizes = ct_sizes(sizes, (size_t)ct_extent(t.type), max_bytes);
        for (int si = 0; si < nsizes; si++) {
            size_t n = sizes[si];
            void *buf = ct_alloc(t.type, n + 1);
            for (int root = 0; root < size; root++) {
                for (int nb = 0; nb < 2; nb++) {
                    seq++;
                    memset(buf, 0xa5, (size_t)ct_extent(t.type) * (n + 1));
                    if (rank == root) {
                        ct_fill(buf, t.type, 0, n, root, seq);
                    }
                    if (nb) {
                        MPI_Request req;
                        CT_MPI(MPI_Ibcast(buf, (int)n, t.type, root, MPI_COMM_WORLD, &req));
                        CT_MPI(MPI_Wait(&req, MPI_STATUS_IGNORE));
                    } else {
                        CT_MPI(MPI_Bcast(buf, (int)n, t.type, root, MPI_COMM_WORLD));
                    }
                    char what[128];
                    snprintf(what, sizeof(what), "%s %s n=%zu root=%d", nb ? "Ibcast" : "Bcast",
                             t.name, n, root);
                    ct_check(buf, t.type, 0, n, root, seq, what);
                    /* The element after the data is not touched. */
                    unsigned char *after = (unsigned char *)buf + (size_t)ct_extent(t.type) * n;
                    MPT_CHECK(after[0] == 0xa5, "%s wrote past the end of the buffer", what);
                }
            }
            free(buf);
        }
    }
    MPI_Finalize();
    return mpt_finish(rank);
}
