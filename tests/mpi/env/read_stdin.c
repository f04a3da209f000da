/*
 * Launcher test helper for stdin forwarding: rank 0 copies its stdin to stdout byte for byte;
 * every other rank must find its stdin at end-of-file or closed. Usage: read_stdin.
 */
#include "mptest.h"

#include <mpi.h>
#include <poll.h>

/* Rank 0: copies stdin to stdout until end-of-file. */
static void copy_stdin(void)
{
    char buf[65536];
    size_t n;

    while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0) {
        MPT_CHECK(fwrite(buf, 1, n, stdout) == n, "writing stdout failed");
    }
    MPT_CHECK(!ferror(stdin), "reading stdin failed: %s", strerror(errno));
    fflush(stdout);
}

/* Other ranks: stdin must give end-of-file (or be closed) within 5 s, and no data. */
static void expect_no_stdin(int rank)
{
    struct pollfd pfd = {.fd = 0, .events = POLLIN};
    char buf[4096];
    ssize_t n;
    int ready = poll(&pfd, 1, 5000);

    if (ready == 1 && (pfd.revents & POLLNVAL)) {
        return; /* Closed: nothing to read. */
    }
    MPT_CHECK(ready == 1, "rank %d: stdin neither at end-of-file nor closed after 5 s", rank);
    if (ready != 1) {
        return;
    }
    n = read(0, buf, sizeof(buf));
    MPT_CHECK(n <= 0, "rank %d read %zd bytes from stdin; only rank 0 may get stdin", rank, n);
}

int main(int argc, char **argv)
{
    int rank = -1;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    mpt_set_rank(rank);
    if (rank == 0) {
        copy_stdin();
    } else {
        expect_no_stdin(rank);
    }
    MPI_Finalize();
    return *mpt_errs_p() == 0 ? 0 : 1;
}
