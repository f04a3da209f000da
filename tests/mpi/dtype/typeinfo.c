/*
 * Checks what the datatype queries say about derived types, against hand-computed values:
 * size, extent, true extent, envelope and contents of every combiner, names, dup, addresses,
 * Type_match_size, the layout of subarray and darray types (through MPI_Pack), and the error
 * class of bad arguments (with MPI_ERRORS_RETURN). Every rank runs it alone.
 */
#include <mpi.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../env/mptest.h"

static void check_bounds(MPI_Datatype t, const char *what, MPI_Count size, MPI_Aint lb,
                         MPI_Aint extent, MPI_Aint true_lb, MPI_Aint true_extent)
{
    MPI_Count s = -1;
    MPI_Aint l = -1, e = -1, tl = -1, te = -1;
    CHECK_RC(MPI_Type_size_c(t, &s));
    CHECK_RC(MPI_Type_get_extent(t, &l, &e));
    CHECK_RC(MPI_Type_get_true_extent(t, &tl, &te));
    MPT_CHECK(s == size, "%s: size %lld, expected %lld", what, (long long)s, (long long)size);
    MPT_CHECK(l == lb && e == extent, "%s: lb %ld extent %ld, expected %ld %ld", what, (long)l,
              (long)e, (long)lb, (long)extent);
    MPT_CHECK(tl == true_lb && te == true_extent, "%s: true lb %ld extent %ld, expected %ld %ld",
              what, (long)tl, (long)te, (long)true_lb, (long)true_extent);
}

/* Packs one element of t from an array of ints holding their own index and checks that the
 * packed ints are the indices want[0..n). */
static void check_layout(MPI_Datatype t, const char *what, const int *want, int n)
{
    int src[256];
    int packed[256];
    for (int i = 0; i < 256; i++) {
        src[i] = i;
        packed[i] = -1;
    }
    int pos = 0;
    CHECK_RC(MPI_Type_commit(&t));
    CHECK_RC(MPI_Pack(src, 1, t, packed, (int)sizeof(packed), &pos, MPI_COMM_SELF));
    MPT_CHECK(pos == n * (int)sizeof(int), "%s: packed %d bytes, expected %d", what, pos,
              n * (int)sizeof(int));
    for (int i = 0; i < n && i < 256; i++) {
        MPT_CHECK(packed[i] == want[i], "%s: packed int %d is element %d, expected %d", what, i,
                  packed[i], want[i]);
    }
}

static void check_envelope(MPI_Datatype t, const char *what, int ni, int na, int nd, int comb)
{
    int i = -1, a = -1, d = -1, c = -1;
    CHECK_RC(MPI_Type_get_envelope(t, &i, &a, &d, &c));
    MPT_CHECK(i == ni && a == na && d == nd && c == comb,
              "%s: envelope %d ints %d addrs %d types combiner %d, expected %d %d %d %d", what, i,
              a, d, c, ni, na, nd, comb);
}

static void test_vector_and_contents(void)
{
    MPI_Datatype v, hv, copy;
    CHECK_RC(MPI_Type_vector(3, 2, 4, MPI_INT, &v));
    check_bounds(v, "vector(3,2,4,int)", 24, 0, 40, 0, 40);
    int want[] = {0, 1, 4, 5, 8, 9};
    check_layout(v, "vector(3,2,4,int)", want, 6);
    check_envelope(v, "vector", 3, 0, 1, MPI_COMBINER_VECTOR);
    int ints[3];
    MPI_Aint addrs[1];
    MPI_Datatype types[1];
    CHECK_RC(MPI_Type_get_contents(v, 3, 0, 1, ints, addrs, types));
    MPT_CHECK(ints[0] == 3 && ints[1] == 2 && ints[2] == 4 && types[0] == MPI_INT,
              "vector contents %d %d %d", ints[0], ints[1], ints[2]);

    /* An hvector of the vector: contents return the vector itself, as a handle to free. */
    CHECK_RC(MPI_Type_create_hvector(2, 1, 100, v, &hv));
    check_envelope(hv, "hvector", 2, 1, 1, MPI_COMBINER_HVECTOR);
    CHECK_RC(MPI_Type_get_contents(hv, 2, 1, 1, ints, addrs, types));
    MPT_CHECK(ints[0] == 2 && ints[1] == 1 && addrs[0] == 100, "hvector contents");
    MPI_Aint lb, ext;
    CHECK_RC(MPI_Type_get_extent(types[0], &lb, &ext));
    MPT_CHECK(ext == 40, "contents type extent %ld", (long)ext);
    CHECK_RC(MPI_Type_free(&types[0]));
    check_bounds(hv, "hvector(2,1,100,vector)", 48, 0, 140, 0, 140);

    /* Freeing the vector leaves the hvector built on it working. */
    CHECK_RC(MPI_Type_free(&v));
    MPT_CHECK(v == MPI_DATATYPE_NULL, "Type_free did not set MPI_DATATYPE_NULL");
    CHECK_RC(MPI_Type_commit(&hv));
    int want2[] = {0, 1, 4, 5, 8, 9, 25, 26, 29, 30, 33, 34};
    check_layout(hv, "hvector of freed vector", want2, 12);

    CHECK_RC(MPI_Type_dup(hv, &copy));
    check_envelope(copy, "dup", 0, 0, 1, MPI_COMBINER_DUP);
    check_layout(copy, "dup (committed like its original)", want2, 12);
    CHECK_RC(MPI_Type_free(&copy));
    CHECK_RC(MPI_Type_free(&hv));
}

