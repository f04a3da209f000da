/*
 * A struct type of millions of blocks (as MPICH's dtpools builds for its large-count tests):
 * created, committed, queried for its envelope and contents, and used to pack and unpack; every
 * value checked. A constructor that kept the block types on the stack died of SIGSEGV here.
 * Usage: bigstruct [blocks] (default 3000000).
 */
#include <mpi.h>
#include <stdlib.h>

#include "../env/mptest.h"

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    mpt_set_rank(rank);
    long n = argc > 1 ? mpt_parse_long(argv[1], "blocks") : 3000000;
    int *len = malloc((size_t)n * sizeof(int));
    MPI_Aint *disp = malloc((size_t)n * sizeof(MPI_Aint));
    MPI_Datatype *types = malloc((size_t)n * sizeof(MPI_Datatype));
    int *data = malloc((size_t)n * 2 * sizeof(int));
    int *out = malloc((size_t)n * 2 * sizeof(int));
    MPT_CHECK(len && disp && types && data && out, "out of memory for %ld blocks", n);
    /* Block i: the int at index 2 i (every other int), so the type has holes. */
    for (long i = 0; i < n; i++) {
        len[i] = 1;
        disp[i] = (MPI_Aint)(2 * i * (long)sizeof(int));
        types[i] = MPI_INT;
        data[2 * i] = (int)(i * 3 + rank);
        data[2 * i + 1] = -1;
    }
    MPI_Datatype t;
    CHECK_RC(MPI_Type_create_struct((int)n, len, disp, types, &t));
    CHECK_RC(MPI_Type_commit(&t));
    int size;
    CHECK_RC(MPI_Type_size(t, &size));
    MPT_CHECK(size == (int)(n * (long)sizeof(int)), "size %d, expected %ld", size,
              n * (long)sizeof(int));
    int ni, na, nt, comb;
    CHECK_RC(MPI_Type_get_envelope(t, &ni, &na, &nt, &comb));
    MPT_CHECK(comb == MPI_COMBINER_STRUCT && ni == n + 1 && na == n && nt == n,
              "envelope: combiner %d, %d ints, %d addresses, %d types", comb, ni, na, nt);
    /* Pack picks every other int; unpacking puts them back in place of a cleared buffer. */
    int *packed = malloc((size_t)size);
    MPT_CHECK(packed != NULL, "out of memory for the packed data");
    int pos = 0;
    CHECK_RC(MPI_Pack(data, 1, t, packed, size, &pos, MPI_COMM_SELF));
    MPT_CHECK(pos == size, "packed %d bytes, expected %d", pos, size);
    long bad = 0;
    for (long i = 0; i < n; i++) {
        bad += packed[i] != (int)(i * 3 + rank);
    }
    MPT_CHECK(bad == 0, "%ld packed values wrong", bad);
    for (long i = 0; i < 2 * n; i++) {
        out[i] = -2;
    }
    pos = 0;
    CHECK_RC(MPI_Unpack(packed, size, &pos, out, 1, t, MPI_COMM_SELF));
    bad = 0;
    for (long i = 0; i < n; i++) {
        bad += out[2 * i] != (int)(i * 3 + rank) || out[2 * i + 1] != -2;
    }
    MPT_CHECK(bad == 0, "%ld unpacked blocks wrong", bad);
    CHECK_RC(MPI_Type_free(&t));
    free(packed);
    free(out);
    free(data);
    free(types);
    free(disp);
    free(len);
    MPI_Finalize();
    return mpt_finish(rank);
}
