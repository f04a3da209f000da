/*
 * MPI_THREAD_MULTIPLE: a thread blocked in MPI_Recv must not keep the other threads of its rank
 * out of MPI. Per round, a waiter thread blocks on a message to itself and on an echo from its
 * right neighbour; an echo thread answers its left neighbour; the main thread sends both
 * messages only after a pause (so the waiter is asleep by then). Eager and rendezvous sizes;
 * also at one process, where the neighbour is the rank itself. Usage: block ROUNDS
 */
#include "mttest.h"

#define SMALL 8
#define LARGE (40 * 1024) /* elements (160 KiB): rendezvous */
#define TAG_SELF 1
#define TAG_PING 2
#define TAG_ECHO 3

static int rank, size, rounds;

static int len_of(int round)
{
    return round % 2 ? LARGE : SMALL;
}

/* Blocks on the message the main thread sends to this rank, then on the echo of the ping. */
static void *waiter(void *arg)
{
    (void)arg;
    int right = (rank + 1) % size;
    uint32_t *buf = malloc(LARGE * sizeof(uint32_t));
    mt_check_not_main(0);
    for (int r = 0; r < rounds; r++) {
        MPI_Status st;
        int count = -1;
        MT_MPI(MPI_Recv(buf, LARGE, MPI_UINT32_T, rank, TAG_SELF, MPI_COMM_WORLD, &st));
        MPI_Get_count(&st, MPI_UINT32_T, &count);
        MPT_CHECK(count == len_of(r), "round %d: %d elements to self, expected %d", r, count,
                  len_of(r));
        mt_check(buf, (size_t)count, rank, 0, r);
        MT_MPI(MPI_Recv(buf, LARGE, MPI_UINT32_T, right, TAG_ECHO, MPI_COMM_WORLD, &st));
        MPI_Get_count(&st, MPI_UINT32_T, &count);
        MPT_CHECK(count == len_of(r), "round %d: echo of %d elements, expected %d", r, count,
                  len_of(r));
        mt_check(buf, (size_t)count, rank, 1, r); /* our own ping, come back */
    }
    free(buf);
    return NULL;
}

/* Sends back to the left neighbour every ping it gets from there. */
static void *echo(void *arg)
{
    (void)arg;
    int left = (rank + size - 1) % size;
    uint32_t *buf = malloc(LARGE * sizeof(uint32_t));
    mt_check_not_main(1);
    for (int r = 0; r < rounds; r++) {
        MPI_Status st;
        int count = -1;
        MT_MPI(MPI_Recv(buf, LARGE, MPI_UINT32_T, left, TAG_PING, MPI_COMM_WORLD, &st));
        MPI_Get_count(&st, MPI_UINT32_T, &count);
        MPT_CHECK(count == len_of(r), "round %d: ping of %d elements, expected %d", r, count,
                  len_of(r));
        mt_check(buf, (size_t)count, left, 1, r);
        MT_MPI(MPI_Send(buf, count, MPI_UINT32_T, left, TAG_ECHO, MPI_COMM_WORLD));
    }
    free(buf);
    return NULL;
}

int main(int argc, char **argv)
{
    rank = mt_init(&argc, &argv);
    if (argc != 2) {
        fprintf(stderr, "usage: block ROUNDS\n");
        MPI_Abort(MPI_COMM_WORLD, 2);
    }
    rounds = (int)mpt_parse_long(argv[1], "ROUNDS");
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int right = (rank + 1) % size;
    pthread_t tw, te;
    if (pthread_create(&tw, NULL, waiter, NULL) != 0 || pthread_create(&te, NULL, echo, NULL)) {
        fprintf(stderr, "pthread_create failed\n");
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    uint32_t *self = malloc(LARGE * sizeof(uint32_t)), *ping = malloc(LARGE * sizeof(uint32_t));
    for (int r = 0; r < rounds; r++) {
        mpt_sleep_ms(r < 4 ? 30 : 2); /* long enough for the waiter to sleep, at first */
        mt_fill(self, (size_t)len_of(r), rank, 0, r);
        mt_fill(ping, (size_t)len_of(r), rank, 1, r);
        /* Blocking sends: the one to self completes only through the waiter's receive. */
        MT_MPI(MPI_Send(self, len_of(r), MPI_UINT32_T, rank, TAG_SELF, MPI_COMM_WORLD));
        MT_MPI(MPI_Send(ping, len_of(r), MPI_UINT32_T, right, TAG_PING, MPI_COMM_WORLD));
    }
    pthread_join(tw, NULL);
    pthread_join(te, NULL);
    free(self);
    free(ping);
    MT_MPI(MPI_Finalize());
    return mpt_finish(rank);
}
