/*
 * Active-target one-sided communication with MPI_Win_fence: put, get and accumulate rings over
 * windows of every flavor but shared, small (inline) and large (separate data) transfers,
 * derived datatypes at the origin and at the target, accumulates from every rank at once, the
 * fence asserts, and the window's attributes, name, group and hints. Every value is checked.
 * Usage: fence [elements] (default 70000: large enough for the separate-data path).
 */
#include "rmatest.h"

#include <stdint.h>
#include <string.h>

static int rank, size;

/* Put to the right neighbour, then get from the left one, over win (n ints at base). */
static void ring(MPI_Win win, int *base, int n, int round)
{
    int right = (rank + 1) % size, left = (rank + size - 1) % size;
    int *src = malloc((size_t)n * sizeof(int));
    int *got = malloc((size_t)n * sizeof(int));
    for (int i = 0; i < n; i++) {
        src[i] = pattern(rank, right, i, round);
        got[i] = -1;
    }
    CHECK_MPI(MPI_Win_fence(MPI_MODE_NOPRECEDE, win));
    CHECK_MPI(MPI_Put(src, n, MPI_INT, right, 0, n, MPI_INT, win));
    CHECK_MPI(MPI_Win_fence(0, win));
    for (int i = 0; i < n; i++) {
        MPT_CHECK(base[i] == pattern(left, rank, i, round), "round %d: put: base[%d] = %d, want %d",
                  round, i, base[i], pattern(left, rank, i, round));
    }
    /* Get back what the left neighbour received (from its own left). */
    CHECK_MPI(MPI_Get(got, n, MPI_INT, left, 0, n, MPI_INT, win));
    CHECK_MPI(MPI_Win_fence(MPI_MODE_NOSUCCEED, win));
    int ll = (left + size - 1) % size;
    for (int i = 0; i < n; i++) {
        MPT_CHECK(got[i] == pattern(ll, left, i, round), "round %d: get: got[%d] = %d, want %d",
                  round, i, got[i], pattern(ll, left, i, round));
    }
    free(src);
    free(got);
}

/* Every rank adds its rank + 1 (and its index) into every other rank's window. */
static void accumulate_all(MPI_Win win, int *base, int n)
{
    for (int i = 0; i < n; i++) {
        base[i] = i;
    }
    int *src = malloc((size_t)n * sizeof(int));
    for (int i = 0; i < n; i++) {
        src[i] = (rank + 1) * (i % 13 + 1);
    }
    CHECK_MPI(MPI_Win_fence(0, win));
    for (int t = 0; t < size; t++) {
        CHECK_MPI(MPI_Accumulate(src, n, MPI_INT, t, 0, n, MPI_INT, MPI_SUM, win));
    }
    CHECK_MPI(MPI_Win_fence(0, win));
    int ranks_sum = size * (size + 1) / 2;
    for (int i = 0; i < n; i++) {
        int want = i + ranks_sum * (i % 13 + 1);
        MPT_CHECK(base[i] == want, "accumulate: base[%d] = %d, want %d", i, base[i], want);
    }
    /* MPI_MAX and MPI_REPLACE on a double window part. */
    double d = rank * 2.5;
    double *dbase = (double *)base;
    dbase[0] = -1.0;
    CHECK_MPI(MPI_Win_fence(0, win));
    CHECK_MPI(MPI_Accumulate(&d, 1, MPI_DOUBLE, 0, 0, 1, MPI_DOUBLE, MPI_MAX, win));
    CHECK_MPI(MPI_Win_fence(0, win));
    if (rank == 0) {
        MPT_CHECK(dbase[0] == (size - 1) * 2.5, "MPI_MAX: %g, want %g", dbase[0], (size - 1) * 2.5);
    }
    CHECK_MPI(MPI_Win_fence(0, win));
    if (rank == size - 1) {
        CHECK_MPI(MPI_Accumulate(&d, 1, MPI_DOUBLE, 0, 0, 1, MPI_DOUBLE, MPI_REPLACE, win));
    }
    CHECK_MPI(MPI_Win_fence(0, win));
    if (rank == 0) {
        MPT_CHECK(dbase[0] == (size - 1) * 2.5, "MPI_REPLACE: %g", dbase[0]);
    }
    free(src);
}

