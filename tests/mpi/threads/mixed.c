/*
 * Processes of one job at different thread levels (the standard lets each ask for its own): the
 * ranks chosen by PATTERN start at MPI_THREAD_MULTIPLE, the others at MPI_THREAD_SINGLE, and all
 * run blocking and nonblocking collectives together on MPI_COMM_WORLD, a duplicate and a split,
 * every value checked, while a second thread of each MPI_THREAD_MULTIPLE rank exchanges messages
 * with itself. Usage: mixed PATTERN, where PATTERN is "even" (even job ranks at MULTIPLE) or
 * "first" (job rank 0 only). The job rank comes from the launcher's environment (PMIX_RANK,
 * PMI_RANK or OMPI_COMM_WORLD_RANK), as MPI cannot tell it before MPI_Init_thread.
 */
#include "mttest.h"

#include <stdatomic.h>
#include <string.h>

static atomic_int side_stop;

/* A second thread of a MPI_THREAD_MULTIPLE rank: messages to itself on its own communicator,
 * inside MPI at the same time as the main thread's collectives. */
static void *side(void *p)
{
    MPI_Comm self = *(MPI_Comm *)p;
    for (int seq = 0; !atomic_load(&side_stop); seq++) {
        uint32_t out[32], in[32];
        mt_fill(out, 32, 0, 1, seq);
        MT_MPI(MPI_Sendrecv(out, 32, MPI_UINT32_T, 0, seq & 0x7fff, in, 32, MPI_UINT32_T, 0,
                            seq & 0x7fff, self, MPI_STATUS_IGNORE));
        mt_check(in, 32, 0, 1, seq);
        usleep(200); /* in MPI now and then, without taking a core from the ranks */
    }
    return NULL;
}

static int job_rank(void)
{
    static const char *const vars[] = {"PMIX_RANK", "PMI_RANK", "OMPI_COMM_WORLD_RANK"};
    for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
        const char *v = getenv(vars[i]);
        if (v != NULL && *v != '\0') {
            return atoi(v);
        }
    }
    return -1;
}

static int value(int rank, int it, size_t i)
{
    return (int)(mt_value(rank, it, 7, i) & 0xffffff);
}

/* Blocking and nonblocking collectives on comm, n ints each way, every value checked. */
static void collectives(MPI_Comm comm, int n, int it)
{
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    int *a = malloc((size_t)n * size * sizeof(int));
    int *b = malloc((size_t)n * size * sizeof(int));
    MT_MPI(MPI_Barrier(comm));
    for (int root = 0; root < size; root++) {
        for (int i = 0; i < n; i++) {
            a[i] = rank == root ? value(root, it, (size_t)i) : -1;
        }
        MT_MPI(MPI_Bcast(a, n, MPI_INT, root, comm));
        for (int i = 0; i < n; i++) {
            if (a[i] != value(root, it, (size_t)i)) {
                MPT_CHECK(0, "bcast n %d root %d: [%d] = %d", n, root, i, a[i]);
                break;
            }
        }
        for (int i = 0; i < n; i++) {
            a[i] = rank + i + it;
            b[i] = -1;
        }
        MT_MPI(MPI_Reduce(a, b, n, MPI_INT, MPI_SUM, root, comm));
        for (int i = 0; rank == root && i < n; i++) {
            if (b[i] != size * (size - 1) / 2 + size * (i + it)) {
                MPT_CHECK(0, "reduce n %d root %d: [%d] = %d", n, root, i, b[i]);
                break;
            }
        }
    }
    for (int i = 0; i < n; i++) {
        a[i] = rank * 3 + i + it;
    }
    MT_MPI(MPI_Allreduce(a, b, n, MPI_INT, MPI_MAX, comm));
    for (int i = 0; i < n; i++) {
        if (b[i] != (size - 1) * 3 + i + it) {
            MPT_CHECK(0, "allreduce n %d: [%d] = %d", n, i, b[i]);
            break;
        }
    }
    for (int i = 0; i < n; i++) {
        a[i] = value(rank, it, (size_t)i);
    }
    MT_MPI(MPI_Allgather(a, n, MPI_INT, b, n, MPI_INT, comm));
    for (int r = 0; r < size; r++) {
        for (int i = 0; i < n; i++) {
            if (b[r * n + i] != value(r, it, (size_t)i)) {
                MPT_CHECK(0, "allgather n %d: block %d [%d] = %d", n, r, i, b[r * n + i]);
                r = size;
                break;
            }
        }
    }
    for (int r = 0; r < size; r++) {
        for (int i = 0; i < n; i++) {
            a[r * n + i] = value(rank, it, (size_t)(r * n + i));
        }
    }
    MT_MPI(MPI_Alltoall(a, n, MPI_INT, b, n, MPI_INT, comm));
    for (int r = 0; r < size; r++) {
        for (int i = 0; i < n; i++) {
            if (b[r * n + i] != value(r, it, (size_t)(rank * n + i))) {
                MPT_CHECK(0, "alltoall n %d: block %d [%d] = %d", n, r, i, b[r * n + i]);
                r = size;
                break;
            }
        }
    }
    /* A nonblocking one in between, then a blocking one after it. */
    MPI_Request rq;
    int x = rank + it, sum = -1;
    MT_MPI(MPI_Iallreduce(&x, &sum, 1, MPI_INT, MPI_SUM, comm, &rq));
    MT_MPI(MPI_Wait(&rq, MPI_STATUS_IGNORE));
    MPT_CHECK(sum == size * (size - 1) / 2 + size * it, "iallreduce: %d", sum);
    MT_MPI(MPI_Barrier(comm));
    free(a);
    free(b);
}

