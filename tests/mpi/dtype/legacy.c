/*
 * The MPI-1 calls MPI-3.0 removed, as old programs use them: a struct type built with
 * MPI_Address and MPI_Type_struct carries a C struct between ranks; MPI_Type_hvector and
 * MPI_Type_hindexed lay data out as their MPI_Type_create_ successors; MPI_Type_extent, _lb and
 * _ub give a resized type's bounds; MPI_Errhandler_create/set/get install a handler that sees
 * an error. (Open MPI 4 no longer declares these: this program builds with libmp and MPICH.)
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
    test_errhandler(size);
    MPI_Finalize();
    return mpt_finish(rank);
}