/* A strided origin (every other int) lands in a strided target (every third int). */
static void derived(MPI_Win win, int *base, int n)
{
    int k = n / 3;
    MPI_Datatype every2, every3;
    CHECK_MPI(MPI_Type_vector(k, 1, 2, MPI_INT, &every2));
    CHECK_MPI(MPI_Type_vector(k, 1, 3, MPI_INT, &every3));
    CHECK_MPI(MPI_Type_commit(&every2));
    CHECK_MPI(MPI_Type_commit(&every3));
    int *src = malloc((size_t)2 * k * sizeof(int));
    int *back = malloc((size_t)2 * k * sizeof(int));
    for (int i = 0; i < 2 * k; i++) {
        src[i] = pattern(rank, 0, i, 9);
        back[i] = -5;
    }
    for (int i = 0; i < n; i++) {
        base[i] = -1;
    }
    int right = (rank + 1) % size, left = (rank + size - 1) % size;
    CHECK_MPI(MPI_Win_fence(0, win));
    CHECK_MPI(MPI_Put(src, 1, every2, right, 0, 1, every3, win));
    CHECK_MPI(MPI_Win_fence(0, win));
    for (int i = 0; i < 3 * k; i++) {
        int want = i % 3 == 0 ? pattern(left, 0, 2 * (i / 3), 9) : -1;
        MPT_CHECK(base[i] == want, "derived put: base[%d] = %d, want %d", i, base[i], want);
    }
    /* And back again: the strided target into a strided origin. */
    CHECK_MPI(MPI_Get(back, 1, every2, right, 0, 1, every3, win));
    CHECK_MPI(MPI_Win_fence(0, win));
    for (int i = 0; i < 2 * k; i++) {
        int want = i % 2 == 0 ? pattern(rank, 0, i, 9) : -5;
        MPT_CHECK(back[i] == want, "derived get: back[%d] = %d, want %d", i, back[i], want);
    }
    CHECK_MPI(MPI_Type_free(&every2));
    CHECK_MPI(MPI_Type_free(&every3));
    free(src);
    free(back);
}

