/*
 * MPI_THREAD_MULTIPLE point-to-point: T threads per rank each exchange messages with the thread
 * of the same number on every rank (itself included) on MPI_COMM_WORLD, tag = thread number:
 * nonblocking, blocking with MPI_ANY_SOURCE, and a blocking ring (each phase its own range of
 * tags, so that a fast peer's next phase cannot match); eager and rendezvous sizes.
 * Every element and the order per (source, tag) are checked. Usage: pt2pt THREADS
 */
#include "mttest.h"

#include <stdbool.h>

#define NMSG 12
#define SMALL 16          /* elements: eager */
#define LARGE (48 * 1024) /* elements (192 KiB): rendezvous */
#define HDR 2             /* buf[0] = seq, buf[1] = thread */

typedef struct targ {
    int t;   /* the thread number */
    int tag; /* t, plus MT_THREADS_MAX times the phase */
    int rank, size;
} targ_t;

static size_t len_of(int seq)
{
    return seq % 4 == 3 ? LARGE : SMALL;
}

/* Message seq from src's thread t: a header, then the pattern. */
static void make(uint32_t *buf, int src, int t, int seq)
{
    size_t n = len_of(seq);
    buf[0] = (uint32_t)seq;
    buf[1] = (uint32_t)t;
    mt_fill(buf + HDR, n - HDR, src, t, seq);
}

static void check_msg(const uint32_t *buf, int count, int src, int t, int seq)
{
    MPT_CHECK(count == (int)len_of(seq), "thread %d: message %d from %d has %d elements, not %zu",
              t, seq, src, count, len_of(seq));
    MPT_CHECK(buf[0] == (uint32_t)seq && buf[1] == (uint32_t)t,
              "thread %d: from %d expected message %d of thread %d, got %u of %u", t, src, seq, t,
              buf[0], buf[1]);
    if (count == (int)len_of(seq)) {
        mt_check(buf + HDR, (size_t)count - HDR, src, t, seq);
    }
}

/* Every message to every rank at once, the receives posted first: order per source is the
 * order of the receives. */
static void nonblocking(const targ_t *a)
{
    int n = a->size * NMSG;
    uint32_t **sbuf = calloc((size_t)n, sizeof(*sbuf));
    uint32_t **rbuf = calloc((size_t)n, sizeof(*rbuf));
    MPI_Request *req = malloc(2 * (size_t)n * sizeof(*req));
    MPI_Status *st = malloc(2 * (size_t)n * sizeof(*st));
    for (int p = 0; p < a->size; p++) {
        for (int k = 0; k < NMSG; k++) {
            int i = p * NMSG + k;
            rbuf[i] = calloc(LARGE, sizeof(uint32_t));
            MT_MPI(MPI_Irecv(rbuf[i], LARGE, MPI_UINT32_T, p, a->tag, MPI_COMM_WORLD, &req[i]));
        }
    }
    for (int p = 0; p < a->size; p++) {
        for (int k = 0; k < NMSG; k++) {
            int i = p * NMSG + k;
            sbuf[i] = malloc(len_of(k) * sizeof(uint32_t));
            make(sbuf[i], a->rank, a->t, k);
            MT_MPI(MPI_Isend(sbuf[i], (int)len_of(k), MPI_UINT32_T, p, a->tag, MPI_COMM_WORLD,
                             &req[n + i]));
        }
    }
    MT_MPI(MPI_Waitall(2 * n, req, st));
    for (int p = 0; p < a->size; p++) {
        for (int k = 0; k < NMSG; k++) {
            int i = p * NMSG + k, count = -1;
            MPI_Get_count(&st[i], MPI_UINT32_T, &count);
            MPT_CHECK(st[i].MPI_SOURCE == p && st[i].MPI_TAG == a->tag,
                      "thread %d: status source %d tag %d, expected %d %d", a->t, st[i].MPI_SOURCE,
                      st[i].MPI_TAG, p, a->tag);
            check_msg(rbuf[i], count, p, a->t, k);
            free(rbuf[i]);
            free(sbuf[i]);
        }
    }
    free(sbuf);
    free(rbuf);
    free(req);
    free(st);
}

