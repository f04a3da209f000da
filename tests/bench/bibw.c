/*
 * Bidirectional bandwidth benchmark: per iteration ranks 0 and 1 each post a window of 64
 * MPI_Irecv and 64 MPI_Isend to the other and wait for all; prints the total MB/s of both
 * directions (10^6 bytes per second) per size. Usage: bibw [min_size [max_size [scale]]].
 */
#include "bench.h"

int main(int argc, char **argv)
{
    MPI_Request reqs[2 * BENCH_WINDOW];
    int rank;

    bench_start(&argc, &argv, &rank);
    struct bench_opts o = bench_options(argc, argv, 0, 4L << 20);
    /* One send and one receive buffer for the whole window, as the OSU benchmarks do. */
    char *sbuf = bench_buffer((size_t)o.max_size);
    char *rbuf = bench_buffer((size_t)o.max_size);
    int peer = rank == 0 ? 1 : 0;

    bench_header(rank, "bibw: bidirectional bandwidth, window of 64 MPI_Isend each way, total",
                 "MB/s");
    for (long size = o.min_size; size <= o.max_size; size = bench_next_size(size)) {
        int iters = bench_iters(&o, 2 * BENCH_WINDOW * size, 2000, 10, 1e9);
        int warmup = bench_warmup(iters);
        double t0 = 0, t;

        bench_handshake(rank);
        for (int i = 0; i < warmup + iters; i++) {
            if (i == warmup) {
                t0 = MPI_Wtime();
            }
            if (rank > 1) {
                continue;
            }
            for (int w = 0; w < BENCH_WINDOW; w++) {
                MPI_Irecv(rbuf, (int)size, MPI_BYTE, peer, BENCH_TAG, MPI_COMM_WORLD, &reqs[w]);
            }
            for (int w = 0; w < BENCH_WINDOW; w++) {
                MPI_Isend(sbuf, (int)size, MPI_BYTE, peer, BENCH_TAG, MPI_COMM_WORLD,
                          &reqs[BENCH_WINDOW + w]);
            }
            MPI_Waitall(2 * BENCH_WINDOW, reqs, MPI_STATUSES_IGNORE);
        }
        t = MPI_Wtime() - t0;
        if (rank == 0) {
            bench_line(size, 2.0 * (double)size * BENCH_WINDOW * iters / t / 1e6, iters);
        }
    }
    free(sbuf);
    free(rbuf);
    MPI_Finalize();
    return 0;
}