/* struct { int a; double b[2]; char c; }: a gap after a, padding after c. */
static void test_struct(void)
{
    struct s {
        int a;
        double b[2];
        char c;
    };
    int bl[3] = {1, 2, 1};
    MPI_Aint disp[3] = {offsetof(struct s, a), offsetof(struct s, b), offsetof(struct s, c)};
    MPI_Datatype types[3] = {MPI_INT, MPI_DOUBLE, MPI_CHAR}, t;
    CHECK_RC(MPI_Type_create_struct(3, bl, disp, types, &t));
    check_bounds(t, "struct", 21, 0, (MPI_Aint)sizeof(struct s), 0,
                 (MPI_Aint)offsetof(struct s, c) + 1);
    check_envelope(t, "struct", 4, 3, 3, MPI_COMBINER_STRUCT);
    int ints[4];
    MPI_Aint addrs[3];
    MPI_Datatype got[3];
    CHECK_RC(MPI_Type_get_contents(t, 4, 3, 3, ints, addrs, got));
    for (int i = 0; i < 3; i++) {
        MPT_CHECK(ints[1 + i] == bl[i] && addrs[i] == disp[i] && got[i] == types[i],
                  "struct contents entry %d", i);
    }
    CHECK_RC(MPI_Type_free(&t));
}

static void test_indexed_family(void)
{
    MPI_Datatype t;
    int bl[3] = {2, 0, 1};
    int d[3] = {5, 0, 1};
    CHECK_RC(MPI_Type_indexed(3, bl, d, MPI_INT, &t));
    check_bounds(t, "indexed", 12, 4, 24, 4, 24);
    int want[] = {5, 6, 1};
    check_layout(t, "indexed (type map order, not memory order)", want, 3);
    check_envelope(t, "indexed", 7, 0, 1, MPI_COMBINER_INDEXED);
    CHECK_RC(MPI_Type_free(&t));

    int bd[2] = {3, 0};
    CHECK_RC(MPI_Type_create_indexed_block(2, 2, bd, MPI_INT, &t));
    int want2[] = {3, 4, 0, 1};
    check_layout(t, "indexed_block", want2, 4);
    check_envelope(t, "indexed_block", 4, 0, 1, MPI_COMBINER_INDEXED_BLOCK);
    CHECK_RC(MPI_Type_free(&t));

    MPI_Aint hd[2] = {8, 32};
    CHECK_RC(MPI_Type_create_hindexed_block(2, 1, hd, MPI_INT, &t));
    int want3[] = {2, 8};
    check_layout(t, "hindexed_block", want3, 2);
    check_envelope(t, "hindexed_block", 2, 2, 1, MPI_COMBINER_HINDEXED_BLOCK);
    CHECK_RC(MPI_Type_free(&t));

    int hbl[2] = {1, 2};
    CHECK_RC(MPI_Type_create_hindexed(2, hbl, hd, MPI_INT, &t));
    int want4[] = {2, 8, 9};
    check_layout(t, "hindexed", want4, 3);
    check_envelope(t, "hindexed", 3, 2, 1, MPI_COMBINER_HINDEXED);
    CHECK_RC(MPI_Type_free(&t));

    /* Large-count form: the arguments come back as large counts. */
    MPI_Count cbl[2] = {1, 1}, cd[2] = {7, 2};
    CHECK_RC(MPI_Type_indexed_c(2, cbl, cd, MPI_INT, &t));
    MPI_Count ni, na, nc, nd;
    int comb;
    CHECK_RC(MPI_Type_get_envelope_c(t, &ni, &na, &nc, &nd, &comb));
    MPT_CHECK(ni == 0 && na == 0 && nc == 5 && nd == 1 && comb == MPI_COMBINER_INDEXED,
              "indexed_c envelope %lld %lld %lld %lld", (long long)ni, (long long)na, (long long)nc,
              (long long)nd);
    MPI_Count counts[5];
    MPI_Datatype ty;
    CHECK_RC(MPI_Type_get_contents_c(t, 0, 0, 5, 1, NULL, NULL, counts, &ty));
    MPT_CHECK(counts[0] == 2 && counts[3] == 7 && counts[4] == 2 && ty == MPI_INT,
              "indexed_c contents");
    int want5[] = {7, 2};
    check_layout(t, "indexed_c", want5, 2);
    CHECK_RC(MPI_Type_free(&t));
}

