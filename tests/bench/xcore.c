/*
 * The machine's cross-core speed: two threads on two different CPUs hand a buffer back and
 * forth (one writes it, the other copies it out), and the median time of a round is printed in
 * microseconds. On a virtual machine this moves by 3-4x as the host places the virtual CPUs, and
 * every collective that copies between ranks moves with it, so the benchmark scripts print it
 * beside their results. Knows nothing of MPI.
 * Usage: xcore [BYTES [ROUNDS]]   (default 256 KiB, 2000 rounds)
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct handoff {
    unsigned char *shared, *from, *to;
    size_t bytes;
    int rounds;
    atomic_int turn; /* 0: the writer's, 1: the reader's */
    int reader_cpu;
} handoff_t;

static double now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static void pin(int cpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static void *reader(void *arg)
{
    handoff_t *h = arg;
    pin(h->reader_cpu);
    for (int i = 0; i < h->rounds; i++) {
        while (atomic_load_explicit(&h->turn, memory_order_acquire) != 1) {
        }
        memcpy(h->to, h->shared, h->bytes);
        atomic_store_explicit(&h->turn, 0, memory_order_release);
    }
    return NULL;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    handoff_t h = {.bytes = argc > 1 ? strtoul(argv[1], NULL, 0) : 256 * 1024,
                   .rounds = argc > 2 ? atoi(argv[2]) : 2000};
    cpu_set_t allowed;
    int cpus[2], n = 0;
    if (h.bytes == 0 || h.rounds <= 0 ||
        sched_getaffinity(0, sizeof(allowed), &allowed) != 0) {
        fprintf(stderr, "usage: %s [BYTES [ROUNDS]]\n", argv[0]);
        return 2;
    }
    for (int c = 0; c < CPU_SETSIZE && n < 2; c++) {
        if (CPU_ISSET(c, &allowed)) {
            cpus[n++] = c;
        }
    }
    if (n < 2) {
        printf("cross-core: - (one CPU)\n");
        return 0;
    }
    h.shared = malloc(h.bytes);
    h.from = malloc(h.bytes);
    h.to = malloc(h.bytes);
    double *t = malloc((size_t)h.rounds * sizeof(double));
    if (h.shared == NULL || h.from == NULL || h.to == NULL || t == NULL) {
        fprintf(stderr, "xcore: out of memory\n");
        return 1;
    }
    memset(h.from, 1, h.bytes);
    memset(h.shared, 0, h.bytes);
    memset(h.to, 0, h.bytes);
    h.reader_cpu = cpus[1];
    pin(cpus[0]);
    pthread_t thread;
    if (pthread_create(&thread, NULL, reader, &h) != 0) {
        fprintf(stderr, "xcore: cannot start a thread\n");
        return 1;
    }
    for (int i = 0; i < h.rounds; i++) {
        double t0 = now_us();
        memcpy(h.shared, h.from, h.bytes);
        atomic_store_explicit(&h.turn, 1, memory_order_release);
        while (atomic_load_explicit(&h.turn, memory_order_acquire) != 0) {
        }
        t[i] = now_us() - t0;
    }
    pthread_join(thread, NULL);
    qsort(t, (size_t)h.rounds, sizeof(double), cmp_double);
    printf("cross-core: %.1f us per %zu-byte handoff (CPUs %d and %d)\n", t[h.rounds / 2],
           h.bytes, cpus[0], cpus[1]);
    free(t);
    free(h.shared);
    free(h.from);
    free(h.to);
    return 0;
}
