/*
 * The MPI-1 calls MPI-3.0 removed, as old programs use them: a struct type built with
 * MPI_Address and MPI_Type_struct carries a C struct between ranks; MPI_Type_hvector and
 * MPI_Type_hindexed lay data out as their MPI_Type_create_ successors; MPI_Type_extent, _lb and
 * _ub give a resized type's bounds; MPI_Type_struct takes the bound markers MPI_LB and MPI_UB;
 * MPI_Errhandler_create/set/get install a handler that sees an error. (Open MPI 4 no longer
 * declares these: this program builds with libmp and MPICH.)
 */
#include "../pt2pt/p2ptest.h"

#include <string.h>

struct particle {
    char tag;
    double pos[3];
    int id;
};

static int calls, last_code;

static void count_errors(MPI_Comm *comm, int *code, ...)
{
    (void)comm;
    calls++;
    last_code = *code;
}

static MPI_Datatype particle_type(void)
{
    struct particle p;
    MPI_Aint base, at[3];
    P2P_MPI(MPI_Address(&p, &base));
    P2P_MPI(MPI_Address(&p.tag, &at[0]));
    P2P_MPI(MPI_Address(p.pos, &at[1]));
    P2P_MPI(MPI_Address(&p.id, &at[2]));
    for (int i = 0; i < 3; i++) {
        at[i] -= base;
    }
    int lens[3] = {1, 3, 1};
    MPI_Datatype types[3] = {MPI_CHAR, MPI_DOUBLE, MPI_INT}, t, sized;
    P2P_MPI(MPI_Type_struct(3, lens, at, types, &t));
    P2P_MPI(MPI_Type_create_resized(t, 0, sizeof(struct particle), &sized));
    P2P_MPI(MPI_Type_free(&t));
    P2P_MPI(MPI_Type_commit(&sized));
    return sized;
}

