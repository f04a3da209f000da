/*
 * Unidirectional bandwidth benchmark: per iteration rank 0 posts a window of 64 MPI_Isend to
 * rank 1, which has 64 MPI_Irecv posted, then rank 1 answers with a zero-byte ack. Prints MB/s
 * (10^6 bytes per second) per size. Usage: bw [min_size [max_size [scale]]].
 */
#include "bench.h"

int main(int argc, char **argv)
{
    MPI_Request reqs[BENCH_WINDOW];
    int rank;

    bench_start(&argc, &argv, &rank);
    struct bench_opts o = bench_options(argc, argv, 0, 4L << 20);
    /* One buffer for the whole window, as the OSU benchmarks do: the data is not checked. */
    char *buf = bench_buffer((size_t)o.max_size);

    bench_header(rank, "bw: unidirectional bandwidth, window of 64 MPI_Isend, zero-byte ack",
                 "MB/s");
    for (long size = o.min_size; size <= o.max_size; size = bench_next_size(size)) {
        /* About 1 GB per size, between 10 and 2000 windows. */
        int iters = bench_iters(&o, BENCH_WINDOW * size, 2000, 10, 1e9);
        int warmup = bench_warmup(iters);
        double t0 = 0, t;

        bench_handshake(rank);
        for (int i = 0; i < warmup + iters; i++) {
            if (i == warmup) {
                t0 = MPI_Wtime();
            }
            if (rank == 0) {
                for (int w = 0; w < BENCH_WINDOW; w++) {
                    MPI_Isend(buf, (int)size, MPI_BYTE, 1, BENCH_TAG, MPI_COMM_WORLD, &reqs[w]);
                }
                MPI_Waitall(BENCH_WINDOW, reqs, MPI_STATUSES_IGNORE);
                MPI_Recv(NULL, 0, MPI_BYTE, 1, BENCH_TAG_ACK, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            } else if (rank == 1) {
                for (int w = 0; w < BENCH_WINDOW; w++) {
                    MPI_Irecv(buf, (int)size, MPI_BYTE, 0, BENCH_TAG, MPI_COMM_WORLD, &reqs[w]);
                }
                MPI_Waitall(BENCH_WINDOW, reqs, MPI_STATUSES_IGNORE);
                MPI_Send(NULL, 0, MPI_BYTE, 0, BENCH_TAG_ACK, MPI_COMM_WORLD);
            }
        }
        t = MPI_Wtime() - t0;
        if (rank == 0) {
            bench_line(size, (double)size * BENCH_WINDOW * iters / t / 1e6, iters);
        }
    }
    free(buf);
    MPI_Finalize();
    return 0;
}
