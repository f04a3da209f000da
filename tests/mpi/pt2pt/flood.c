/*
 * Unexpected-message flood: ranks 1..n-1 each send COUNT small messages to rank 0, which for
 * sleep_ms only probes for another tag, then takes them all, checks their order, prints its peak
 * RSS and fails above a bound. Usage: flood [count] [bytes: 0 or 8] [max_rss_mib] [sleep_ms].
 */
#include "p2ptest.h"

#include <sys/resource.h>

/* Tags cycle through 0..TAG_CYCLE-1, so that zero-byte messages carry their order too. */
#define TAG_CYCLE 32768

/*
 * Whether the peak RSS says something about the library: not under AddressSanitizer (its shadow
 * memory and quarantine of freed blocks) nor under valgrind (its own memory counts too).
 */
#if defined(__SANITIZE_ADDRESS__)
#define P2P_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define P2P_ASAN 1
#endif
#endif
#ifndef P2P_ASAN
#define P2P_ASAN 0
#endif

static const char *rss_not_meaningful(void)
{
    const char *preload = getenv("LD_PRELOAD");

    if (P2P_ASAN) {
        return "built with AddressSanitizer";
    }
    if (preload != NULL && strstr(preload, "vgpreload") != NULL) {
        return "running under valgrind";
    }
    return NULL;
}

/* The peak resident set size of this process in MiB. */
static double peak_rss_mib(void)
{
    struct rusage ru;

    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss / 1024.0; /* Linux reports KiB */
}

int main(int argc, char **argv)
{
    long count = 1000000, max_rss = 256, sleep_ms = 1000;
    int bytes = 8, rank, size;
    double t0, t_send, t_recv;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_set_rank(rank);
    if (argc > 1) {
        count = mpt_parse_long(argv[1], "message count");
    }
    if (argc > 2) {
        bytes = (int)mpt_parse_long(argv[2], "message size");
    }
    if (argc > 3) {
        max_rss = mpt_parse_long(argv[3], "RSS bound in MiB");
    }
    if (argc > 4) {
        sleep_ms = mpt_parse_long(argv[4], "sleep in ms");
    }
    if (count < 0 || (bytes != 0 && bytes != 8) || max_rss <= 0 || sleep_ms < 0) {
        fprintf(stderr, "usage: flood [count >= 0] [bytes 0 or 8] [max_rss_mib > 0] [sleep_ms]\n");
        return 2;
    }

    t0 = p2p_now();
    if (rank != 0) {
        for (long i = 0; i < count; i++) {
            uint64_t v = (uint64_t)i ^ p2p_mix64((uint64_t)rank);
            P2P_MPI(MPI_Send(&v, bytes, MPI_BYTE, 0, (int)(i % TAG_CYCLE), MPI_COMM_WORLD));
            if (*mpt_errs_p() > 0) {
                MPI_Abort(MPI_COMM_WORLD, 1);
            }
        }
        MPI_Finalize();
        return mpt_finish(rank);
    }

    /*
     * Rank 0: nothing is posted while the others send, but the library is given the chance to
     * progress (an Iprobe for a tag nobody sends), so that what arrives becomes unexpected
     * messages rather than staying in the senders' queues.
     */
    while (p2p_now() - t0 < (double)sleep_ms / 1000.0) {
        struct timespec ts = {0, 50000};
        int flag = 1;
        P2P_MPI(
            MPI_Iprobe(MPI_ANY_SOURCE, TAG_CYCLE + 1, MPI_COMM_WORLD, &flag, MPI_STATUS_IGNORE));
        MPT_CHECK(!flag, "Iprobe found a message with tag %d, which nobody sends", TAG_CYCLE + 1);
        nanosleep(&ts, NULL);
    }
    t_send = p2p_now() - t0;
    long *next = calloc((size_t)size, sizeof(long));
    long total = count * (size - 1), reported = 0;
    for (long n = 0; n < total; n++) {
        uint64_t v = 0;
        MPI_Status st;
        int got = -1;
        P2P_MPI(MPI_Recv(&v, 8, MPI_BYTE, MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &st));
        MPI_Get_count(&st, MPI_BYTE, &got);
        int src = st.MPI_SOURCE;
        if (src < 1 || src >= size || next[src] >= count) {
            mpt_fail(__FILE__, __LINE__, "message %ld: from rank %d (tag %d), not expected", n, src,
                     st.MPI_TAG);
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
        long i = next[src]++;
        uint64_t want = (uint64_t)i ^ p2p_mix64((uint64_t)src);
        if (st.MPI_TAG != (int)(i % TAG_CYCLE) || got != bytes ||
            (bytes == 8 && memcmp(&v, &want, 8) != 0)) {
            mpt_fail(__FILE__, __LINE__,
                     "message %ld from rank %d: tag %d, %d bytes, value %#llx; expected tag %d, "
                     "%d bytes, value %#llx (out of order, lost or corrupt)",
                     i, src, st.MPI_TAG, got, (unsigned long long)v, (int)(i % TAG_CYCLE), bytes,
                     (unsigned long long)want);
            if (++reported >= 10) {
                MPI_Abort(MPI_COMM_WORLD, 1);
            }
        }
    }
    t_recv = p2p_now() - t0 - t_send;
    free(next);

    double rss = peak_rss_mib();
    printf("flood: %ld messages of %d bytes from %d ranks; receive %.2f s (%.0f msg/s); "
           "rank 0 peak RSS %.1f MiB (bound %ld MiB)\n",
           total, bytes, size - 1, t_recv, t_recv > 0 ? (double)total / t_recv : 0.0, rss, max_rss);
    if (rss_not_meaningful() != NULL) {
        printf("flood: the RSS bound is not applied: %s\n", rss_not_meaningful());
    } else {
        MPT_CHECK(rss <= (double)max_rss, "rank 0 peak RSS %.1f MiB exceeds the bound of %ld MiB",
                  rss, max_rss);
    }
    MPI_Finalize();
    return mpt_finish(rank);
}