static void test_struct(int rank, int size)
{
    MPI_Datatype t = particle_type();
    struct particle ps[4];
    memset(ps, 0, sizeof(ps));
    int peer = rank ^ 1;
    if (peer >= size) {
        P2P_MPI(MPI_Type_free(&t));
        return;
    }
    if (rank % 2 == 0) {
        for (int i = 0; i < 4; i++) {
            ps[i] = (struct particle){(char)('a' + i), {i + 0.5, i * 2.0, -i}, 100 * rank + i};
        }
        P2P_MPI(MPI_Send(ps, 4, t, peer, 3, MPI_COMM_WORLD));
    } else {
        P2P_MPI(MPI_Recv(ps, 4, t, peer, 3, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
        for (int i = 0; i < 4; i++) {
            MPT_CHECK(ps[i].tag == 'a' + i && ps[i].pos[0] == i + 0.5 && ps[i].pos[1] == i * 2.0 &&
                          ps[i].pos[2] == -i && ps[i].id == 100 * peer + i,
                      "particle %d: %c %g %g %g %d", i, ps[i].tag, ps[i].pos[0], ps[i].pos[1],
                      ps[i].pos[2], ps[i].id);
        }
    }
    P2P_MPI(MPI_Type_free(&t));
}

/* Packs 2 of a and b each and compares the bytes. */
static void same_layout(MPI_Datatype a, MPI_Datatype b, const void *src, const char *what)
{
    char pa[256], pb[256];
    int na = 0, nb = 0;
    P2P_MPI(MPI_Pack(src, 2, a, pa, sizeof(pa), &na, MPI_COMM_SELF));
    P2P_MPI(MPI_Pack(src, 2, b, pb, sizeof(pb), &nb, MPI_COMM_SELF));
    MPT_CHECK(na == nb && memcmp(pa, pb, (size_t)na) == 0, "%s: %d and %d packed bytes differ",
              what, na, nb);
}

static void test_vectors(void)
{
    int data[64];
    for (int i = 0; i < 64; i++) {
        data[i] = i * 7 + 1;
    }
    MPI_Datatype old, new;
    P2P_MPI(MPI_Type_hvector(3, 2, 5 * sizeof(int), MPI_INT, &old));
    P2P_MPI(MPI_Type_create_hvector(3, 2, 5 * sizeof(int), MPI_INT, &new));
    P2P_MPI(MPI_Type_commit(&old));
    P2P_MPI(MPI_Type_commit(&new));
    same_layout(old, new, data, "MPI_Type_hvector");
    P2P_MPI(MPI_Type_free(&old));
    P2P_MPI(MPI_Type_free(&new));

    int lens[3] = {1, 3, 2};
    MPI_Aint disps[3] = {0, 4 * sizeof(int), 11 * sizeof(int)};
    P2P_MPI(MPI_Type_hindexed(3, lens, disps, MPI_INT, &old));
    P2P_MPI(MPI_Type_create_hindexed(3, lens, disps, MPI_INT, &new));
    P2P_MPI(MPI_Type_commit(&old));
    P2P_MPI(MPI_Type_commit(&new));
    same_layout(old, new, data, "MPI_Type_hindexed");
    P2P_MPI(MPI_Type_free(&old));
    P2P_MPI(MPI_Type_free(&new));
}

static void test_bounds(void)
{
    MPI_Datatype t;
    P2P_MPI(MPI_Type_create_resized(MPI_INT, -8, 40, &t));
    MPI_Aint extent = 0, lb = 0, ub = 0;
    P2P_MPI(MPI_Type_extent(t, &extent));
    P2P_MPI(MPI_Type_lb(t, &lb));
    P2P_MPI(MPI_Type_ub(t, &ub));
    MPT_CHECK(extent == 40 && lb == -8 && ub == 32, "extent %ld lb %ld ub %ld", (long)extent,
              (long)lb, (long)ub);
    P2P_MPI(MPI_Type_free(&t));
}

/* The bounds of a type built by MPI_Type_struct, through the MPI-1 calls. */
static void check_bounds(MPI_Datatype t, MPI_Aint want_lb, MPI_Aint want_ub, const char *what)
{
    MPI_Aint extent = 0, lb = 0, ub = 0;
    P2P_MPI(MPI_Type_extent(t, &extent));
    P2P_MPI(MPI_Type_lb(t, &lb));
    P2P_MPI(MPI_Type_ub(t, &ub));
    MPT_CHECK(lb == want_lb && ub == want_ub && extent == want_ub - want_lb,
              "%s: extent %ld lb %ld ub %ld, expected lb %ld ub %ld", what, (long)extent, (long)lb,
              (long)ub, (long)want_lb, (long)want_ub);
}

/* MPI-1's markers in MPI_Type_struct (the IBM suite's dtyp tests use them): MPI_LB and MPI_UB
 * set the bounds exactly, with no alignment padding (MPICH's reading), the lowest MPI_LB and
 * the highest MPI_UB win, a marker block of length 0 sets nothing; the data of a struct of a
 * short at 0 and one at 8 with an extent of 2 interleaves, and an int every 8 bytes travels. */
static void test_markers(void)
{
    MPI_Datatype four, t;
    P2P_MPI(MPI_Type_contiguous(4, MPI_INT, &four));
    int bl[4] = {1, 1, 1, 1};
    MPI_Aint d1[2] = {0, 97};
    MPI_Datatype t1[2] = {four, MPI_UB};
    P2P_MPI(MPI_Type_struct(2, bl, d1, t1, &t));
    check_bounds(t, 0, 97, "{4 ints at 0, UB at 97}");
    P2P_MPI(MPI_Type_free(&t));
    int bl2[4] = {1, 2, 1, 1};
    MPI_Aint d2[4] = {5, 0, -3, 96};
    MPI_Datatype t2[4] = {MPI_LB, four, MPI_LB, MPI_UB};
    P2P_MPI(MPI_Type_struct(4, bl2, d2, t2, &t));
    check_bounds(t, -3, 96, "{LB at 5, 8 ints at 0, LB at -3, UB at 96}");
    int size = 0;
    P2P_MPI(MPI_Type_size(t, &size));
    MPT_CHECK(size == 32, "{LB, 8 ints, LB, UB}: size %d, expected 32", size);
    P2P_MPI(MPI_Type_free(&t));
    int bl3[2] = {1, 0};
    MPI_Aint d3[2] = {0, 100};
    MPI_Datatype t3[2] = {MPI_INT, MPI_UB};
#if !defined(MPICH)
    /* No copy of the marker is in the type map (MPI-1.1, 3.12.1); MPICH 4.0 counts it anyway. */
    P2P_MPI(MPI_Type_struct(2, bl3, d3, t3, &t));
    check_bounds(t, 0, (MPI_Aint)sizeof(int), "{int at 0, UB x 0 at 100}");
    P2P_MPI(MPI_Type_free(&t));
#endif
    P2P_MPI(MPI_Type_free(&four));

    MPI_Aint d4[4] = {0, 0, 8, 2};
    MPI_Datatype t4[4] = {MPI_LB, MPI_SHORT, MPI_SHORT, MPI_UB};
    P2P_MPI(MPI_Type_struct(4, bl, d4, t4, &t));
    P2P_MPI(MPI_Type_commit(&t));
    char in[16], packed[16], out[16];
    for (int i = 0; i < 16; i++) {
        in[i] = (char)(i + 1);
    }
    memset(out, 0, sizeof(out));
    int pos = 0;
    P2P_MPI(MPI_Pack(in, 4, t, packed, sizeof(packed), &pos, MPI_COMM_SELF));
    MPT_CHECK(pos == 16, "4 of {LB, short at 0, short at 8, UB at 2} packed %d bytes", pos);
    pos = 0;
    P2P_MPI(MPI_Unpack(packed, sizeof(packed), &pos, out, 4, t, MPI_COMM_SELF));
    MPT_CHECK(memcmp(in, out, sizeof(in)) == 0, "interleaved shorts came back changed");
    P2P_MPI(MPI_Type_free(&t));

    MPI_Aint d5[3] = {0, 0, 2 * sizeof(int)};
    MPI_Datatype t5[3] = {MPI_LB, MPI_INT, MPI_UB};
    P2P_MPI(MPI_Type_struct(3, bl, d5, t5, &t));
    P2P_MPI(MPI_Type_commit(&t));
    int every_other[6] = {10, -1, 11, -1, 12, -1}, got[3] = {0, 0, 0};
    P2P_MPI(MPI_Sendrecv(every_other, 3, t, 0, 4, got, 3, MPI_INT, 0, 4, MPI_COMM_SELF,
                         MPI_STATUS_IGNORE));
    MPT_CHECK(got[0] == 10 && got[1] == 11 && got[2] == 12, "an int every 8 bytes: %d %d %d",
              got[0], got[1], got[2]);
    P2P_MPI(MPI_Type_free(&t));

    /* MPI 4 raises it on MPI_COMM_SELF, MPICH 4.0 on MPI_COMM_WORLD. */
    P2P_MPI(MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN));
    P2P_MPI(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN));
    int neg[2] = {1, -1}, cls = -1;
    t = MPI_DATATYPE_NULL;
    int rc = MPI_Type_struct(2, neg, d1, t3, &t);
    MPI_Error_class(rc, &cls);
    MPT_CHECK(rc != MPI_SUCCESS && cls == MPI_ERR_COUNT && t == MPI_DATATYPE_NULL,
              "a marker of blocklength -1: rc %d class %d", rc, cls);
    P2P_MPI(MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_ARE_FATAL));
    P2P_MPI(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_ARE_FATAL));
}

