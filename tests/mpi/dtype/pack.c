/*
 * MPI_Pack / MPI_Unpack round trips of several types into one buffer, MPI_Pack_size, packed
 * data sent as MPI_PACKED and unpacked by the receiver, a derived type received as MPI_PACKED,
 * and the errors of a too-small buffer (MPI_ERRORS_RETURN).
 */
#include <mpi.h>
#include <stdlib.h>
#include <string.h>

#include "../env/mptest.h"

static int rank, size, next, prev;

#define N 50

/* Packs an int header, a strided column of doubles, and chars into buf; returns the position. */
static int pack_message(void *buf, int bufsize, MPI_Datatype column, const double *grid, int tag)
{
    int pos = 0;
    char text[8] = "derived";
    MPI_Pack(&tag, 1, MPI_INT, buf, bufsize, &pos, MPI_COMM_WORLD);
    MPI_Pack(grid, 1, column, buf, bufsize, &pos, MPI_COMM_WORLD);
    MPI_Pack(text, 8, MPI_CHAR, buf, bufsize, &pos, MPI_COMM_WORLD);
    return pos;
}

static void check_unpacked(const void *buf, int bufsize, MPI_Datatype column, int src, int tag)
{
    double grid[N * 3];
    int got_tag = -1, pos = 0;
    char text[8] = "";
    for (int i = 0; i < N * 3; i++) {
        grid[i] = -1.0;
    }
    MPI_Unpack(buf, bufsize, &pos, &got_tag, 1, MPI_INT, MPI_COMM_WORLD);
    MPI_Unpack(buf, bufsize, &pos, grid, 1, column, MPI_COMM_WORLD);
    MPI_Unpack(buf, bufsize, &pos, text, 8, MPI_CHAR, MPI_COMM_WORLD);
    MPT_CHECK(got_tag == tag, "unpacked tag %d, expected %d", got_tag, tag);
    MPT_CHECK(strcmp(text, "derived") == 0, "unpacked text '%.8s'", text);
    int bad = 0;
    for (int i = 0; i < N * 3; i++) {
        double want = i % 3 == 0 ? src * 1000.0 + i : -1.0;
        bad += grid[i] != want;
    }
    MPT_CHECK(bad == 0, "unpacked column from %d: %d wrong values", src, bad);
    MPT_CHECK(pos == (int)(sizeof(int) + N * sizeof(double) + 8), "unpacked %d bytes", pos);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_set_rank(rank);
    next = (rank + 1) % size;
    prev = (rank + size - 1) % size;

    /* Column 0 of an N x 3 array of doubles. */
    MPI_Datatype column;
    MPI_Type_vector(N, 1, 3, MPI_DOUBLE, &column);
    MPI_Type_commit(&column);
    double grid[N * 3];
    for (int i = 0; i < N * 3; i++) {
        grid[i] = rank * 1000.0 + i;
    }
    int need = 0, part;
    MPI_Pack_size(1, MPI_INT, MPI_COMM_WORLD, &part);
    need += part;
    MPI_Pack_size(1, column, MPI_COMM_WORLD, &part);
    MPT_CHECK(part >= N * (int)sizeof(double), "Pack_size(column) %d", part);
    need += part;
    MPI_Pack_size(8, MPI_CHAR, MPI_COMM_WORLD, &part);
    need += part;
    char *buf = malloc((size_t)need);
    char *in = malloc((size_t)need);

    /* A local round trip. */
    int len = pack_message(buf, need, column, grid, 42);
    check_unpacked(buf, len, column, rank, 42);

    /* Over the wire as MPI_PACKED. */
    MPI_Status st;
    MPI_Sendrecv(buf, len, MPI_PACKED, next, 1, in, need, MPI_PACKED, prev, 1, MPI_COMM_WORLD, &st);
    int got = 0;
    MPI_Get_count(&st, MPI_PACKED, &got);
    MPT_CHECK(got == len, "received %d packed bytes, expected %d", got, len);
    check_unpacked(in, got, column, prev, 42);

    /* A derived type received as MPI_PACKED and unpacked; packed data received as the type. */
    MPI_Sendrecv(grid, 1, column, next, 2, in, need, MPI_PACKED, prev, 2, MPI_COMM_WORLD, &st);
    double back[N * 3];
    for (int i = 0; i < N * 3; i++) {
        back[i] = -1.0;
    }
    int pos = 0;
    MPI_Get_count(&st, MPI_PACKED, &got);
    MPI_Unpack(in, got, &pos, back, 1, column, MPI_COMM_WORLD);
    int bad = 0;
    for (int i = 0; i < N * 3; i++) {
        bad += back[i] != (i % 3 == 0 ? prev * 1000.0 + i : -1.0);
    }
    MPT_CHECK(bad == 0, "column received as MPI_PACKED: %d wrong values", bad);
    pos = 0;
    MPI_Pack(grid, 1, column, buf, need, &pos, MPI_COMM_WORLD);
    for (int i = 0; i < N * 3; i++) {
        back[i] = -1.0;
    }
    MPI_Sendrecv(buf, pos, MPI_PACKED, next, 3, back, 1, column, prev, 3, MPI_COMM_WORLD,
                 MPI_STATUS_IGNORE);
    bad = 0;
    for (int i = 0; i < N * 3; i++) {
        bad += back[i] != (i % 3 == 0 ? prev * 1000.0 + i : -1.0);
    }
    MPT_CHECK(bad == 0, "MPI_PACKED received as the column: %d wrong values", bad);

    /* Large-count forms. */
    MPI_Count cpos = 0, csize = 0;
    MPI_Pack_size_c(1, column, MPI_COMM_WORLD, &csize);
    MPT_CHECK(csize == N * (MPI_Count)sizeof(double), "Pack_size_c %lld", (long long)csize);
    MPI_Pack_c(grid, 1, column, buf, need, &cpos, MPI_COMM_WORLD);
    MPT_CHECK(cpos == csize, "Pack_c advanced to %lld", (long long)cpos);
    cpos = 0;
    MPI_Unpack_c(buf, csize, &cpos, back, 1, column, MPI_COMM_WORLD);
    MPT_CHECK(cpos == csize && back[0] == grid[0] && back[3 * N - 3] == grid[3 * N - 3],
              "Unpack_c round trip");

    /* Too little room: MPI_ERR_TRUNCATE, position unchanged. */
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    pos = need - 4;
    int rc = MPI_Pack(grid, 1, column, buf, need, &pos, MPI_COMM_WORLD);
    int cls = -1;
    MPI_Error_class(rc, &cls);
    MPT_CHECK(cls == MPI_ERR_TRUNCATE && pos == need - 4, "Pack past the end: class %d pos %d", cls,
              pos);
    pos = 0;
    rc = MPI_Unpack(buf, 8, &pos, back, 1, column, MPI_COMM_WORLD);
    MPI_Error_class(rc, &cls);
    MPT_CHECK(cls == MPI_ERR_TRUNCATE && pos == 0, "Unpack past the end: class %d", cls);
    pos = 0;
    rc = MPI_Pack(grid, -1, column, buf, need, &pos, MPI_COMM_WORLD);
    MPI_Error_class(rc, &cls);
    MPT_CHECK(cls == MPI_ERR_COUNT, "Pack count -1: class %d", cls);

    MPI_Type_free(&column);
    free(buf);
    free(in);
    MPI_Finalize();
    return mpt_finish(rank);
}
