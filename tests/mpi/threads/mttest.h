/*
 * Helpers shared by the MPI_THREAD_MULTIPLE tests in tests/mpi/threads/: start MPI at
 * MPI_THREAD_MULTIPLE and check what the thread calls say, run T threads and join them, and
 * a data pattern per (source, thread, message, index). Standard MPI + POSIX threads.
 */
#ifndef MTTEST_H
#define MTTEST_H

#include "../env/mptest.h"

#include <mpi.h>
#include <pthread.h>
#include <stdint.h>

#define MT_THREADS_MAX 8

/* Checks that an MPI call returned MPI_SUCCESS; otherwise counts a failure naming the call. */
#define MT_MPI(call)                                                                               \
    do {                                                                                           \
        int mt_rc_ = (call);                                                                       \
        if (mt_rc_ != MPI_SUCCESS) {                                                               \
            mpt_fail(__FILE__, __LINE__, "%s returned %d", #call, mt_rc_);                         \
        }                                                                                          \
    } while (0)

/* The value of element i of message seq from rank src's thread t: every one differs. */
static inline uint32_t mt_value(int src, int t, int seq, size_t i)
{
    uint64_t x = ((uint64_t)src << 48) ^ ((uint64_t)t << 40) ^ ((uint64_t)seq << 24) ^ i;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return (uint32_t)(x ^ (x >> 31));
}

static inline void mt_fill(uint32_t *buf, size_t n, int src, int t, int seq)
{
    for (size_t i = 0; i < n; i++) {
        buf[i] = mt_value(src, t, seq, i);
    }
}

/* Counts one failure for the first wrong element of a received message. */
static inline void mt_check(const uint32_t *buf, size_t n, int src, int t, int seq)
{
    for (size_t i = 0; i < n; i++) {
        if (buf[i] != mt_value(src, t, seq, i)) {
            MPT_CHECK(0, "thread %d: message %d from rank %d: element %zu is %u, expected %u", t,
                      seq, src, i, buf[i], mt_value(src, t, seq, i));
            return;
        }
    }
}

/* MPI_Init_thread at MPI_THREAD_MULTIPLE; checks provided and MPI_Query_thread, and that this
 * thread is the main one. Returns the world rank (also set for messages). */
static inline int mt_init(int *argc, char ***argv)
{
    int provided = -1, queried = -1, is_main = -1, rank = -1;
    if (MPI_Init_thread(argc, argv, MPI_THREAD_MULTIPLE, &provided) != MPI_SUCCESS) {
        fprintf(stderr, "MPI_Init_thread(MPI_THREAD_MULTIPLE) failed\n");
        exit(1);
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    mpt_set_rank(rank);
    MPT_CHECK(provided == MPI_THREAD_MULTIPLE, "provided %d, not MPI_THREAD_MULTIPLE", provided);
    MT_MPI(MPI_Query_thread(&queried));
    MPT_CHECK(queried == MPI_THREAD_MULTIPLE, "MPI_Query_thread gave %d", queried);
    MT_MPI(MPI_Is_thread_main(&is_main));
    MPT_CHECK(is_main == 1, "MPI_Is_thread_main in the main thread: %d", is_main);
    return rank;
}

/* Checks, in a thread the program started, that MPI does not call it the main thread. */
static inline void mt_check_not_main(int t)
{
    int is_main = -1;
    MT_MPI(MPI_Is_thread_main(&is_main));
    MPT_CHECK(is_main == 0, "thread %d: MPI_Is_thread_main says %d", t, is_main);
}

/* Runs fn(&args[t]) in nthreads threads at once and waits for them all. */
static inline void mt_run(int nthreads, void *(*fn)(void *), void *args, size_t arg_size)
{
    pthread_t th[MT_THREADS_MAX];
    for (int t = 0; t < nthreads; t++) {
        if (pthread_create(&th[t], NULL, fn, (char *)args + (size_t)t * arg_size) != 0) {
            MPT_CHECK(0, "pthread_create failed for thread %d", t);
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
    }
    for (int t = 0; t < nthreads; t++) {
        pthread_join(th[t], NULL);
    }
}

#endif
