/*
 * Sends derived datatypes around a ring of ranks and checks every value received: a vector
 * received as contiguous data and back, a struct with gaps and padding, an indexed type, each
 * at eager and rendezvous sizes (up to 1 MiB of data); MPI_Get_count/Get_elements on partial
 * receives; and MPI_Type_free while the operations that use the type are still pending.
 */
#include <mpi.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../env/mptest.h"

static int rank, size, next, prev;

static double value(int src, int i)
{
    return src * 1000000.0 + i + 0.25;
}

/* n doubles, stride 2, from next; received as n contiguous doubles; then the reverse. */
static void vector_ring(int n)
{
    double *strided = malloc(2 * (size_t)n * sizeof(double));
    double *flat = malloc((size_t)n * sizeof(double));
    MPI_Datatype vec;
    MPI_Type_vector(n, 1, 2, MPI_DOUBLE, &vec);
    MPI_Type_commit(&vec);
    for (int i = 0; i < 2 * n; i++) {
        strided[i] = i % 2 == 0 ? value(rank, i / 2) : -1.0;
    }
    MPI_Status st;
    MPI_Sendrecv(strided, 1, vec, next, 1, flat, n, MPI_DOUBLE, prev, 1, MPI_COMM_WORLD, &st);
    int bad = 0;
    for (int i = 0; i < n; i++) {
        bad += flat[i] != value(prev, i);
    }
    MPT_CHECK(bad == 0, "vector(%d) -> contiguous: %d wrong values", n, bad);
    int count = -1;
    MPI_Get_count(&st, vec, &count);
    MPT_CHECK(count == 1, "Get_count(vector) = %d, expected 1", count);

    /* The reverse: contiguous data scattered into the vector; the gaps stay untouched. */
    for (int i = 0; i < n; i++) {
        flat[i] = value(rank, i);
    }
    for (int i = 0; i < 2 * n; i++) {
        strided[i] = -2.0;
    }
    MPI_Sendrecv(flat, n, MPI_DOUBLE, next, 2, strided, 1, vec, prev, 2, MPI_COMM_WORLD, &st);
    bad = 0;
    for (int i = 0; i < 2 * n; i++) {
        bad += strided[i] != (i % 2 == 0 ? value(prev, i / 2) : -2.0);
    }
    MPT_CHECK(bad == 0, "contiguous -> vector(%d): %d wrong values", n, bad);
    MPI_Type_free(&vec);
    free(strided);
    free(flat);
}

struct rec {
    int a;
    double b[2];
    char c;
};

static MPI_Datatype rec_type(void)
{
    int bl[3] = {1, 2, 1};
    MPI_Aint disp[3] = {offsetof(struct rec, a), offsetof(struct rec, b), offsetof(struct rec, c)};
    MPI_Datatype types[3] = {MPI_INT, MPI_DOUBLE, MPI_CHAR}, t;
    MPI_Type_create_struct(3, bl, disp, types, &t);
    MPI_Type_commit(&t);
    return t;
}

