/*
 * MPI_THREAD_MULTIPLE: T threads per rank, each with its own duplicate of MPI_COMM_WORLD (made
 * in order by the main thread: collectives on one communicator must not run concurrently), run
 * collectives on them concurrently (blocking and nonblocking), duplicate their communicator and
 * free the duplicates in a loop (agreements on context ids at the same time), and take messages
 * with MPI_Mprobe/MPI_Improbe + MPI_Mrecv (the thread-safe probes). Every value is checked.
 * Usage: coll THREADS ITERATIONS
 */
#include "mttest.h"

#include <stdbool.h>

#define BIG 5000 /* elements of the large allreduce and bcast */

typedef struct targ {
    int t, rank, size, iters;
    MPI_Comm comm; /* the thread's own */
} targ_t;

static void collectives(const targ_t *a, MPI_Comm comm)
{
    int n = a->size, me = a->rank, t = a->t;
    int *in = malloc(BIG * sizeof(int)), *out = malloc(BIG * sizeof(int));
    int *all = malloc((size_t)n * 2 * sizeof(int)), *got = malloc((size_t)n * 2 * sizeof(int));
    for (int it = 0; it < a->iters; it++) {
        int x = me * 100 + t * 10 + it, sum = -1;
        MT_MPI(MPI_Allreduce(&x, &sum, 1, MPI_INT, MPI_SUM, comm));
        int expect = 100 * n * (n - 1) / 2 + n * (t * 10 + it);
        MPT_CHECK(sum == expect, "thread %d iter %d: allreduce %d, expected %d", t, it, sum,
                  expect);

        for (int i = 0; i < BIG; i++) {
            in[i] = i + me + t;
        }
        MT_MPI(MPI_Allreduce(in, out, BIG, MPI_INT, MPI_MAX, comm));
        for (int i = 0; i < BIG; i++) {
            if (out[i] != i + n - 1 + t) {
                MPT_CHECK(0, "thread %d: max[%d] = %d, expected %d", t, i, out[i], i + n - 1 + t);
                break;
            }
        }

        int root = it % n;
        for (int i = 0; i < BIG; i++) {
            out[i] = me == root ? i * 3 + t + it : -1;
        }
        MT_MPI(MPI_Bcast(out, BIG, MPI_INT, root, comm));
        for (int i = 0; i < BIG; i++) {
            if (out[i] != i * 3 + t + it) {
                MPT_CHECK(0, "thread %d: bcast[%d] = %d, expected %d", t, i, out[i],
                          i * 3 + t + it);
                break;
            }
        }

        MT_MPI(MPI_Barrier(comm));
        int mine[2] = {me, t * 1000 + it};
        MT_MPI(MPI_Allgather(mine, 2, MPI_INT, got, 2, MPI_INT, comm));
        for (int p = 0; p < n; p++) {
            MPT_CHECK(got[2 * p] == p && got[2 * p + 1] == t * 1000 + it,
                      "thread %d: allgather from %d: %d %d", t, p, got[2 * p], got[2 * p + 1]);
        }
        for (int p = 0; p < n; p++) {
            all[p] = me * n + p + t;
        }
        MT_MPI(MPI_Alltoall(all, 1, MPI_INT, got, 1, MPI_INT, comm));
        for (int p = 0; p < n; p++) {
            MPT_CHECK(got[p] == p * n + me + t, "thread %d: alltoall from %d: %d, expected %d", t,
                      p, got[p], p * n + me + t);
        }
        MPI_Request req;
        int prod = 0, one = t + 1;
        MT_MPI(MPI_Iallreduce(&one, &prod, 1, MPI_INT, MPI_PROD, comm, &req));
        MT_MPI(MPI_Wait(&req, MPI_STATUS_IGNORE));
        int pexp = 1;
        for (int p = 0; p < n; p++) {
            pexp *= t + 1;
        }
        MPT_CHECK(prod == pexp, "thread %d: iallreduce prod %d, expected %d", t, prod, pexp);
    }
    free(in);
    free(out);
    free(all);
    free(got);
}