static void test_errhandler(int size)
{
    MPI_Errhandler eh, got;
    P2P_MPI(MPI_Errhandler_create(count_errors, &eh));
    P2P_MPI(MPI_Errhandler_set(MPI_COMM_WORLD, eh));
    P2P_MPI(MPI_Errhandler_get(MPI_COMM_WORLD, &got));
    MPT_CHECK(got == eh, "MPI_Errhandler_get gave another handler");
    int x = 0, rc = MPI_Send(&x, 1, MPI_INT, size + 5, 0, MPI_COMM_WORLD), cls = -1;
    MPI_Error_class(last_code, &cls);
    MPT_CHECK(rc != MPI_SUCCESS && calls == 1 && cls == MPI_ERR_RANK,
              "a send to a bad rank: rc %d, %d handler calls, class %d", rc, calls, cls);
    P2P_MPI(MPI_Errhandler_set(MPI_COMM_WORLD, MPI_ERRORS_ARE_FATAL));
    P2P_MPI(MPI_Errhandler_free(&got));
    P2P_MPI(MPI_Errhandler_free(&eh));
}

int main(int argc, char **argv)
{
    int rank, size;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_set_rank(rank);
    test_struct(rank, size);
    test_vectors();
    test_bounds();
    test_markers();
    test_errhandler(size);
    MPI_Finalize();
    return mpt_finish(rank);
}
