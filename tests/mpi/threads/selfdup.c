/*
 * Communicators of this process alone made while other threads' agreements wait for other
 * processes: in each of T threads (thread t owns a duplicate of MPI_COMM_WORLD), one thread per
 * rank starts late; every thread duplicates MPI_COMM_SELF, then its own communicator. A thread
 * duplicating its communicator waits for the same thread on the other ranks, which may still be
 * in its MPI_COMM_SELF duplicate: that one must not wait for the first (MPICH's
 * threads/comm/comm_dup_deadlock). Every new communicator is used (a sum over it). Usage:
 * selfdup THREADS ROUNDS
 */
#include "mttest.h"

#include <time.h>

typedef struct targ {
    int t, rounds, rank, size;
    MPI_Comm comm;
} targ_t;

static pthread_mutex_t user_lock = PTHREAD_MUTEX_INITIALIZER;

static void sum_check(MPI_Comm comm, int expect_size, const char *what, int t)
{
    int size = -1, rank = -1, sum = -1;
    MT_MPI(MPI_Comm_size(comm, &size));
    MT_MPI(MPI_Comm_rank(comm, &rank));
    MT_MPI(MPI_Allreduce(&rank, &sum, 1, MPI_INT, MPI_SUM, comm));
    MPT_CHECK(size == expect_size && sum == size * (size - 1) / 2,
              "thread %d: %s has size %d (expected %d), sum of ranks %d", t, what, size,
              expect_size, sum);
}

static void *worker(void *p)
{
    const targ_t *a = p;
    mt_check_not_main(a->t);
    for (int r = 0; r < a->rounds; r++) {
        if (a->t == (a->rank + r) % 2) {
            struct timespec late = {0, 200 * 1000 * 1000};
            nanosleep(&late, NULL);
        }
        MPI_Comm self_dup = MPI_COMM_NULL, dup = MPI_COMM_NULL;
        /* The program's own lock around the MPI_COMM_SELF duplicate, as in MPICH's test: a
         * duplicate that waited for another thread's agreement would hold it for as long. */
        pthread_mutex_lock(&user_lock);
        MT_MPI(MPI_Comm_dup(MPI_COMM_SELF, &self_dup));
        pthread_mutex_unlock(&user_lock);
        sum_check(self_dup, 1, "the MPI_COMM_SELF duplicate", a->t);
        MT_MPI(MPI_Comm_dup(a->comm, &dup));
        sum_check(dup, a->size, "the duplicate of its communicator", a->t);
        MT_MPI(MPI_Comm_free(&self_dup));
        MT_MPI(MPI_Comm_free(&dup));
    }
    return NULL;
}

int main(int argc, char **argv)
{
    int rank = mt_init(&argc, &argv);
    int nthreads = argc > 1 ? (int)mpt_parse_long(argv[1], "THREADS") : 2;
    int rounds = argc > 2 ? (int)mpt_parse_long(argv[2], "ROUNDS") : 2;
    if (nthreads < 2 || nthreads > MT_THREADS_MAX) {
        fprintf(stderr, "THREADS must be 2..%d\n", MT_THREADS_MAX);
        return 2;
    }
    int size = 0;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    targ_t args[MT_THREADS_MAX];
    for (int t = 0; t < nthreads; t++) {
        args[t] = (targ_t){.t = t, .rounds = rounds, .rank = rank, .size = size};
        MT_MPI(MPI_Comm_dup(MPI_COMM_WORLD, &args[t].comm));
    }
    mt_run(nthreads, worker, args, sizeof(args[0]));
    for (int t = 0; t < nthreads; t++) {
        MT_MPI(MPI_Comm_free(&args[t].comm));
    }
    MPI_Finalize();
    return mpt_finish(rank);
}
