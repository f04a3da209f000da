/*
 * MPI_THREAD_MULTIPLE with ports: rank 0 opens one port and T threads accept on it at once
 * (each over MPI_COMM_SELF, size-1 times); every thread of every other rank connects to it at
 * once. Each connection carries the client's (rank, thread) and the server's answer; every
 * client is accepted exactly once. Usage: ports [T] (default 3).
 */
#include <mpi.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "mttest.h"

static char port[MPI_MAX_PORT_NAME];
static int nranks, nthreads, myrank;
static int *seen; /* rank 0: accepted clients, by rank * nthreads + thread */
static pthread_mutex_t seen_lock = PTHREAD_MUTEX_INITIALIZER;

static void *server(void *arg)
{
    int t = *(int *)arg;
    mt_check_not_main(t);
    for (int i = 0; i < nranks - 1; i++) {
        MPI_Comm inter;
        int who[2] = {-1, -1};
        MT_MPI(MPI_Comm_accept(port, MPI_INFO_NULL, 0, MPI_COMM_SELF, &inter));
        MT_MPI(MPI_Recv(who, 2, MPI_INT, 0, 1, inter, MPI_STATUS_IGNORE));
        int ok = who[0] > 0 && who[0] < nranks && who[1] >= 0 && who[1] < nthreads;
        MPT_CHECK(ok, "thread %d: client (%d, %d) is no client", t, who[0], who[1]);
        if (ok) {
            pthread_mutex_lock(&seen_lock);
            seen[who[0] * nthreads + who[1]]++;
            pthread_mutex_unlock(&seen_lock);
        }
        int back = who[0] * 100 + who[1];
        MT_MPI(MPI_Send(&back, 1, MPI_INT, 0, 2, inter));
        MT_MPI(MPI_Comm_disconnect(&inter));
    }
    return NULL;
}

static void *client(void *arg)
{
    int t = *(int *)arg;
    mt_check_not_main(t);
    MPI_Comm inter;
    int me[2] = {myrank, t}, back = -1;
    MT_MPI(MPI_Comm_connect(port, MPI_INFO_NULL, 0, MPI_COMM_SELF, &inter));
    MT_MPI(MPI_Send(me, 2, MPI_INT, 0, 1, inter));
    MT_MPI(MPI_Recv(&back, 1, MPI_INT, 0, 2, inter, MPI_STATUS_IGNORE));
    MPT_CHECK(back == myrank * 100 + t, "thread %d: answer %d, expected %d", t, back,
              myrank * 100 + t);
    MT_MPI(MPI_Comm_disconnect(&inter));
    return NULL;
}

int main(int argc, char **argv)
{
    myrank = mt_init(&argc, &argv);
    MPI_Comm_size(MPI_COMM_WORLD, &nranks);
    nthreads = argc > 1 ? atoi(argv[1]) : 3;
    if (nthreads < 1 || nthreads > MT_THREADS_MAX) {
        nthreads = 3;
    }
    int ids[MT_THREADS_MAX];
    for (int t = 0; t < MT_THREADS_MAX; t++) {
        ids[t] = t;
    }
    if (myrank == 0) {
        MT_MPI(MPI_Open_port(MPI_INFO_NULL, port));
    }
    MT_MPI(MPI_Bcast(port, MPI_MAX_PORT_NAME, MPI_CHAR, 0, MPI_COMM_WORLD));
    seen = calloc((size_t)(nranks * nthreads), sizeof(int));
    if (nranks > 1) {
        mt_run(nthreads, myrank == 0 ? server : client, ids, sizeof(ids[0]));
    }
    if (myrank == 0) {
        for (int i = nthreads; i < nranks * nthreads; i++) {
            MPT_CHECK(seen[i] == 1, "client (%d, %d) accepted %d times", i / nthreads, i % nthreads,
                      seen[i]);
        }
    }
    MT_MPI(MPI_Barrier(MPI_COMM_WORLD));
    if (myrank == 0) {
        MT_MPI(MPI_Close_port(port));
    }
    free(seen);
    MPI_Finalize();
    return mpt_finish(myrank);
}