static void attributes(MPI_Win win, void *base, MPI_Aint bytes, int flavor)
{
    void *v = NULL;
    int flag = 0;
    CHECK_MPI(MPI_Win_get_attr(win, MPI_WIN_BASE, &v, &flag));
    MPT_CHECK(flag && v == base, "MPI_WIN_BASE: flag %d, %p, want %p", flag, v, base);
    MPI_Aint *sz = NULL;
    CHECK_MPI(MPI_Win_get_attr(win, MPI_WIN_SIZE, &sz, &flag));
    MPT_CHECK(flag && *sz == bytes, "MPI_WIN_SIZE %ld, want %ld", (long)*sz, (long)bytes);
    int *iv = NULL;
    CHECK_MPI(MPI_Win_get_attr(win, MPI_WIN_DISP_UNIT, &iv, &flag));
    MPT_CHECK(flag && *iv == (int)sizeof(int), "MPI_WIN_DISP_UNIT %d", *iv);
    CHECK_MPI(MPI_Win_get_attr(win, MPI_WIN_CREATE_FLAVOR, &iv, &flag));
    MPT_CHECK(flag && *iv == flavor, "MPI_WIN_CREATE_FLAVOR %d, want %d", *iv, flavor);
    CHECK_MPI(MPI_Win_get_attr(win, MPI_WIN_MODEL, &iv, &flag));
    MPT_CHECK(flag && (*iv == MPI_WIN_UNIFIED || *iv == MPI_WIN_SEPARATE), "MPI_WIN_MODEL %d", *iv);
    char name[MPI_MAX_OBJECT_NAME];
    int len = -1;
    CHECK_MPI(MPI_Win_get_name(win, name, &len));
    MPT_CHECK(len == 0 && name[0] == '\0', "unnamed window: name '%s' (%d)", name, len);
    CHECK_MPI(MPI_Win_set_name(win, "ring window"));
    CHECK_MPI(MPI_Win_get_name(win, name, &len));
    MPT_CHECK(len == 11 && strcmp(name, "ring window") == 0, "name '%s' (%d)", name, len);
    MPI_Group g, wg;
    int cmp = -1;
    CHECK_MPI(MPI_Win_get_group(win, &g));
    CHECK_MPI(MPI_Comm_group(MPI_COMM_WORLD, &wg));
    CHECK_MPI(MPI_Group_compare(g, wg, &cmp));
    MPT_CHECK(cmp == MPI_IDENT, "window group vs world: %d", cmp);
    CHECK_MPI(MPI_Group_free(&g));
    CHECK_MPI(MPI_Group_free(&wg));
    MPI_Info info;
    char value[MPI_MAX_INFO_VAL];
    CHECK_MPI(MPI_Win_get_info(win, &info));
    CHECK_MPI(MPI_Info_get(info, "no_locks", MPI_MAX_INFO_VAL - 1, value, &flag));
    MPT_CHECK(flag, "the hints in use lack no_locks");
    CHECK_MPI(MPI_Info_free(&info));
    /* A user key on a window, with its delete callback run by MPI_Win_free. */
    int key = MPI_KEYVAL_INVALID;
    static int payload = 42;
    CHECK_MPI(MPI_Win_create_keyval(MPI_WIN_NULL_COPY_FN, MPI_WIN_NULL_DELETE_FN, &key, NULL));
    CHECK_MPI(MPI_Win_set_attr(win, key, &payload));
    CHECK_MPI(MPI_Win_get_attr(win, key, &iv, &flag));
    MPT_CHECK(flag && iv == &payload, "user attribute: flag %d", flag);
    CHECK_MPI(MPI_Win_free_keyval(&key));
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_set_rank(rank);
    int n = argc > 1 ? (int)mpt_parse_long(argv[1], "elements") : 70000;
    MPI_Aint bytes = (MPI_Aint)n * (MPI_Aint)sizeof(int);

    /* MPI_Win_create over memory of the program's, from MPI_Alloc_mem. */
    int *mem = NULL;
    CHECK_MPI(MPI_Alloc_mem(bytes, MPI_INFO_NULL, &mem));
    MPT_CHECK(mem != NULL && (uintptr_t)mem % sizeof(double) == 0, "MPI_Alloc_mem gave %p",
              (void *)mem);
    MPI_Win win;
    CHECK_MPI(MPI_Win_create(mem, bytes, sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &win));
    attributes(win, mem, bytes, MPI_WIN_FLAVOR_CREATE);
    for (int round = 0; round < 3; round++) {
        ring(win, mem, round == 1 ? 5 : n, round);
    }
    accumulate_all(win, mem, n);
    derived(win, mem, n);
    CHECK_MPI(MPI_Win_free(&win));
    MPT_CHECK(win == MPI_WIN_NULL, "MPI_Win_free left the handle");
    CHECK_MPI(MPI_Free_mem(mem));

    /* MPI_Win_allocate: the library's memory. */
    int *abase = NULL;
    CHECK_MPI(MPI_Win_allocate(bytes, sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &abase, &win));
    MPT_CHECK(abase != NULL, "MPI_Win_allocate gave no memory");
    attributes(win, abase, bytes, MPI_WIN_FLAVOR_ALLOCATE);
    ring(win, abase, n, 7);
    accumulate_all(win, abase, 100);
    CHECK_MPI(MPI_Win_free(&win));

    /* A window of a split communicator: ranks of the window, not of the world. */
    MPI_Comm half;
    CHECK_MPI(MPI_Comm_split(MPI_COMM_WORLD, rank % 2, -rank, &half));
    int hrank, hsize;
    MPI_Comm_rank(half, &hrank);
    MPI_Comm_size(half, &hsize);
    int cell = -1;
    CHECK_MPI(MPI_Win_create(&cell, sizeof(int), sizeof(int), MPI_INFO_NULL, half, &win));
    CHECK_MPI(MPI_Win_fence(0, win));
    int val = rank;
    CHECK_MPI(MPI_Put(&val, 1, MPI_INT, (hrank + 1) % hsize, 0, 1, MPI_INT, win));
    CHECK_MPI(MPI_Win_fence(0, win));
    int left_world = -1;
    {
        /* The half-communicator's left neighbour, in world ranks. */
        MPI_Group hg, wg;
        int l = (hrank + hsize - 1) % hsize;
        MPI_Comm_group(half, &hg);
        MPI_Comm_group(MPI_COMM_WORLD, &wg);
        MPI_Group_translate_ranks(hg, 1, &l, wg, &left_world);
        MPI_Group_free(&hg);
        MPI_Group_free(&wg);
    }
    MPT_CHECK(cell == left_world, "split window: cell %d, want %d", cell, left_world);
    CHECK_MPI(MPI_Win_free(&win));
    CHECK_MPI(MPI_Comm_free(&half));

    MPI_Finalize();
    return mpt_finish(rank);
}