/* Duplicates and frees, checking that the duplicate is a working copy. */
static void dup_free(const targ_t *a, MPI_Comm comm)
{
    for (int it = 0; it < a->iters; it++) {
        MPI_Comm d = MPI_COMM_NULL;
        int result = -1, x = a->t + it, y = -1;
        MT_MPI(MPI_Comm_dup(comm, &d));
        MT_MPI(MPI_Comm_compare(comm, d, &result));
        MPT_CHECK(result == MPI_CONGRUENT, "thread %d: dup compares %d", a->t, result);
        MT_MPI(MPI_Allreduce(&x, &y, 1, MPI_INT, MPI_MIN, d));
        MPT_CHECK(y == x, "thread %d: min %d on the dup, expected %d", a->t, y, x);
        MT_MPI(MPI_Comm_free(&d));
    }
}

/* Every rank sends each rank a few messages of sizes 1..; taken with Mprobe or Improbe. */
static void probes(const targ_t *a, MPI_Comm comm)
{
    int n = a->size, msgs = 4 * n;
    int *sbuf = malloc(4 * (size_t)n * 64 * sizeof(int));
    MPI_Request *req = malloc(4 * (size_t)n * sizeof(*req));
    for (int k = 0; k < 4; k++) {
        for (int p = 0; p < n; p++) {
            int i = k * n + p, len = 1 + (a->rank + k) % 64;
            for (int j = 0; j < len; j++) {
                sbuf[i * 64 + j] = a->rank * 10000 + k * 100 + j;
            }
            MT_MPI(MPI_Isend(&sbuf[i * 64], len, MPI_INT, p, 7, comm, &req[i]));
        }
    }
    int next[64] = {0};
    for (int m = 0; m < msgs; m++) {
        MPI_Message msg = MPI_MESSAGE_NULL;
        MPI_Status st;
        if (m % 2 == 0) {
            MT_MPI(MPI_Mprobe(MPI_ANY_SOURCE, 7, comm, &msg, &st));
        } else {
            int flag = 0;
            while (!flag) {
                MT_MPI(MPI_Improbe(MPI_ANY_SOURCE, 7, comm, &flag, &msg, &st));
            }
        }
        int count = -1, src = st.MPI_SOURCE, buf[64];
        MPI_Get_count(&st, MPI_INT, &count);
        if (src < 0 || src >= n || src >= 64) {
            MPT_CHECK(0, "thread %d: probe gave source %d", a->t, src);
            continue;
        }
        int k = next[src]++, len = 1 + (src + k) % 64;
        MPT_CHECK(count == len, "thread %d: probe of %d's message %d: %d ints, expected %d", a->t,
                  src, k, count, len);
        MT_MPI(MPI_Mrecv(buf, 64, MPI_INT, &msg, &st));
        MPI_Get_count(&st, MPI_INT, &count);
        for (int j = 0; j < count && j < len; j++) {
            if (buf[j] != src * 10000 + k * 100 + j) {
                MPT_CHECK(0, "thread %d: from %d message %d [%d] = %d", a->t, src, k, j, buf[j]);
                break;
            }
        }
    }
    MT_MPI(MPI_Waitall(msgs, req, MPI_STATUSES_IGNORE));
    free(sbuf);
    free(req);
}

static void *worker(void *p)
{
    targ_t *a = p;
    mt_check_not_main(a->t);
    collectives(a, a->comm);
    dup_free(a, a->comm);
    probes(a, a->comm);
    MT_MPI(MPI_Comm_free(&a->comm));
    MPT_CHECK(a->comm == MPI_COMM_NULL, "thread %d: MPI_Comm_free left the handle", a->t);
    return NULL;
}

int main(int argc, char **argv)
{
    int rank = mt_init(&argc, &argv), size = 0;
    if (argc != 3) {
        fprintf(stderr, "usage: coll THREADS ITERATIONS\n");
        MPI_Abort(MPI_COMM_WORLD, 2);
    }
    int nthreads = (int)mpt_parse_long(argv[1], "THREADS");
    int iters = (int)mpt_parse_long(argv[2], "ITERATIONS");
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (nthreads < 1 || nthreads > MT_THREADS_MAX || size > 64) {
        fprintf(stderr, "coll: 1..%d threads, at most 64 ranks\n", MT_THREADS_MAX);
        MPI_Abort(MPI_COMM_WORLD, 2);
    }
    targ_t args[MT_THREADS_MAX];
    for (int t = 0; t < nthreads; t++) {
        args[t] = (targ_t){.t = t, .rank = rank, .size = size, .iters = iters};
        MT_MPI(MPI_Comm_dup(MPI_COMM_WORLD, &args[t].comm));
    }
    mt_run(nthreads, worker, args, sizeof(targ_t));
    MT_MPI(MPI_Finalize());
    return mpt_finish(rank);
}
