/*
 * Checks the environment calls that need no communication: the init/finalize state, rank and
 * size, versions, processor name, timers and error strings. Usage: init_basic [expected_size].
 */
#include "mptest.h"

#include <mpi.h>

/* The time of CLOCK_MONOTONIC in seconds, to judge MPI_Wtime against. */
static double mono_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void check_state(int want_initialized, int want_finalized, const char *when)
{
    int flag = -1;

    MPT_CHECK(MPI_Initialized(&flag) == MPI_SUCCESS, "MPI_Initialized failed %s", when);
    MPT_CHECK(flag == want_initialized, "MPI_Initialized %s: flag %d, expected %d", when, flag,
              want_initialized);
    flag = -1;
    MPT_CHECK(MPI_Finalized(&flag) == MPI_SUCCESS, "MPI_Finalized failed %s", when);
    MPT_CHECK(flag == want_finalized, "MPI_Finalized %s: flag %d, expected %d", when, flag,
              want_finalized);
}

/* MPI_Get_version and MPI_Get_library_version may be called at any time. */
static void check_versions(const char *when)
{
    static char lib[MPI_MAX_LIBRARY_VERSION_STRING];
    int version = -1, subversion = -1, len = -1;
    size_t n;

    MPT_CHECK(MPI_Get_version(&version, &subversion) == MPI_SUCCESS, "MPI_Get_version failed");
    MPT_CHECK(version == MPI_VERSION && subversion == MPI_SUBVERSION,
              "MPI_Get_version %s: %d.%d, but mpi.h says %d.%d", when, version, subversion,
              MPI_VERSION, MPI_SUBVERSION);
#if !defined(OPEN_MPI) && !defined(MPICH_VERSION)
    /* libmp follows MPI 5.0; the peers used to validate these programs follow older ones. */
    MPT_CHECK(version == 5 && subversion == 0, "MPI_Get_version %s: %d.%d, expected 5.0", when,
              version, subversion);
#endif

    memset(lib, 'x', sizeof(lib));
    MPT_CHECK(MPI_Get_library_version(lib, &len) == MPI_SUCCESS, "MPI_Get_library_version failed");
    n = strnlen(lib, sizeof(lib));
    MPT_CHECK(n > 0 && n < sizeof(lib), "library version %s: length %zu, not in [1,%d)", when, n,
              MPI_MAX_LIBRARY_VERSION_STRING);
#if defined(OPEN_MPI)
    /* Open MPI 4 counts the terminating NUL; the standard does not. */
    len -= len == (int)n + 1;
#endif
    MPT_CHECK(len == (int)n, "library version %s: resultlen %d but strlen %zu", when, len, n);
}

static void check_rank_size(int rank, int size, long expected_size)
{
    int self_rank = -1, self_size = -1;

    MPT_CHECK(size >= 1, "MPI_COMM_WORLD size %d", size);
    MPT_CHECK(rank >= 0 && rank < size, "MPI_COMM_WORLD rank %d not in [0,%d)", rank, size);
    if (expected_size > 0) {
        MPT_CHECK(size == expected_size, "MPI_COMM_WORLD size %d, expected %ld", size,
                  expected_size);
    }
    MPT_CHECK(MPI_Comm_rank(MPI_COMM_SELF, &self_rank) == MPI_SUCCESS, "Comm_rank(SELF) failed");
    MPT_CHECK(MPI_Comm_size(MPI_COMM_SELF, &self_size) == MPI_SUCCESS, "Comm_size(SELF) failed");
    MPT_CHECK(self_rank == 0 && self_size == 1, "MPI_COMM_SELF rank %d size %d, expected 0 and 1",
              self_rank, self_size);
}

static void check_processor_name(void)
{
    char name[MPI_MAX_PROCESSOR_NAME];
    int len = -1;
    size_t n;

    memset(name, 'x', sizeof(name));
    MPT_CHECK(MPI_Get_processor_name(name, &len) == MPI_SUCCESS, "Get_processor_name failed");
    n = strnlen(name, sizeof(name));
    MPT_CHECK(n > 0 && n < sizeof(name), "processor name length %zu not in [1,%d)", n,
              MPI_MAX_PROCESSOR_NAME);
    MPT_CHECK(len == (int)n, "processor name: resultlen %d but strlen %zu", len, n);
}

