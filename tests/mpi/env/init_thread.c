/*
 * Checks MPI_Init_thread for one requested level, MPI_Query_thread and MPI_Is_thread_main in
 * the main thread and in another one. Usage: init_thread single|funneled|serialized|multiple.
 */
#include "mptest.h"

#include <mpi.h>
#include <pthread.h>

struct level_name {
    const char *name;
    int level;
};

static const struct level_name levels[] = {
    {"single", MPI_THREAD_SINGLE},
    {"funneled", MPI_THREAD_FUNNELED},
    {"serialized", MPI_THREAD_SERIALIZED},
    {"multiple", MPI_THREAD_MULTIPLE},
};

static int level_from_name(const char *name)
{
    for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
        if (strcmp(levels[i].name, name) == 0) {
            return levels[i].level;
        }
    }
    fprintf(stderr, "bad thread level '%s': expected single, funneled, serialized or multiple\n",
            name);
    exit(2);
}

static int is_valid_level(int level)
{
    return level == MPI_THREAD_SINGLE || level == MPI_THREAD_FUNNELED ||
           level == MPI_THREAD_SERIALIZED || level == MPI_THREAD_MULTIPLE;
}

/* Runs in a second thread while the main thread waits in pthread_join (calls serialized). */
static void *thread_main_check(void *arg)
{
    int *flag_p = arg;

    if (MPI_Is_thread_main(flag_p) != MPI_SUCCESS) {
        *flag_p = -2;
    }
    return NULL;
}

int main(int argc, char **argv)
{
    int required, provided = -1, queried = -1, is_main = -1, other_is_main = -1, rank = -1;
    pthread_t thread;

    if (argc != 2) {
        fprintf(stderr, "usage: %s single|funneled|serialized|multiple\n", argv[0]);
        return 2;
    }
    required = level_from_name(argv[1]);

    if (MPI_Init_thread(&argc, &argv, required, &provided) != MPI_SUCCESS) {
        fprintf(stderr, "MPI_Init_thread(%s) failed\n", argv[1]);
        return 1;
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    mpt_set_rank(rank);

    MPT_CHECK(is_valid_level(provided), "requested %s, provided %d: not a thread level", argv[1],
              provided);
    /* libmp gives every level it is asked for, MPI_THREAD_MULTIPLE included. */
    MPT_CHECK(provided == required, "requested %s (%d), provided %d", argv[1], required, provided);
    MPT_CHECK(MPI_Query_thread(&queried) == MPI_SUCCESS, "MPI_Query_thread failed");
    MPT_CHECK(queried == provided, "MPI_Query_thread %d, but MPI_Init_thread provided %d", queried,
              provided);

    MPT_CHECK(MPI_Is_thread_main(&is_main) == MPI_SUCCESS, "MPI_Is_thread_main failed");
    MPT_CHECK(is_main == 1, "MPI_Is_thread_main in the main thread: %d", is_main);
    /* Only from MPI_THREAD_SERIALIZED on may another thread call MPI at all. */
    if (provided >= MPI_THREAD_SERIALIZED) {
        if (pthread_create(&thread, NULL, thread_main_check, &other_is_main) != 0) {
            MPT_CHECK(0, "pthread_create failed");
        } else {
            pthread_join(thread, NULL);
            MPT_CHECK(other_is_main == 0, "MPI_Is_thread_main in another thread: %d",
                      other_is_main);
        }
    }

    MPT_CHECK(MPI_Finalize() == MPI_SUCCESS, "MPI_Finalize failed");
    return mpt_finish(rank);
}