/* Nonblocking sends to every rank, blocking receives from MPI_ANY_SOURCE: each source's
 * messages must come in the order they were sent. */
static void any_source(const targ_t *a)
{
    int n = a->size * NMSG;
    uint32_t **sbuf = calloc((size_t)n, sizeof(*sbuf));
    MPI_Request *req = malloc((size_t)n * sizeof(*req));
    int next[64] = {0};
    uint32_t *rbuf = malloc(LARGE * sizeof(uint32_t));
    for (int k = 0; k < NMSG; k++) {
        for (int p = 0; p < a->size; p++) {
            int i = k * a->size + p;
            sbuf[i] = malloc(len_of(k) * sizeof(uint32_t));
            make(sbuf[i], a->rank, a->t, k);
            MT_MPI(MPI_Isend(sbuf[i], (int)len_of(k), MPI_UINT32_T, p, a->tag, MPI_COMM_WORLD,
                             &req[i]));
        }
    }
    for (int i = 0; i < n; i++) {
        MPI_Status st;
        int count = -1;
        MT_MPI(MPI_Recv(rbuf, LARGE, MPI_UINT32_T, MPI_ANY_SOURCE, a->tag, MPI_COMM_WORLD, &st));
        MPI_Get_count(&st, MPI_UINT32_T, &count);
        int src = st.MPI_SOURCE;
        if (src < 0 || src >= a->size || st.MPI_TAG != a->tag) {
            MPT_CHECK(0, "thread %d: status source %d tag %d", a->t, src, st.MPI_TAG);
            continue;
        }
        check_msg(rbuf, count, src, a->t, next[src]++);
    }
    MT_MPI(MPI_Waitall(n, req, MPI_STATUSES_IGNORE));
    for (int i = 0; i < n; i++) {
        free(sbuf[i]);
    }
    free(sbuf);
    free(req);
    free(rbuf);
}

/* Blocking MPI_Sendrecv around the ring of ranks, both sizes. */
static void ring(const targ_t *a)
{
    int right = (a->rank + 1) % a->size, left = (a->rank + a->size - 1) % a->size;
    uint32_t *s = malloc(LARGE * sizeof(uint32_t)), *r = malloc(LARGE * sizeof(uint32_t));
    for (int k = 0; k < NMSG; k++) {
        MPI_Status st;
        int count = -1;
        make(s, a->rank, a->t, k);
        MT_MPI(MPI_Sendrecv(s, (int)len_of(k), MPI_UINT32_T, right, a->tag, r, LARGE, MPI_UINT32_T,
                            left, a->tag, MPI_COMM_WORLD, &st));
        MPI_Get_count(&st, MPI_UINT32_T, &count);
        check_msg(r, count, left, a->t, k);
    }
    free(s);
    free(r);
}

static void *worker(void *p)
{
    targ_t *a = p;
    mt_check_not_main(a->t);
    a->tag = a->t;
    nonblocking(a);
    a->tag = a->t + MT_THREADS_MAX;
    any_source(a);
    a->tag = a->t + 2 * MT_THREADS_MAX;
    ring(a);
    return NULL;
}

int main(int argc, char **argv)
{
    int rank = mt_init(&argc, &argv), size = 0;
    if (argc != 2) {
        fprintf(stderr, "usage: pt2pt THREADS\n");
        MPI_Abort(MPI_COMM_WORLD, 2);
    }
    int nthreads = (int)mpt_parse_long(argv[1], "THREADS");
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (nthreads < 1 || nthreads > MT_THREADS_MAX || size > 64) {
        fprintf(stderr, "pt2pt: 1..%d threads, at most 64 ranks\n", MT_THREADS_MAX);
        MPI_Abort(MPI_COMM_WORLD, 2);
    }
    targ_t args[MT_THREADS_MAX];
    for (int t = 0; t < nthreads; t++) {
        args[t] = (targ_t){.t = t, .rank = rank, .size = size};
    }
    mt_run(nthreads, worker, args, sizeof(targ_t));
    MT_MPI(MPI_Finalize());
    return mpt_finish(rank);
}