static void test_resized_subarray_darray(void)
{
    MPI_Datatype t;
    CHECK_RC(MPI_Type_create_resized(MPI_INT, -4, 12, &t));
    check_bounds(t, "resized(int,-4,12)", 4, -4, 12, 0, 4);
    check_envelope(t, "resized", 0, 2, 1, MPI_COMBINER_RESIZED);
    CHECK_RC(MPI_Type_free(&t));

    /* 4x5 ints, the 2x3 block at (1,1), C order. */
    int sizes[2] = {4, 5}, subs[2] = {2, 3}, starts[2] = {1, 1};
    CHECK_RC(MPI_Type_create_subarray(2, sizes, subs, starts, MPI_ORDER_C, MPI_INT, &t));
    check_bounds(t, "subarray C", 24, 0, 80, 24, 32);
    int wc[] = {6, 7, 8, 11, 12, 13};
    check_layout(t, "subarray C", wc, 6);
    check_envelope(t, "subarray", 8, 0, 1, MPI_COMBINER_SUBARRAY);
    CHECK_RC(MPI_Type_free(&t));
    /* Fortran order: the first dimension (size 4) varies fastest. */
    CHECK_RC(MPI_Type_create_subarray(2, sizes, subs, starts, MPI_ORDER_FORTRAN, MPI_INT, &t));
    int wf[] = {5, 6, 9, 10, 13, 14};
    check_layout(t, "subarray Fortran", wf, 6);
    CHECK_RC(MPI_Type_free(&t));

    /* 4x6 ints on a 2x2 grid, rows by block, columns cyclic(2); rank 3 is at (1,1): rows 2-3,
     * columns 2-3. Rank 0: rows 0-1, columns 0-1 and 4-5. */
    int gs[2] = {4, 6}, dist[2] = {MPI_DISTRIBUTE_BLOCK, MPI_DISTRIBUTE_CYCLIC};
    int dargs[2] = {MPI_DISTRIBUTE_DFLT_DARG, 2}, ps[2] = {2, 2};
    CHECK_RC(MPI_Type_create_darray(4, 3, 2, gs, dist, dargs, ps, MPI_ORDER_C, MPI_INT, &t));
    int w3[] = {14, 15, 20, 21};
    check_layout(t, "darray rank 3", w3, 4);
    check_bounds(t, "darray rank 3", 16, 0, 96, 56, 32);
    check_envelope(t, "darray", 12, 0, 1, MPI_COMBINER_DARRAY);
    CHECK_RC(MPI_Type_free(&t));
    CHECK_RC(MPI_Type_create_darray(4, 0, 2, gs, dist, dargs, ps, MPI_ORDER_C, MPI_INT, &t));
    int w0[] = {0, 1, 4, 5, 6, 7, 10, 11};
    check_layout(t, "darray rank 0", w0, 8);
    CHECK_RC(MPI_Type_free(&t));
    /* Fortran order, 1-D cyclic(1) of 5 on 2: rank 1 owns 1 and 3. */
    int g1 = 5, d1 = MPI_DISTRIBUTE_CYCLIC, a1 = 1, p1 = 2;
    CHECK_RC(MPI_Type_create_darray(2, 1, 1, &g1, &d1, &a1, &p1, MPI_ORDER_FORTRAN, MPI_INT, &t));
    int w1[] = {1, 3};
    check_layout(t, "darray cyclic", w1, 2);
    CHECK_RC(MPI_Type_free(&t));
}

