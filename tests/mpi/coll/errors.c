/*
 * Argument errors of the collectives under MPI_ERRORS_RETURN: each call below is wrong on
 * every rank, so every rank must get the named error class and none may start the collective;
 * a correct collective afterwards proves that no rank was left inside one.
 */
#include "colltest.h"

static int rank, size;

static void expect(int rc, int cls, const char *what)
{
    int got = -1;
    if (rc != MPI_SUCCESS) {
        MPI_Error_class(rc, &got);
    }
    MPT_CHECK(rc != MPI_SUCCESS && got == cls, "%s: returned class %d, expected %d", what,
              rc == MPI_SUCCESS ? MPI_SUCCESS : got, cls);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_set_rank(rank);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    /* Errors on an invalid communicator are raised on MPI_COMM_SELF. */
    MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN);
    int a[64], b[64 * 64], counts[64], displs[64];
    MPI_Request req;
    for (int i = 0; i < 64; i++) {
        a[i] = rank;
        counts[i] = 1;
        displs[i] = i;
    }

    expect(MPI_Bcast(a, 1, MPI_INT, size, MPI_COMM_WORLD), MPI_ERR_ROOT, "Bcast root = size");
    expect(MPI_Bcast(a, 1, MPI_INT, -1, MPI_COMM_WORLD), MPI_ERR_ROOT, "Bcast root = -1");
    expect(MPI_Ibcast(a, 1, MPI_INT, size + 3, MPI_COMM_WORLD, &req), MPI_ERR_ROOT,
           "Ibcast root out of range");
    expect(MPI_Bcast(a, -1, MPI_INT, 0, MPI_COMM_WORLD), MPI_ERR_COUNT, "Bcast count -1");
    expect(MPI_Bcast(a, 1, MPI_DATATYPE_NULL, 0, MPI_COMM_WORLD), MPI_ERR_TYPE,
           "Bcast MPI_DATATYPE_NULL");
    expect(MPI_Bcast(MPI_IN_PLACE, 1, MPI_INT, 0, MPI_COMM_WORLD), MPI_ERR_BUFFER,
           "Bcast MPI_IN_PLACE");
    expect(MPI_Bcast(NULL, 1, MPI_INT, 0, MPI_COMM_WORLD), MPI_ERR_BUFFER, "Bcast NULL buffer");
    expect(MPI_Bcast(a, 1, MPI_INT, 0, MPI_COMM_NULL), MPI_ERR_COMM, "Bcast MPI_COMM_NULL");
    expect(MPI_Ibarrier(MPI_COMM_WORLD, NULL), MPI_ERR_ARG, "Ibarrier NULL request");
    expect(MPI_Gather(a, 1, MPI_INT, b, 1, MPI_INT, size, MPI_COMM_WORLD), MPI_ERR_ROOT,
           "Gather root = size");
    expect(MPI_Scatter(b, 1, MPI_INT, a, -2, MPI_INT, 0, MPI_COMM_WORLD), MPI_ERR_COUNT,
           "Scatter recvcount -2");
    expect(MPI_Allgather(a, 1, MPI_INT, MPI_IN_PLACE, 1, MPI_INT, MPI_COMM_WORLD), MPI_ERR_BUFFER,
           "Allgather recvbuf MPI_IN_PLACE");
    expect(MPI_Allgather(b, 1, MPI_INT, b, 1, MPI_INT, MPI_COMM_WORLD), MPI_ERR_BUFFER,
           "Allgather sendbuf == recvbuf");
    expect(MPI_Alltoall(b, 1, MPI_INT, b, 1, MPI_INT, MPI_COMM_WORLD), MPI_ERR_BUFFER,
           "Alltoall sendbuf == recvbuf");
    counts[size - 1] = -1;
    expect(MPI_Allgatherv(a, 1, MPI_INT, b, counts, displs, MPI_INT, MPI_COMM_WORLD), MPI_ERR_COUNT,
           "Allgatherv negative recvcounts");
    expect(MPI_Alltoallv(a, counts, displs, MPI_INT, b, counts, displs, MPI_INT, MPI_COMM_WORLD),
           MPI_ERR_COUNT, "Alltoallv negative counts");
    counts[size - 1] = 1;
    expect(MPI_Allgatherv(a, 1, MPI_INT, b, NULL, displs, MPI_INT, MPI_COMM_WORLD), MPI_ERR_ARG,
           "Allgatherv NULL recvcounts");
    expect(MPI_Alltoallw(a, counts, displs, NULL, b, counts, displs, NULL, MPI_COMM_WORLD),
           MPI_ERR_ARG, "Alltoallw NULL types");
    expect(MPI_Allreduce(a, b, 1, MPI_INT, MPI_OP_NULL, MPI_COMM_WORLD), MPI_ERR_OP,
           "Allreduce MPI_OP_NULL");
    /* A send buffer that is this rank's own block of the receive buffer (in place meant, but not
     * said with MPI_IN_PLACE) is refused by every rank, not only by rank 0, whose block starts
     * the receive buffer, while the others would start the collective and wait for rank 0. */
    expect(MPI_Allgather(b + rank, 1, MPI_INT, b, 1, MPI_INT, MPI_COMM_WORLD), MPI_ERR_BUFFER,
           "Allgather with sendbuf = own block of recvbuf");
    expect(MPI_Iallgather(b + rank, 1, MPI_INT, b, 1, MPI_INT, MPI_COMM_WORLD, &req),
           MPI_ERR_BUFFER, "Iallgather with sendbuf = own block of recvbuf");
    expect(MPI_Allgatherv(b + displs[rank], 1, MPI_INT, b, counts, displs, MPI_INT, MPI_COMM_WORLD),
           MPI_ERR_BUFFER, "Allgatherv with sendbuf = own block of recvbuf");
    expect(MPI_Iallgatherv(b, 1, MPI_INT, b, counts, displs, MPI_INT, MPI_COMM_WORLD, &req),
           MPI_ERR_BUFFER, "Iallgatherv with sendbuf = recvbuf");
    expect(MPI_Alltoall(b + rank, 1, MPI_INT, b, 1, MPI_INT, MPI_COMM_WORLD), MPI_ERR_BUFFER,
           "Alltoall with sendbuf = own block of recvbuf");

    /* MPI_REPLACE and MPI_NO_OP belong to the one-sided accumulates only. */
    MPI_Op rma_only[2] = {MPI_REPLACE, MPI_NO_OP};
    for (int k = 0; k < 2; k++) {
        MPI_Op op = rma_only[k];
        const char *on = k ? "MPI_NO_OP" : "MPI_REPLACE";
        char what[96];
        snprintf(what, sizeof(what), "Allreduce with %s", on);
        expect(MPI_Allreduce(a, b, 1, MPI_INT, op, MPI_COMM_WORLD), MPI_ERR_OP, what);
        snprintf(what, sizeof(what), "Reduce with %s", on);
        expect(MPI_Reduce(a, b, 1, MPI_INT, op, 0, MPI_COMM_WORLD), MPI_ERR_OP, what);
        snprintf(what, sizeof(what), "Iallreduce with %s", on);
        expect(MPI_Iallreduce(a, b, 1, MPI_INT, op, MPI_COMM_WORLD, &req), MPI_ERR_OP, what);
        snprintf(what, sizeof(what), "Reduce_scatter_block with %s", on);
        expect(MPI_Reduce_scatter_block(a, b, 1, MPI_INT, op, MPI_COMM_WORLD), MPI_ERR_OP, what);
        snprintf(what, sizeof(what), "Reduce_scatter with %s", on);
        expect(MPI_Reduce_scatter(a, b, counts, MPI_INT, op, MPI_COMM_WORLD), MPI_ERR_OP, what);
        snprintf(what, sizeof(what), "Scan with %s", on);
        expect(MPI_Scan(a, b, 1, MPI_INT, op, MPI_COMM_WORLD), MPI_ERR_OP, what);
        snprintf(what, sizeof(what), "Iexscan with %s", on);
        expect(MPI_Iexscan(a, b, 1, MPI_INT, op, MPI_COMM_WORLD, &req), MPI_ERR_OP, what);
        snprintf(what, sizeof(what), "Allreduce_init with %s", on);
        expect(MPI_Allreduce_init(a, b, 1, MPI_INT, op, MPI_COMM_WORLD, MPI_INFO_NULL, &req),
               MPI_ERR_OP, what);
    }
    expect(MPI_Reduce(a, b, 1, MPI_INT, MPI_SUM, -5, MPI_COMM_WORLD), MPI_ERR_ROOT,
           "Reduce root -5");
    expect(MPI_Allreduce(a, MPI_IN_PLACE, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD), MPI_ERR_BUFFER,
           "Allreduce recvbuf MPI_IN_PLACE");
    expect(MPI_Allreduce(a, a, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD), MPI_ERR_BUFFER,
           "Allreduce sendbuf == recvbuf");
    expect(MPI_Scan(a, b, -1, MPI_INT, MPI_SUM, MPI_COMM_WORLD), MPI_ERR_COUNT, "Scan count -1");
    expect(MPI_Reduce_scatter_block(a, b, -1, MPI_INT, MPI_SUM, MPI_COMM_WORLD), MPI_ERR_COUNT,
           "Reduce_scatter_block recvcount -1");

    /* Counts that do not match: a rank that receives more than its buffer holds gets
     * MPI_ERR_TRUNCATE, from the blocking call or from the wait of the nonblocking one. Which
     * ranks see it depends on the algorithm (a rank may get its data from another that already
     * dropped the excess); at least one must, and no rank may see another error. */
    for (int nb = 0; nb < 2 && size > 1; nb++) {
        int n = rank == 0 ? 10 : 5, rc, cls = MPI_SUCCESS;
        if (nb) {
            rc = MPI_Ibcast(b, n, MPI_INT, 0, MPI_COMM_WORLD, &req);
            if (rc == MPI_SUCCESS) {
                rc = MPI_Wait(&req, MPI_STATUS_IGNORE);
            }
        } else {
            rc = MPI_Bcast(b, n, MPI_INT, 0, MPI_COMM_WORLD);
        }
        if (rc != MPI_SUCCESS) {
            MPI_Error_class(rc, &cls);
        }
        MPT_CHECK(cls == MPI_SUCCESS || (rank != 0 && cls == MPI_ERR_TRUNCATE),
                  "%sbcast with counts 10 (root) and 5: class %d", nb ? "I" : "", cls);
        int truncated = cls == MPI_ERR_TRUNCATE, any = 0;
        CT_MPI(MPI_Allreduce(&truncated, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD));
        MPT_CHECK(any == 1, "%sbcast with counts 10 (root) and 5: no rank saw MPI_ERR_TRUNCATE",
                  nb ? "I" : "");
    }

    /* Intercommunicators: Scan and Exscan are not defined (MPI_ERR_COMM), a root must be
     * MPI_ROOT, MPI_PROC_NULL or a rank of the remote group, and MPI_IN_PLACE is refused. */
    if (size >= 2) {
        MPI_Comm half, inter;
        int color = rank < size / 2;
        CT_MPI(MPI_Comm_split(MPI_COMM_WORLD, color, rank, &half));
        CT_MPI(MPI_Intercomm_create(half, 0, MPI_COMM_WORLD, color ? size / 2 : 0, 77, &inter));
        MPI_Comm_set_errhandler(inter, MPI_ERRORS_RETURN);
        expect(MPI_Scan(a, b, 1, MPI_INT, MPI_SUM, inter), MPI_ERR_COMM,
               "Scan on an intercommunicator");
        expect(MPI_Iexscan(a, b, 1, MPI_INT, MPI_SUM, inter, &req), MPI_ERR_COMM,
               "Iexscan on an intercommunicator");
        expect(MPI_Ibcast(a, 1, MPI_INT, size, inter, &req), MPI_ERR_ROOT,
               "Ibcast on an intercommunicator with root = size");
        expect(MPI_Reduce(a, b, 1, MPI_INT, MPI_SUM, -7, inter), MPI_ERR_ROOT,
               "Reduce on an intercommunicator with root = -7");
        expect(MPI_Allreduce(MPI_IN_PLACE, b, 1, MPI_INT, MPI_SUM, inter), MPI_ERR_BUFFER,
               "Allreduce in place on an intercommunicator");
        expect(MPI_Alltoall(MPI_IN_PLACE, 1, MPI_INT, b, 1, MPI_INT, inter), MPI_ERR_BUFFER,
               "Alltoall in place on an intercommunicator");
        CT_MPI(MPI_Barrier(inter)); /* the failed calls left the collectives in step */
        CT_MPI(MPI_Comm_free(&inter));
        CT_MPI(MPI_Comm_free(&half));
    }

    /* Every rank still agrees on which collective comes next. */
    int v = rank == 0 ? 4242 : 0;
    CT_MPI(MPI_Bcast(&v, 1, MPI_INT, 0, MPI_COMM_WORLD));
    MPT_CHECK(v == 4242, "Bcast after the errors gave %d", v);
    CT_MPI(MPI_Allgather(&rank, 1, MPI_INT, b, 1, MPI_INT, MPI_COMM_WORLD));
    for (int i = 0; i < size; i++) {
        MPT_CHECK(b[i] == i, "Allgather after the errors: b[%d] = %d", i, b[i]);
    }
    MPI_Finalize();
    return mpt_finish(rank);
}
