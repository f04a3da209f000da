/*
 * Latency benchmark: ping-pong between ranks 0 and 1 with MPI_Send/MPI_Recv; prints half the
 * round-trip time in microseconds per size (0, then powers of two up to 4 MiB by default).
 * Usage: latency [min_size [max_size [scale]]]. Run by tests/bench/pt2pt.sh.
 */
#include "bench.h"

int main(int argc, char **argv)
{
    int rank;

    bench_start(&argc, &argv, &rank);
    struct bench_opts o = bench_options(argc, argv, 0, 4L << 20);
    char *buf = bench_buffer((size_t)o.max_size);

    bench_header(rank, "latency: half round trip of MPI_Send/MPI_Recv ping-pong", "usec");
    for (long size = o.min_size; size <= o.max_size; size = bench_next_size(size)) {
        /* 50000 round trips for small messages, down to 59 at 4 MiB (about 500 MB per size). */
        int iters = bench_iters(&o, 2 * size, 50000, 50, 5e8);
        int warmup = bench_warmup(iters);
        double t0 = 0;

        bench_handshake(rank);
        for (int i = 0; i < warmup + iters; i++) {
            if (i == warmup) {
                t0 = MPI_Wtime();
            }
            if (rank == 0) {
                MPI_Send(buf, (int)size, MPI_BYTE, 1, BENCH_TAG, MPI_COMM_WORLD);
                MPI_Recv(buf, (int)size, MPI_BYTE, 1, BENCH_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            } else if (rank == 1) {
                MPI_Recv(buf, (int)size, MPI_BYTE, 0, BENCH_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                MPI_Send(buf, (int)size, MPI_BYTE, 0, BENCH_TAG, MPI_COMM_WORLD);
            }
        }
        if (rank == 0) {
            bench_line(size, (MPI_Wtime() - t0) * 1e6 / (2.0 * iters), iters);
        }
    }
    free(buf);
    MPI_Finalize();
    return 0;
}