int main(int argc, char **argv)
{
    if (argc != 2 || (strcmp(argv[1], "even") != 0 && strcmp(argv[1], "first") != 0)) {
        fprintf(stderr, "usage: mixed even|first\n");
        return 2;
    }
    int jr = job_rank();
    int multiple = jr < 0 || (strcmp(argv[1], "even") == 0 ? jr % 2 == 0 : jr == 0);
    int required = multiple ? MPI_THREAD_MULTIPLE : MPI_THREAD_SINGLE, provided = -1;
    if (MPI_Init_thread(&argc, &argv, required, &provided) != MPI_SUCCESS) {
        fprintf(stderr, "MPI_Init_thread failed\n");
        return 1;
    }
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_set_rank(rank);
    if (jr < 0 && rank == 0) {
        printf("note: no job rank in the environment; every rank asked for MPI_THREAD_MULTIPLE\n");
    }
    MPT_CHECK(jr < 0 || jr == rank, "job rank %d from the environment, %d from MPI", jr, rank);
    MPT_CHECK(provided == required, "asked for %d, provided %d", required, provided);

    pthread_t th;
    MPI_Comm self = MPI_COMM_NULL;
    if (multiple) {
        MT_MPI(MPI_Comm_dup(MPI_COMM_SELF, &self));
        if (pthread_create(&th, NULL, side, &self) != 0) {
            MPT_CHECK(0, "pthread_create failed");
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
    }
    MPI_Comm dup, half;
    MT_MPI(MPI_Comm_dup(MPI_COMM_WORLD, &dup));
    MT_MPI(MPI_Comm_split(MPI_COMM_WORLD, rank % 2, size - rank, &half));
    /* 1 int (inline in a post), 4 KiB, 48 KiB (over a slot), 256 KiB (single copy or pieces) */
    static const int counts[] = {1, 1024, 12 * 1024, 64 * 1024};
    for (int it = 0; it < 3; it++) {
        for (size_t c = 0; c < sizeof(counts) / sizeof(counts[0]); c++) {
            collectives(MPI_COMM_WORLD, counts[c], it);
            collectives(dup, counts[c], it);
            collectives(half, counts[c], it);
        }
    }
    MT_MPI(MPI_Comm_free(&half));
    MT_MPI(MPI_Comm_free(&dup));
    if (multiple) {
        atomic_store(&side_stop, 1);
        pthread_join(th, NULL);
        MT_MPI(MPI_Comm_free(&self));
    }
    MPI_Finalize();
    return mpt_finish(rank);
}
