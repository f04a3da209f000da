/*
 * Checks MPI_Type_create_f90_real/complex/integer: the sized type each (p, r) picks, the
 * envelope and contents (combiner, p and r, no datatypes), one handle per (p, r), that the types
 * cannot be freed, that they carry data between ranks and through MPI_Reduce_local, and the
 * errors for impossible or missing p and r (with MPI_ERRORS_RETURN).
 */
#include <mpi.h>
#include <stdint.h>
#include <string.h>

#include "../env/mptest.h"

/* Checks t's size, envelope and contents against what it was made with. */
static void check_type(MPI_Datatype t, const char *what, int combiner, int p, int r, int size)
{
    int s = -1, ni = -1, na = -1, nd = -1, comb = -1;
    CHECK_RC(MPI_Type_size(t, &s));
    MPT_CHECK(s == size, "%s: size %d, expected %d", what, s, size);
    CHECK_RC(MPI_Type_get_envelope(t, &ni, &na, &nd, &comb));
    int want_ni = combiner == MPI_COMBINER_F90_INTEGER ? 1 : 2;
    MPT_CHECK(comb == combiner && ni == want_ni && na == 0 && nd == 0,
              "%s: envelope combiner %d ints %d addrs %d types %d, expected %d %d 0 0", what, comb,
              ni, na, nd, combiner, want_ni);
    int ints[2] = {-7, -7};
    MPI_Datatype none = MPI_DATATYPE_NULL;
    CHECK_RC(MPI_Type_get_contents(t, 2, 0, 0, ints, NULL, &none));
    MPT_CHECK(ints[0] == p, "%s: contents p %d, expected %d", what, ints[0], p);
    if (want_ni == 2) {
        MPT_CHECK(ints[1] == r, "%s: contents r %d, expected %d", what, ints[1], r);
    } else {
        MPT_CHECK(ints[1] == -7, "%s: contents wrote a second integer %d", what, ints[1]);
    }
}

static void test_kinds(void)
{
    static const struct {
        int p, r, size;
    } reals[] = {
        {3, 10, 4},
        {6, MPI_UNDEFINED, 4},
        {MPI_UNDEFINED, 37, 4},
        {7, 30, 8},
        {15, 307, 8},
        {MPI_UNDEFINED, 38, 8},
    /* Which kinds exist is the implementation's choice: MPICH 4.0 and Open MPI 4.1 have no
     * quad precision kind, libmp has MPI_REAL16. */
#if !defined(MPICH) && !defined(OPEN_MPI)
        {16, MPI_UNDEFINED, 16},
        {33, 4931, 16},
#endif
    };
    for (size_t i = 0; i < sizeof(reals) / sizeof(reals[0]); i++) {
        char what[64];
        MPI_Datatype t = MPI_DATATYPE_NULL, again = MPI_DATATYPE_NULL;
        snprintf(what, sizeof(what), "real(p=%d,r=%d)", reals[i].p, reals[i].r);
        CHECK_RC(MPI_Type_create_f90_real(reals[i].p, reals[i].r, &t));
        check_type(t, what, MPI_COMBINER_F90_REAL, reals[i].p, reals[i].r, reals[i].size);
        CHECK_RC(MPI_Type_create_f90_real(reals[i].p, reals[i].r, &again));
        MPT_CHECK(again == t, "%s: a second call gave another handle", what);
        snprintf(what, sizeof(what), "complex(p=%d,r=%d)", reals[i].p, reals[i].r);
        CHECK_RC(MPI_Type_create_f90_complex(reals[i].p, reals[i].r, &t));
        check_type(t, what, MPI_COMBINER_F90_COMPLEX, reals[i].p, reals[i].r, 2 * reals[i].size);
        MPT_CHECK(t != again, "%s: the same handle as the real type", what);
    }
    static const struct {
        int r, size;
    } ints[] = {
        {0, 1},
        {2, 1},
        {3, 2},
        {4, 2},
        {5, 4},
        {9, 4},
        {10, 8},
        {18, 8},
#if !defined(MPICH) && !defined(OPEN_MPI)
        {19, 16},
#endif
    };
    for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
        char what[64];
        MPI_Datatype t = MPI_DATATYPE_NULL;
        snprintf(what, sizeof(what), "integer(r=%d)", ints[i].r);
        CHECK_RC(MPI_Type_create_f90_integer(ints[i].r, &t));
        check_type(t, what, MPI_COMBINER_F90_INTEGER, ints[i].r, 0, ints[i].size);
    }
}

/* The types are predefined for the user: MPI_Type_free refuses them, and the contents of a type
 * built on one give back the same handle, nothing to free. */
static void test_predefined(void)
{
    MPI_Datatype real8 = MPI_DATATYPE_NULL, pair = MPI_DATATYPE_NULL;
    CHECK_RC(MPI_Type_create_f90_real(12, MPI_UNDEFINED, &real8));
    /* Freeing a predefined type is erroneous: libmp reports it, MPICH 4.0 frees the type. */
#if !defined(MPICH) && !defined(OPEN_MPI)
    MPI_Datatype keep = real8;
    int rc = MPI_Type_free(&real8);
    int cls = -1;
    MPI_Error_class(rc, &cls);
    MPT_CHECK(cls == MPI_ERR_TYPE, "MPI_Type_free of an f90 type: class %d, expected %d", cls,
              MPI_ERR_TYPE);
    MPT_CHECK(real8 == keep, "MPI_Type_free changed the handle of an f90 type it refused");
#endif
    CHECK_RC(MPI_Type_contiguous(2, real8, &pair));
    int ints[1] = {0};
    MPI_Datatype inner = MPI_DATATYPE_NULL;
    CHECK_RC(MPI_Type_get_contents(pair, 1, 0, 1, ints, NULL, &inner));
    MPT_CHECK(ints[0] == 2 && inner == real8,
              "contents of contiguous(2, f90): count %d, the same type %d", ints[0],
              inner == real8);
    CHECK_RC(MPI_Type_free(&pair));
    /* The type outlives the pair built on it, and still works. */
    int size = 0;
    CHECK_RC(MPI_Type_size(real8, &size));
    MPT_CHECK(size == 8, "f90 real(12) after its pair was freed: size %d", size);
}