static void test_names_addresses_match(void)
{
    char name[MPI_MAX_OBJECT_NAME];
    int len = -1;
    CHECK_RC(MPI_Type_get_name(MPI_DOUBLE, name, &len));
    MPT_CHECK(strcmp(name, "MPI_DOUBLE") == 0 && len == 10, "name of MPI_DOUBLE: '%s'", name);
    MPI_Datatype t;
    CHECK_RC(MPI_Type_contiguous(4, MPI_INT, &t));
    CHECK_RC(MPI_Type_get_name(t, name, &len));
    MPT_CHECK(len == 0 && name[0] == '\0', "a new type has an empty name, got '%s'", name);
    CHECK_RC(MPI_Type_set_name(t, "four ints"));
    CHECK_RC(MPI_Type_get_name(t, name, &len));
    MPT_CHECK(strcmp(name, "four ints") == 0 && len == 9, "set name: '%s'", name);
    check_bounds(t, "contiguous(4,int)", 16, 0, 16, 0, 16);
    CHECK_RC(MPI_Type_free(&t));

    double arr[4];
    MPI_Aint a0, a3;
    CHECK_RC(MPI_Get_address(&arr[0], &a0));
    CHECK_RC(MPI_Get_address(&arr[3], &a3));
    MPT_CHECK(MPI_Aint_diff(a3, a0) == 24, "Aint_diff %ld", (long)MPI_Aint_diff(a3, a0));
    MPT_CHECK(MPI_Aint_add(a0, 24) == a3, "Aint_add");

    MPI_Datatype m;
    CHECK_RC(MPI_Type_match_size(MPI_TYPECLASS_REAL, 8, &m));
    MPI_Count sz;
    CHECK_RC(MPI_Type_size_c(m, &sz));
    MPT_CHECK(sz == 8, "match_size real 8 gave size %lld", (long long)sz);
    CHECK_RC(MPI_Type_match_size(MPI_TYPECLASS_INTEGER, 4, &m));
    CHECK_RC(MPI_Type_size_c(m, &sz));
    MPT_CHECK(sz == 4, "match_size integer 4 gave size %lld", (long long)sz);
}

static void expect_class(int rc, int cls, const char *what)
{
    int got = -1;
    MPI_Error_class(rc, &got);
    MPT_CHECK(rc != MPI_SUCCESS && got == cls, "%s: returned %d (class %d), expected class %d",
              what, rc, got, cls);
}

static void test_errors(void)
{
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN);
    MPI_Datatype t = MPI_DATATYPE_NULL, dbl = MPI_DOUBLE;
    expect_class(MPI_Type_contiguous(-1, MPI_INT, &t), MPI_ERR_COUNT, "contiguous(-1)");
    expect_class(MPI_Type_vector(2, -1, 1, MPI_INT, &t), MPI_ERR_COUNT, "vector blocklength -1");
    expect_class(MPI_Type_contiguous(2, MPI_DATATYPE_NULL, &t), MPI_ERR_TYPE,
                 "contiguous of MPI_DATATYPE_NULL");
    int bl[2] = {1, -2}, d[2] = {0, 1};
    expect_class(MPI_Type_indexed(2, bl, d, MPI_INT, &t), MPI_ERR_COUNT, "indexed blocklength -2");
    expect_class(MPI_Type_indexed(2, NULL, d, MPI_INT, &t), MPI_ERR_ARG, "indexed NULL array");
    /* MPICH 4.0 checks neither subarray bounds nor the darray process grid (it divides by
     * zero), so these run on other MPIs only. */
#if !defined(MPICH_VERSION)
    int sizes[2] = {4, 5}, subs[2] = {2, 6}, starts[2] = {0, 0};
    expect_class(MPI_Type_create_subarray(2, sizes, subs, starts, MPI_ORDER_C, MPI_INT, &t),
                 MPI_ERR_ARG, "subarray subsize > size");
    subs[1] = 3;
    starts[0] = 3;
    expect_class(MPI_Type_create_subarray(2, sizes, subs, starts, MPI_ORDER_C, MPI_INT, &t),
                 MPI_ERR_ARG, "subarray start past the end");
    starts[0] = 0;
    expect_class(MPI_Type_create_subarray(2, sizes, subs, starts, 99, MPI_INT, &t), MPI_ERR_ARG,
                 "subarray bad order");
    int gs[1] = {10}, dist[1] = {MPI_DISTRIBUTE_BLOCK}, da[1] = {2}, ps[1] = {2};
    expect_class(MPI_Type_create_darray(2, 0, 1, gs, dist, da, ps, MPI_ORDER_C, MPI_INT, &t),
                 MPI_ERR_ARG, "darray blocks too small");
    ps[0] = 3;
    da[0] = MPI_DISTRIBUTE_DFLT_DARG;
    expect_class(MPI_Type_create_darray(2, 0, 1, gs, dist, da, ps, MPI_ORDER_C, MPI_INT, &t),
                 MPI_ERR_ARG, "darray grid size mismatch");
