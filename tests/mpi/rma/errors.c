/*
 * One-sided errors under MPI_ERRORS_RETURN: each bad argument or misused epoch returns the
 * standard error class (and nothing hangs or crashes), user error handlers on windows get the
 * window and the code, and a put outside a dynamic window's attached memory is reported by
 * the unlock. The window stays usable after each error.
 */
#include "rmatest.h"

static int rank, size;
static MPI_Win handler_win = MPI_WIN_NULL;
static int handler_code = -1;

static void win_handler(MPI_Win *win, int *code, ...)
{
    handler_win = *win;
    handler_code = *code;
}

static void argument_errors(MPI_Win win)
{
    int v = 1, r = -1;
    expect_class(MPI_Put(&v, 1, MPI_INT, 0, 0, 1, MPI_INT, win), MPI_ERR_RMA_SYNC,
                 "put outside any epoch");
    expect_class(MPI_Win_unlock(0, win), MPI_ERR_RMA_SYNC, "unlock without lock");
    expect_class(MPI_Win_complete(win), MPI_ERR_RMA_SYNC, "complete without start");
    expect_class(MPI_Win_wait(win), MPI_ERR_RMA_SYNC, "wait without post");
    expect_class(MPI_Win_flush(0, win), MPI_ERR_RMA_SYNC, "flush without lock");
    expect_class(MPI_Win_unlock_all(win), MPI_ERR_RMA_SYNC, "unlock_all without lock_all");
    expect_class(MPI_Win_lock(12345, 0, 0, win), MPI_ERR_LOCKTYPE, "bad lock type");
    expect_class(MPI_Win_fence(1, win), MPI_ERR_ASSERT, "bad fence assert");
    CHECK_MPI(MPI_Win_lock(MPI_LOCK_SHARED, 0, 0, win));
    expect_class(MPI_Win_lock(MPI_LOCK_SHARED, 0, 0, win), MPI_ERR_RMA_SYNC, "lock twice");
    expect_class(MPI_Put(&v, 1, MPI_INT, size, 0, 1, MPI_INT, win), MPI_ERR_RANK,
                 "target rank = size");
    expect_class(MPI_Put(&v, 1, MPI_INT, 0, 4, 1, MPI_INT, win), MPI_ERR_RMA_RANGE,
                 "displacement past the window");
    expect_class(MPI_Put(&v, 1, MPI_INT, 0, -1, 1, MPI_INT, win), MPI_ERR_RMA_RANGE,
                 "negative displacement");
    expect_class(MPI_Get(&r, 2, MPI_INT, 0, 3, 2, MPI_INT, win), MPI_ERR_RMA_RANGE,
                 "get over the end");
    expect_class(MPI_Put(&v, -1, MPI_INT, 0, 0, 1, MPI_INT, win), MPI_ERR_COUNT, "negative count");
    expect_class(MPI_Put(&v, 1, MPI_DATATYPE_NULL, 0, 0, 1, MPI_INT, win), MPI_ERR_TYPE,
                 "MPI_DATATYPE_NULL");
    expect_class(MPI_Put(&v, 1, MPI_INT, 0, 0, 1, MPI_SHORT, win), MPI_ERR_TYPE,
                 "sizes that differ");
    expect_class(MPI_Accumulate(&v, 1, MPI_INT, 0, 0, 1, MPI_INT, MPI_OP_NULL, win), MPI_ERR_OP,
                 "MPI_OP_NULL");
    double d = 1.0, dr = 0;
    expect_class(MPI_Accumulate(&d, 1, MPI_DOUBLE, 0, 0, 1, MPI_DOUBLE, MPI_BAND, win), MPI_ERR_OP,
                 "MPI_BAND on doubles");
    expect_class(MPI_Compare_and_swap(&d, &d, &dr, MPI_DOUBLE, 0, 0, win), MPI_ERR_TYPE,
                 "compare_and_swap on doubles");
    MPI_Request req = MPI_REQUEST_NULL;
    CHECK_MPI(MPI_Win_unlock(0, win));
    expect_class(MPI_Rput(&v, 1, MPI_INT, 0, 0, 1, MPI_INT, win, &req), MPI_ERR_RMA_SYNC,
                 "rput outside a passive epoch");
    /* PSCW with this rank alone: a second post or start while one is open, and asserts that
     * post or start does not take. */
    MPI_Group world_group, self_group;
    CHECK_MPI(MPI_Comm_group(MPI_COMM_WORLD, &world_group));
    CHECK_MPI(MPI_Group_incl(world_group, 1, &rank, &self_group));
    expect_class(MPI_Win_start(self_group, MPI_MODE_NOPUT, win), MPI_ERR_ASSERT,
                 "start with MPI_MODE_NOPUT");
    CHECK_MPI(MPI_Win_post(self_group, 0, win));
    expect_class(MPI_Win_post(self_group, 0, win), MPI_ERR_RMA_SYNC, "post twice");
    CHECK_MPI(MPI_Win_start(self_group, 0, win));
    expect_class(MPI_Win_start(self_group, 0, win), MPI_ERR_RMA_SYNC, "start twice");
    /* Access epochs of one window are disjoint: no lock inside an active-target one. */
    expect_class(MPI_Win_lock(MPI_LOCK_SHARED, rank, MPI_MODE_NOCHECK, win), MPI_ERR_RMA_SYNC,
                 "lock inside a start epoch");
    expect_class(MPI_Win_lock_all(0, win), MPI_ERR_RMA_SYNC, "lock_all inside a start epoch");
    CHECK_MPI(MPI_Win_complete(win));
    CHECK_MPI(MPI_Win_wait(win));
    /* Nor a start inside a passive-target one. */
    CHECK_MPI(MPI_Win_lock(MPI_LOCK_SHARED, rank, 0, win));
    expect_class(MPI_Win_start(self_group, 0, win), MPI_ERR_RMA_SYNC, "start inside a lock epoch");
    CHECK_MPI(MPI_Win_unlock(rank, win));
    /* A fence followed by a lock (or a start) opened no epoch: once the lock epoch ends, an
     * operation has none to belong to. */
    CHECK_MPI(MPI_Win_fence(0, win));
    CHECK_MPI(MPI_Win_lock(MPI_LOCK_SHARED, rank, 0, win));
    CHECK_MPI(MPI_Get(&r, 1, MPI_INT, rank, 0, 1, MPI_INT, win));
    CHECK_MPI(MPI_Win_unlock(rank, win));
    MPT_CHECK(r == 0, "get in a lock epoch after a fence: %d (the window holds zeros)", r);
    expect_class(MPI_Put(&v, 1, MPI_INT, rank, 0, 1, MPI_INT, win), MPI_ERR_RMA_SYNC,
                 "put after a lock epoch that followed a fence");
    CHECK_MPI(MPI_Win_fence(0, win));
    CHECK_MPI(MPI_Win_post(self_group, 0, win));
    CHECK_MPI(MPI_Win_start(self_group, 0, win));
    CHECK_MPI(MPI_Win_complete(win));
    CHECK_MPI(MPI_Win_wait(win));
    expect_class(MPI_Put(&v, 1, MPI_INT, rank, 0, 1, MPI_INT, win), MPI_ERR_RMA_SYNC,
                 "put after a start epoch that followed a fence");
    CHECK_MPI(MPI_Group_free(&self_group));
    CHECK_MPI(MPI_Group_free(&world_group));
    /* MPI 4.1: a created window can be queried; another rank's memory is not reachable. */
    MPI_Aint qsize = -1;
    int qdu = -1;
    void *qbase = NULL;
    CHECK_MPI(MPI_Win_shared_query(win, rank, &qsize, &qdu, &qbase));
    MPT_CHECK(qsize == 4 * (MPI_Aint)sizeof(int) && qdu == sizeof(int) && qbase != NULL,
              "own created window: size %ld, disp_unit %d, base %p", (long)qsize, qdu, qbase);
    if (size > 1) {
        CHECK_MPI(MPI_Win_shared_query(win, (rank + 1) % size, &qsize, &qdu, &qbase));
        MPT_CHECK(qsize == 0 && qbase == NULL, "another rank's created window: %ld, %p",
                  (long)qsize, qbase);
    }
    expect_class(MPI_Win_attach(win, &v, sizeof(v)), MPI_ERR_RMA_FLAVOR,
                 "attach to a created window");
    int key = MPI_WIN_SIZE;
    expect_class(MPI_Win_set_attr(win, key, &v), MPI_ERR_KEYVAL, "set MPI_WIN_SIZE");
    /* Still usable: a fence epoch with a correct put. */
    CHECK_MPI(MPI_Win_fence(0, win));
    v = rank + 100;
    CHECK_MPI(MPI_Put(&v, 1, MPI_INT, (rank + 1) % size, 0, 1, MPI_INT, win));
    CHECK_MPI(MPI_Win_fence(MPI_MODE_NOSUCCEED, win));
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_set_rank(rank);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN);
    int mem[4] = {0, 0, 0, 0};
    MPI_Win win;
    expect_class(MPI_Win_create(mem, -4, 4, MPI_INFO_NULL, MPI_COMM_WORLD, &win), MPI_ERR_SIZE,
                 "negative size");
    expect_class(MPI_Win_create(mem, 16, 0, MPI_INFO_NULL, MPI_COMM_WORLD, &win), MPI_ERR_DISP,
                 "disp_unit 0");
    expect_class(MPI_Win_free(&(MPI_Win){MPI_WIN_NULL}), MPI_ERR_WIN, "free MPI_WIN_NULL");
    void *p = NULL;
    expect_class(MPI_Alloc_mem(-1, MPI_INFO_NULL, &p), MPI_ERR_ARG, "MPI_Alloc_mem of -1 bytes");
    CHECK_MPI(MPI_Alloc_mem(0, MPI_INFO_NULL, &p));
    CHECK_MPI(MPI_Free_mem(p));
    expect_class(MPI_Win_fence(0, MPI_WIN_NULL), MPI_ERR_WIN, "fence on MPI_WIN_NULL");

    /* A shared window over ranks of several nodes (when the job spans nodes) is refused. */
    MPI_Comm node;
    int nsize = 0;
    CHECK_MPI(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node));
    MPI_Comm_size(node, &nsize);
    MPI_Comm_free(&node);
    int *shared = NULL;
    int rc = MPI_Win_allocate_shared(sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD,
                                     &shared, &win);
    if (nsize < size) {
        expect_class(rc, MPI_ERR_RMA_SHARED, "a shared window across nodes");
    } else {
        CHECK_MPI(rc);
        CHECK_MPI(MPI_Win_free(&win));
    }

    CHECK_MPI(MPI_Win_create(mem, sizeof(mem), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &win));
    MPI_Errhandler eh;
    CHECK_MPI(MPI_Win_get_errhandler(win, &eh));
    MPT_CHECK(eh == MPI_ERRORS_ARE_FATAL, "a new window's handler is not MPI_ERRORS_ARE_FATAL");
    CHECK_MPI(MPI_Win_set_errhandler(win, MPI_ERRORS_RETURN));
    argument_errors(win);
    MPT_CHECK(mem[0] == (rank + size - 1) % size + 100, "put after errors: %d", mem[0]);

    /* A user handler gets the window and the code. */
    CHECK_MPI(MPI_Win_create_errhandler(win_handler, &eh));
    CHECK_MPI(MPI_Win_set_errhandler(win, eh));
    CHECK_MPI(MPI_Errhandler_free(&eh));
    int v = 0;
    rc = MPI_Put(&v, 1, MPI_INT, 0, 0, 1, MPI_INT, win);
    MPT_CHECK(rc != MPI_SUCCESS && handler_win == win && handler_code == rc,
              "user handler: rc %d, handler saw code %d", rc, handler_code);
    handler_code = -1;
    CHECK_MPI(MPI_Win_call_errhandler(win, MPI_ERR_OTHER));
    MPT_CHECK(handler_code == MPI_ERR_OTHER, "MPI_Win_call_errhandler: handler saw %d",
              handler_code);
    CHECK_MPI(MPI_Win_free(&win));

    /* A put outside the attached memory of a dynamic window: the unlock reports it. */
    CHECK_MPI(MPI_Win_create_dynamic(MPI_INFO_NULL, MPI_COMM_WORLD, &win));
    CHECK_MPI(MPI_Win_set_errhandler(win, MPI_ERRORS_RETURN));
    CHECK_MPI(MPI_Win_attach(win, mem, sizeof(mem)));
    expect_class(MPI_Win_attach(win, &mem[1], sizeof(int)), MPI_ERR_RMA_ATTACH,
                 "overlapping attach");
    expect_class(MPI_Win_detach(win, &v), MPI_ERR_RMA_ATTACH, "detach of memory not attached");
    expect_class(MPI_Win_shared_query(win, 0, &(MPI_Aint){0}, &(int){0}, &(void *){NULL}),
                 MPI_ERR_RMA_FLAVOR, "shared_query of a dynamic window");
    MPI_Aint addr;
    MPI_Get_address(&mem[3], &addr);
    MPI_Aint *addrs = malloc((size_t)size * sizeof(MPI_Aint));
    MPI_Allgather(&addr, 1, MPI_AINT, addrs, 1, MPI_AINT, MPI_COMM_WORLD);
    if (rank == 0) {
        int two[2] = {1, 2};
        int t = size - 1;
        CHECK_MPI(MPI_Win_lock(MPI_LOCK_EXCLUSIVE, t, 0, win));
        CHECK_MPI(MPI_Put(two, 2, MPI_INT, t, addrs[t], 2, MPI_INT, win));
        expect_class(MPI_Win_unlock(t, win), MPI_ERR_RMA_RANGE, "put past attached memory");
        /* A get there: the flush (which has nothing else to ask) reports it. */
        CHECK_MPI(MPI_Win_lock(MPI_LOCK_SHARED, t, 0, win));
        CHECK_MPI(MPI_Get(two, 2, MPI_INT, t, addrs[t], 2, MPI_INT, win));
        expect_class(MPI_Win_flush(t, win), MPI_ERR_RMA_RANGE, "get past attached memory");
        CHECK_MPI(MPI_Win_unlock(t, win));
    }
    MPI_Barrier(MPI_COMM_WORLD);
    CHECK_MPI(MPI_Win_detach(win, mem));
    CHECK_MPI(MPI_Win_free(&win));
    free(addrs);
    MPI_Finalize();
    return mpt_finish(rank);
}