/* Values of the f90 types travel between ranks (a ring) and through MPI_Reduce_local. */
static void test_data(int rank, int size)
{
    MPI_Datatype dreal = MPI_DATATYPE_NULL, dcomplex = MPI_DATATYPE_NULL, dint = MPI_DATATYPE_NULL;
    CHECK_RC(MPI_Type_create_f90_real(10, 100, &dreal));
    CHECK_RC(MPI_Type_create_f90_complex(5, MPI_UNDEFINED, &dcomplex));
    CHECK_RC(MPI_Type_create_f90_integer(15, &dint));
    double out_r[3] = {rank + 0.25, rank * 2.5, -rank - 1.0}, in_r[3] = {0};
    float out_c[4] = {(float)rank, 1.5f, -2.0f, (float)(rank * 3)}, in_c[4] = {0};
    int64_t out_i[2] = {(int64_t)rank << 40, -(int64_t)rank}, in_i[2] = {0};
    int to = (rank + 1) % size, from = (rank + size - 1) % size;
    CHECK_RC(MPI_Sendrecv(out_r, 3, dreal, to, 1, in_r, 3, dreal, from, 1, MPI_COMM_WORLD,
                          MPI_STATUS_IGNORE));
    CHECK_RC(MPI_Sendrecv(out_c, 2, dcomplex, to, 2, in_c, 2, dcomplex, from, 2, MPI_COMM_WORLD,
                          MPI_STATUS_IGNORE));
    CHECK_RC(MPI_Sendrecv(out_i, 2, dint, to, 3, in_i, 2, dint, from, 3, MPI_COMM_WORLD,
                          MPI_STATUS_IGNORE));
    MPT_CHECK(in_r[0] == from + 0.25 && in_r[1] == from * 2.5 && in_r[2] == -from - 1.0,
              "real from %d: %g %g %g", from, in_r[0], in_r[1], in_r[2]);
    MPT_CHECK(in_c[0] == (float)from && in_c[1] == 1.5f && in_c[2] == -2.0f &&
                  in_c[3] == (float)(from * 3),
              "complex from %d: %g %g %g %g", from, in_c[0], in_c[1], in_c[2], in_c[3]);
    MPT_CHECK(in_i[0] == (int64_t)from << 40 && in_i[1] == -(int64_t)from,
              "integer from %d: %lld %lld", from, (long long)in_i[0], (long long)in_i[1]);
    double acc[3] = {1.0, 2.0, 3.0};
    CHECK_RC(MPI_Reduce_local(out_r, acc, 3, dreal, MPI_SUM));
    MPT_CHECK(acc[0] == 1.0 + out_r[0] && acc[1] == 2.0 + out_r[1] && acc[2] == 3.0 + out_r[2],
              "reduce_local sum of real: %g %g %g", acc[0], acc[1], acc[2]);
    int64_t mx[2] = {5, 5};
    CHECK_RC(MPI_Reduce_local(out_i, mx, 2, dint, MPI_MAX));
    MPT_CHECK(mx[0] == (rank > 0 ? (int64_t)rank << 40 : 5) && mx[1] == 5,
              "reduce_local max of integer: %lld %lld", (long long)mx[0], (long long)mx[1]);
}

#if !defined(MPICH) && !defined(OPEN_MPI)
static void expect_arg_error(int rc, const char *what)
{
    int cls = -1;
    MPI_Error_class(rc, &cls);
    MPT_CHECK(cls == MPI_ERR_ARG, "%s: class %d, expected MPI_ERR_ARG", what, cls);
}

static void test_errors(void)
{
    MPI_Datatype t = MPI_DATATYPE_NULL;
    expect_arg_error(MPI_Type_create_f90_real(MPI_UNDEFINED, MPI_UNDEFINED, &t),
                     "real(undefined, undefined)");
    expect_arg_error(MPI_Type_create_f90_real(34, MPI_UNDEFINED, &t), "real(p=34)");
    expect_arg_error(MPI_Type_create_f90_complex(MPI_UNDEFINED, 5000, &t), "complex(r=5000)");
    expect_arg_error(MPI_Type_create_f90_real(-2, 10, &t), "real(p=-2)");
    expect_arg_error(MPI_Type_create_f90_integer(39, &t), "integer(r=39)");
    expect_arg_error(MPI_Type_create_f90_integer(-1, &t), "integer(r=-1)");
    expect_arg_error(MPI_Type_create_f90_integer(4, NULL), "integer with newtype NULL");
    MPT_CHECK(t == MPI_DATATYPE_NULL, "a failed call set the handle");
}
#endif

int main(int argc, char **argv)
{
    int rank, size;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_set_rank(rank);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN);
    test_kinds();
    test_predefined();
    test_data(rank, size);
    /* Erroneous arguments: MPICH 4.0 accepts p = r = MPI_UNDEFINED and a negative p, Open MPI
     * 4.1 crashes on a NULL newtype; libmp returns MPI_ERR_ARG for each. */
#if !defined(MPICH) && !defined(OPEN_MPI)
    test_errors();
#endif
    MPI_Finalize();
    return mpt_finish(rank);
}