static void check_timers(void)
{
    double tick = MPI_Wtick();
    double w0, w1, m0, m1;

    MPT_CHECK(tick > 0.0 && tick <= 1e-2, "MPI_Wtick %g not in (0, 0.01]", tick);

    w0 = MPI_Wtime();
    m0 = mono_now();
    mpt_sleep_ms(10);
    m1 = mono_now();
    w1 = MPI_Wtime();
    /* The MPI_Wtime interval contains the monotonic one; allow one tick of rounding. */
    MPT_CHECK(m1 - m0 >= 0.0099, "slept %g s, asked for 0.010", m1 - m0);
    MPT_CHECK(w1 - w0 >= (m1 - m0) - tick - 1e-6, "MPI_Wtime advanced %g s across %g s", w1 - w0,
              m1 - m0);
    /* A wrong unit (ms, us) is caught; a descheduling of up to 100 ms is tolerated. */
    MPT_CHECK(w1 - w0 <= (m1 - m0) + 0.1, "MPI_Wtime advanced %g s across %g s", w1 - w0, m1 - m0);
}

static void check_errors(void)
{
    char msg[MPI_MAX_ERROR_STRING];
    int len = -1, cls = -1;
    size_t n;

    memset(msg, 'x', sizeof(msg));
    MPT_CHECK(MPI_Error_string(MPI_ERR_OTHER, msg, &len) == MPI_SUCCESS, "Error_string failed");
    n = strnlen(msg, sizeof(msg));
    MPT_CHECK(n > 0 && n < sizeof(msg), "Error_string(MPI_ERR_OTHER) length %zu", n);
    MPT_CHECK(len == (int)n, "Error_string: resultlen %d but strlen %zu", len, n);
    MPT_CHECK(MPI_Error_class(MPI_ERR_OTHER, &cls) == MPI_SUCCESS, "Error_class failed");
    MPT_CHECK(cls == MPI_ERR_OTHER, "Error_class(MPI_ERR_OTHER) = %d, expected %d", cls,
              MPI_ERR_OTHER);
    MPT_CHECK(MPI_Error_class(MPI_SUCCESS, &cls) == MPI_SUCCESS && cls == MPI_SUCCESS,
              "Error_class(MPI_SUCCESS) = %d", cls);
}

static void check_thread_state(void)
{
    int level = -1, is_main = -1;

    MPT_CHECK(MPI_Query_thread(&level) == MPI_SUCCESS, "MPI_Query_thread failed");
    MPT_CHECK(level == MPI_THREAD_SINGLE || level == MPI_THREAD_FUNNELED ||
                  level == MPI_THREAD_SERIALIZED || level == MPI_THREAD_MULTIPLE,
              "MPI_Query_thread after MPI_Init: %d is not a thread level", level);
    MPT_CHECK(MPI_Is_thread_main(&is_main) == MPI_SUCCESS && is_main,
              "MPI_Is_thread_main in the main thread: %d", is_main);
}

int main(int argc, char **argv)
{
    long expected_size = argc > 1 ? mpt_parse_long(argv[1], "expected size") : 0;
    int rank = -1, size = -1;

    check_state(0, 0, "before MPI_Init");
    check_versions("before MPI_Init");

    if (MPI_Init(&argc, &argv) != MPI_SUCCESS) {
        fprintf(stderr, "MPI_Init failed\n");
        return 1;
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_set_rank(rank);

    check_state(1, 0, "after MPI_Init");
    check_rank_size(rank, size, expected_size);
    check_versions("after MPI_Init");
    check_processor_name();
    check_timers();
    check_errors();
    check_thread_state();

    MPT_CHECK(MPI_Finalize() == MPI_SUCCESS, "MPI_Finalize failed");
    check_state(1, 1, "after MPI_Finalize");
    check_versions("after MPI_Finalize");
    return mpt_finish(rank);
}