/* n structs with gaps; the receiver's gaps and padding keep their bytes. */
static void struct_ring(int n)
{
    MPI_Datatype t = rec_type();
    struct rec *out = malloc((size_t)n * sizeof(*out));
    struct rec *in = malloc((size_t)n * sizeof(*in));
    memset(out, 0x11, (size_t)n * sizeof(*out));
    memset(in, 0xee, (size_t)n * sizeof(*in));
    for (int i = 0; i < n; i++) {
        out[i].a = rank * 100000 + i;
        out[i].b[0] = value(rank, i);
        out[i].b[1] = -value(rank, i);
        out[i].c = (char)('a' + i % 26);
    }
    MPI_Sendrecv(out, n, t, next, 3, in, n, t, prev, 3, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    int bad = 0;
    for (int i = 0; i < n; i++) {
        bad += in[i].a != prev * 100000 + i || in[i].b[0] != value(prev, i) ||
               in[i].b[1] != -value(prev, i) || in[i].c != (char)('a' + i % 26);
        const unsigned char *gap = (const unsigned char *)&in[i] + sizeof(int);
        for (size_t k = sizeof(int); k < offsetof(struct rec, b); k++) {
            bad += *gap++ != 0xee;
        }
    }
    MPT_CHECK(bad == 0, "struct x %d: %d wrong values or overwritten gaps", n, bad);
    MPI_Type_free(&t);
    free(out);
    free(in);
}

/* An indexed type of ints (blocks out of order) received as plain ints. */
static void indexed_ring(int reps)
{
    int bl[3] = {3, 1, 2};
    int disp[3] = {4, 0, 9};
    MPI_Datatype idx, many;
    MPI_Type_indexed(3, bl, disp, MPI_INT, &idx);
    MPI_Type_contiguous(reps, idx, &many);
    MPI_Type_commit(&many);
    MPI_Aint lb, extent;
    MPI_Type_get_extent(idx, &lb, &extent);
    MPT_CHECK(lb == 0 && extent == 11 * (MPI_Aint)sizeof(int), "indexed extent %ld", (long)extent);
    int *src = malloc((size_t)reps * 11 * sizeof(int));
    int *dst = malloc((size_t)reps * 6 * sizeof(int));
    for (int i = 0; i < reps * 11; i++) {
        src[i] = rank * 1000000 + i;
    }
    MPI_Sendrecv(src, 1, many, next, 4, dst, reps * 6, MPI_INT, prev, 4, MPI_COMM_WORLD,
                 MPI_STATUS_IGNORE);
    static const int order[6] = {4, 5, 6, 0, 9, 10};
    int bad = 0;
    for (int r = 0; r < reps; r++) {
        for (int k = 0; k < 6; k++) {
            bad += dst[r * 6 + k] != prev * 1000000 + r * 11 + order[k];
        }
    }
    MPT_CHECK(bad == 0, "indexed x %d: %d wrong values", reps, bad);
    MPI_Type_free(&idx);
    MPI_Type_free(&many);
    free(src);
    free(dst);
}

/* Partial receives of derived types: whole elements and basic elements. */
static void partial(void)
{
    struct ipair {
        int i;
        double d;
    } pair[2];
    int bl[2] = {1, 1};
    MPI_Aint disp[2] = {offsetof(struct ipair, i), offsetof(struct ipair, d)};
    MPI_Datatype types[2] = {MPI_INT, MPI_DOUBLE}, t;
    MPI_Type_create_struct(2, bl, disp, types, &t);
    MPI_Type_commit(&t);
    /* The sender's type map is a prefix of the receive's (int, double, int, double): an int, a
     * double and an int are one whole element and one more basic element. */
    struct {
        int i;
        double d;
        int j;
    } three = {7, 8.5, 9};
    int bl3[3] = {1, 1, 1};
    MPI_Aint disp3[3] = {0, 8, 16};
    MPI_Datatype types3[3] = {MPI_INT, MPI_DOUBLE, MPI_INT}, t3;
    MPI_Type_create_struct(3, bl3, disp3, types3, &t3);
    MPI_Type_commit(&t3);
    MPI_Status st;
    MPI_Sendrecv(&three, 1, t3, next, 5, pair, 2, t, prev, 5, MPI_COMM_WORLD, &st);
    int count = 0, elems = 0;
    MPI_Get_count(&st, t, &count);
    MPI_Get_elements(&st, t, &elems);
    MPT_CHECK(count == MPI_UNDEFINED && elems == 3,
              "int,double,int as {int,double}: count %d "
              "elements %d",
              count, elems);
    MPT_CHECK(pair[0].i == 7 && pair[0].d == 8.5 && pair[1].i == 9, "int,double,int: values");
    MPI_Type_free(&t3);
    /* Two whole elements. */
    struct ipair two_pairs[2] = {{1, 2.0}, {3, 4.0}};
    MPI_Count elems_c = 0;
    MPI_Sendrecv(two_pairs, 2, t, next, 7, pair, 2, t, prev, 7, MPI_COMM_WORLD, &st);
    MPI_Get_elements_c(&st, t, &elems_c);
    MPI_Get_count(&st, t, &count);
    MPT_CHECK(elems_c == 4 && count == 2, "2 pairs: elements %lld count %d", (long long)elems_c,
              count);
    MPT_CHECK(pair[1].i == 3 && pair[1].d == 4.0, "2 pairs: values");
    MPI_Type_free(&t);

    /* 7 doubles into pairs of doubles. */
    double d7[7] = {1, 2, 3, 4, 5, 6, 7}, r8[8];
    MPI_Datatype two;
    MPI_Type_contiguous(2, MPI_DOUBLE, &two);
    MPI_Type_commit(&two);
    MPI_Sendrecv(d7, 7, MPI_DOUBLE, next, 8, r8, 4, two, prev, 8, MPI_COMM_WORLD, &st);
    MPI_Get_count(&st, two, &count);
    MPI_Get_elements(&st, two, &elems);
    MPT_CHECK(count == MPI_UNDEFINED && elems == 7, "7 doubles as pairs: count %d elements %d",
              count, elems);
    MPT_CHECK(r8[6] == 7.0, "7 doubles as pairs: last value %g", r8[6]);
    MPI_Type_free(&two);
}

/* The type is freed while a large send and a receive with it are still pending. */
static void free_while_pending(int n)
{
    double *strided = malloc(2 * (size_t)n * sizeof(double));
    double *in = malloc(2 * (size_t)n * sizeof(double));
    MPI_Datatype vec, rvec;
    MPI_Type_vector(n, 1, 2, MPI_DOUBLE, &vec);
    MPI_Type_dup(vec, &rvec);
    MPI_Type_commit(&vec);
    MPI_Type_commit(&rvec);
    for (int i = 0; i < 2 * n; i++) {
        strided[i] = value(rank, i);
        in[i] = -3.0;
    }
    MPI_Request reqs[2];
    MPI_Irecv(in, 1, rvec, prev, 9, MPI_COMM_WORLD, &reqs[0]);
    MPI_Type_free(&rvec);
    MPI_Isend(strided, 1, vec, next, 9, MPI_COMM_WORLD, &reqs[1]);
    MPI_Type_free(&vec);
    MPT_CHECK(vec == MPI_DATATYPE_NULL, "Type_free did not reset the handle");
    MPI_Waitall(2, reqs, MPI_STATUSES_IGNORE);
    int bad = 0;
    for (int i = 0; i < 2 * n; i++) {
        bad += in[i] != (i % 2 == 0 ? value(prev, i) : -3.0);
    }
    MPT_CHECK(bad == 0, "freed vector(%d) while pending: %d wrong values", n, bad);
    free(strided);
    free(in);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_set_rank(rank);
    next = (rank + 1) % size;
    prev = (rank + size - 1) % size;
    /* Eager, just above the eager limit, and 1 MiB of data. */
    int sizes[3] = {16, 5000, 131072};
    for (int i = 0; i < 3; i++) {
        vector_ring(sizes[i]);
        free_while_pending(sizes[i]);
    }
    struct_ring(10);
    struct_ring(40000);
    indexed_ring(3);
    indexed_ring(20000);
    partial();
    MPI_Finalize();
    return mpt_finish(rank);
}
