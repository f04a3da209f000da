/*
 * Helpers shared by the MPI test programs in tests/mpi/: error counting with the MPICH
 * convention (rank 0 prints "No Errors"), strict argument parsing, sleeping. Standard C + POSIX.
 */
#ifndef MPTEST_H
#define MPTEST_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The number of failed checks so far in this process. */
static inline int *mpt_errs_p(void)
{
    static int errs;
    return &errs;
}

/* The world rank to print in messages; -1 until mpt_set_rank is called. */
static inline int *mpt_rank_p(void)
{
    static int rank = -1;
    return &rank;
}

static inline void mpt_set_rank(int rank)
{
    *mpt_rank_p() = rank;
}

/* Counts one failed check and says on stderr which one, where, and with what values. */
__attribute__((format(printf, 3, 4))) static inline void mpt_fail(const char *file, int line,
                                                                  const char *fmt, ...)
{
    char msg[1024];
    va_list ap;

    (*mpt_errs_p())++;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    /* One call, so that the line reaches stderr whole. */
    fprintf(stderr, "rank %d: %s:%d: %s\n", *mpt_rank_p(), file, line, msg);
    fflush(stderr);
}

/* Checks a condition; on failure counts it and prints the message (printf format). */
#define MPT_CHECK(cond, ...)                                                                       \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            mpt_fail(__FILE__, __LINE__, __VA_ARGS__);                                             \
        }                                                                                          \
    } while (0)

/* Checks that an MPI call returned MPI_SUCCESS (needs <mpi.h> where it is used). */
#define CHECK_RC(call)                                                                             \
    do {                                                                                           \
        int rc_ = (call);                                                                          \
        MPT_CHECK(rc_ == MPI_SUCCESS, "%s returned %d", #call, rc_);                               \
    } while (0)

/* Checks that an MPI call failed with an error of class want (the handler must return). */
#define EXPECT_CLASS(call, want)                                                                   \
    do {                                                                                           \
        int rc_ = (call), class_ = -1;                                                             \
        MPI_Error_class(rc_, &class_);                                                             \
        MPT_CHECK(rc_ != MPI_SUCCESS && class_ == (want), "%s gave class %d, expected %d (%s)",    \
                  #call, class_, (want), #want);                                                   \
    } while (0)

/*
 * Ends a self-checking program: rank 0 prints "No Errors" when this process found none.
 * Returns the exit status for main (0 or 1). Callable after MPI_Finalize.
 */
static inline int mpt_finish(int rank)
{
    int errs = *mpt_errs_p();

    if (errs != 0) {
        fprintf(stderr, "rank %d: Found %d errors\n", rank, errs);
        return 1;
    }
    if (rank == 0) {
        printf("No Errors\n");
    }
    fflush(stdout);
    return 0;
}

/* Parses a whole decimal integer or exits with status 2 and a message naming the argument. */
static inline long mpt_parse_long(const char *s, const char *what)
{
    char *end = NULL;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0') {
        fprintf(stderr, "bad %s '%s': expected an integer\n", what, s);
        exit(2);
    }
    return v;
}

/* Sleeps for ms milliseconds, resuming after signal handlers. */
static inline void mpt_sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* Prints "rank R of N pid P" on stdout at once, so that scripts learn the ranks' pids. */
static inline void mpt_announce(int rank, int size)
{
    printf("rank %d of %d pid %ld\n", rank, size, (long)getpid());
    fflush(stdout);
}

#endif /* MPTEST_H */