#endif
    expect_class(MPI_Type_free(&dbl), MPI_ERR_TYPE, "free MPI_DOUBLE");
    /* An uncommitted type cannot be sent. */
    CHECK_RC(MPI_Type_contiguous(2, MPI_INT, &t));
    int buf[2] = {0, 0};
    expect_class(MPI_Send(buf, 1, t, MPI_PROC_NULL, 0, MPI_COMM_WORLD), MPI_ERR_TYPE,
                 "send of an uncommitted type");
    /* A freed type that lives on inside another is no longer a valid handle. */
    MPI_Datatype outer, freed = t;
    CHECK_RC(MPI_Type_contiguous(2, t, &outer));
    CHECK_RC(MPI_Type_free(&t));
#if !defined(MPICH_VERSION) /* MPICH 4.0 does not detect it */
    expect_class(MPI_Type_commit(&freed), MPI_ERR_TYPE, "commit of a freed type");
#else
    (void)freed;
#endif
    CHECK_RC(MPI_Type_free(&outer));
    int ints[1];
    expect_class(MPI_Type_get_contents(MPI_INT, 1, 0, 0, ints, NULL, NULL), MPI_ERR_TYPE,
                 "contents of a predefined type");
}

/* Large counts: built in constant time, sizes beyond an int; element counts of a status. */
static void test_large_and_status(void)
{
    MPI_Datatype big, vec;
    MPI_Count n = (MPI_Count)3 << 30;
    CHECK_RC(MPI_Type_contiguous_c(n, MPI_BYTE, &big));
    MPI_Count size_c = 0, lb_c = -1, ext_c = 0;
    int size = 0;
    CHECK_RC(MPI_Type_size_c(big, &size_c));
    CHECK_RC(MPI_Type_size(big, &size));
    CHECK_RC(MPI_Type_get_extent_c(big, &lb_c, &ext_c));
    MPT_CHECK(size_c == n && size == MPI_UNDEFINED && lb_c == 0 && ext_c == n,
              "contiguous_c(3 GiB): size %lld (int %d) extent %lld", (long long)size_c, size,
              (long long)ext_c);
    CHECK_RC(MPI_Type_vector_c(n, 1, 2, MPI_DOUBLE, &vec));
    CHECK_RC(MPI_Type_size_c(vec, &size_c));
    CHECK_RC(MPI_Type_get_true_extent_c(vec, &lb_c, &ext_c));
    MPT_CHECK(size_c == n * 8 && ext_c == (n - 1) * 16 + 8, "vector_c: size %lld true extent %lld",
              (long long)size_c, (long long)ext_c);
    CHECK_RC(MPI_Type_free(&big));
    CHECK_RC(MPI_Type_free(&vec));

    /* A struct {int, double}: 3 basic elements are 16 bytes, not a whole number of elements. */
    struct ipair {
        int i;
        double d;
    };
    int bl[2] = {1, 1};
    MPI_Aint disp[2] = {offsetof(struct ipair, i), offsetof(struct ipair, d)};
    MPI_Datatype types[2] = {MPI_INT, MPI_DOUBLE}, t;
    CHECK_RC(MPI_Type_create_struct(2, bl, disp, types, &t));
    CHECK_RC(MPI_Type_commit(&t));
    MPI_Status st;
    int count = 0, elems = 0;
#if !defined(MPICH_VERSION)
    /* The standard: count is basic elements (MPICH 4.0 takes it as whole elements). */
    CHECK_RC(MPI_Status_set_elements(&st, t, 3));
    CHECK_RC(MPI_Get_elements(&st, t, &elems));
    CHECK_RC(MPI_Get_count(&st, t, &count));
    MPT_CHECK(elems == 3 && count == MPI_UNDEFINED, "set_elements 3: elements %d count %d", elems,
              count);
    CHECK_RC(MPI_Get_count(&st, MPI_BYTE, &count));
    MPT_CHECK(count == 16, "set_elements 3 of {int,double}: %d bytes, expected 16", count);
    CHECK_RC(MPI_Status_set_elements(&st, t, 4));
    CHECK_RC(MPI_Get_count(&st, t, &count));
    MPT_CHECK(count == 2, "set_elements 4 of {int,double}: count %d, expected 2", count);
#endif
    CHECK_RC(MPI_Type_free(&t));
}

int main(int argc, char **argv)
{
    int rank;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    mpt_set_rank(rank);
    test_vector_and_contents();
    test_struct();
    test_indexed_family();
    test_resized_subarray_darray();
    test_names_addresses_match();
    test_large_and_status();
    test_errors();
    MPI_Finalize();
    return mpt_finish(rank);
}
