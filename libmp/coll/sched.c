/*
 * The schedule engine of collectives: a schedule is a list of steps split into rounds; a round
 * starts its sends and receives, runs its local steps, and the next round starts once all of
 * its requests completed. Progress advances started schedules through a progress hook.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <mpi.h>

#include "coll/coll.h"
#include "pt2pt/progress.h"
#include "pt2pt/pt2pt.h"

typedef enum step_kind {
    STEP_SEND,
    STEP_RECV,
    STEP_COPY,
    STEP_REDUCE,
    STEP_FENCE,
} step_kind_t;

typedef struct step {
    step_kind_t kind;
    int peer;
    const void *src; /* send, copy source, reduce in */
    size_t scount;
    const mp_datatype_t *sdt;
    void *dst; /* receive, copy target, reduce inout */
    size_t rcount;
    const mp_datatype_t *rdt;
    const mp_op_t *op;
    bool local; /* intercommunicators: peer is a rank of the local group */
} step_t;

/* Small temporary buffers come from here, so that short collectives do not call malloc. */
#define SCRATCH_BYTES 512

struct mp_coll_sched {
    mp_comm_t comm; /* a copy of the communicator on the collective context */
    mp_comm_t *user_comm;
    int tag;
    /* Intercommunicators: a copy of the local intracommunicator on its collective context, the
     * tag taken from its sequence, and whether the steps being added address the local group. */
    mp_comm_t local;
    int local_tag;
    bool on_local;
    step_t *steps;
    size_t nsteps, steps_cap;
    size_t next;            /* the first step not started yet */
    mp_request_t **reqs;    /* the current round's requests */
    size_t nreqs, reqs_cap; /* reqs_cap >= the largest round, ensured at build time */
    size_t round_reqs;      /* sends and receives in the round being built */
    void **tmps;
    size_t ntmps, tmps_cap;
    size_t scratch_used;
    mp_status_t error; /* the first failure, of building or of a step */
    mp_request_t *req; /* MP_REQ_COLL of a started schedule */
    const mp_op_t *op; /* the op its reductions use, retained while the schedule lives */
    bool done;         /* every step ran */
    bool immediate;    /* steps run as they are added (blocking collectives) */
    struct mp_coll_sched *next_active, *prev_active;
    _Alignas(16) char scratch[SCRATCH_BYTES];
};

/* Large temporary buffers are kept for the next collective: a fresh one would be mapped and
 * page-faulted by the kernel on every call (glibc maps blocks of 128 KiB and more). */
#define TMP_CACHE_SLOTS 4
#define TMP_CACHE_MIN (64u << 10)
#define TMP_CACHE_MAX_BYTES (64u << 20)
static struct {
    void *buf;
    size_t bytes;
} tmp_cache[TMP_CACHE_SLOTS];

static void *tmp_alloc(size_t bytes)
{
    for (int i = 0; i < TMP_CACHE_SLOTS; i++) {
        if (tmp_cache[i].buf != NULL && tmp_cache[i].bytes >= bytes &&
            tmp_cache[i].bytes / 2 <= bytes) {
            void *p = tmp_cache[i].buf;
            tmp_cache[i].buf = NULL;
            return p;
        }
    }
    /* Room for the size header below the buffer. */
    char *p = malloc(bytes + 16);
    if (p == NULL) {
        return NULL;
    }
    *(size_t *)p = bytes;
    return p + 16;
}

static void tmp_free(void *buf)
{
    size_t bytes = *(size_t *)((char *)buf - 16);
    if (bytes >= TMP_CACHE_MIN && bytes <= TMP_CACHE_MAX_BYTES) {
        for (int i = 0; i < TMP_CACHE_SLOTS; i++) {
            if (tmp_cache[i].buf == NULL) {
                tmp_cache[i].buf = buf;
                tmp_cache[i].bytes = bytes;
                return;
            }
        }
    }
    free((char *)buf - 16);
}

/* Finished schedules are kept for reuse with their arrays: no malloc in the steady state. */
#define POOL_MAX 8
static mp_coll_sched_t *pool[POOL_MAX];
static int pool_len;

static mp_coll_sched_t *active; /* started, not finished */

const mp_datatype_t *mp_coll_byte(void)
{
    return mp_datatype_predefined((uintptr_t)MPI_BYTE);
}

mp_status_t mp_coll_sched_create(mp_comm_t *comm, mp_coll_sched_t **s_p)
{
    mp_coll_sched_t *s = pool_len > 0 ? pool[--pool_len] : calloc(1, sizeof(*s));
    if (s == NULL) {
        return MP_ERR_NOMEM;
    }
    s->comm = *comm;
    s->user_comm = comm;
    s->comm.context_id = comm->context_id + 1;
    /* The copy only carries the collective context: the references that pt2pt requests take
     * on it must never destroy it. The user's communicator is held instead, so that
     * MPI_Comm_free may come before a nonblocking collective completes. */
    s->comm.predefined = true;
    s->comm.freed = false;
    mp_comm_retain(comm);
    s->tag = (int)(comm->coll_seq++ & INT32_MAX);
    s->on_local = false;
    if (comm->is_inter) {
        /* Steps inside one group travel on the local communicator's collective context with a
         * tag of its sequence, as the exchanges that build communicators do: every member of
         * the group takes it in the same order, and it never meets the remote group's ranks. */
        s->local = *comm->local_comm;
        s->local.context_id = comm->local_comm->context_id + 1;
        s->local.predefined = true;
        s->local.freed = false;
        s->local_tag = (int)(comm->local_comm->coll_seq++ & INT32_MAX);
    }
    s->nsteps = s->next = s->nreqs = s->round_reqs = s->ntmps = s->scratch_used = 0;
    s->error = MP_OK;
    s->req = NULL;
    s->op = NULL;
    s->done = false;
    s->immediate = false;
    s->next_active = s->prev_active = NULL;
    *s_p = s;
    return MP_OK;
}

/* A pending collective keeps the datatypes of its steps alive: the user may free them. */
static void types_retain(const step_t *st)
{
    if (st->sdt != NULL) {
        mp_datatype_retain(st->sdt);
    }
    if (st->rdt != NULL) {
        mp_datatype_retain(st->rdt);
    }
}

static void types_release(const mp_coll_sched_t *s)
{
    for (size_t i = 0; i < s->nsteps; i++) {
        const step_t *st = &s->steps[i];
        if (st->sdt != NULL) {
            mp_datatype_release(st->sdt);
        }
        if (st->rdt != NULL) {
            mp_datatype_release(st->rdt);
        }
    }
}

const mp_comm_t *mp_coll_sched_comm(const mp_coll_sched_t *s)
{
    return s->user_comm;
}

void mp_coll_sched_destroy(mp_coll_sched_t *s)
{
    types_release(s);
    s->nsteps = 0;
    mp_comm_unref(s->user_comm);
    s->user_comm = NULL;
#if MP_COLL_HAVE_OP
    if (s->op != NULL) {
        mp_op_release(s->op);
        s->op = NULL;
    }
#endif
    for (size_t i = 0; i < s->ntmps; i++) {
        tmp_free(s->tmps[i]);
    }
    s->ntmps = 0;
    if (pool_len < POOL_MAX) {
        pool[pool_len++] = s;
        return;
    }
    free(s->steps);
    free(s->reqs);
    free(s->tmps);
    free(s);
}

/* Frees the arrays of pooled schedules at exit of the process: LeakSanitizer stays quiet. */
__attribute__((destructor)) static void pool_fini(void)
{
    for (int i = 0; i < TMP_CACHE_SLOTS; i++) {
        if (tmp_cache[i].buf != NULL) {
            free((char *)tmp_cache[i].buf - 16);
            tmp_cache[i].buf = NULL;
        }
    }
    while (pool_len > 0) {
        mp_coll_sched_t *s = pool[--pool_len];
        free(s->steps);
        free(s->reqs);
        free(s->tmps);
        free(s);
    }
}

/* ---- Building ---- */

static bool grow(void **arr, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap) {
        return true;
    }
    size_t n = *cap < 16 ? 16 : *cap * 2;
    while (n < need) {
        n *= 2;
    }
    void *p = realloc(*arr, n * elem);
    if (p == NULL) {
        return false;
    }
    *arr = p;
    *cap = n;
    return true;
}

static void start_comm(mp_coll_sched_t *s, const step_t *st);
static void run_local(mp_coll_sched_t *s, const step_t *st);
static void wait_round(mp_coll_sched_t *s);

void mp_coll_sched_set_immediate(mp_coll_sched_t *s)
{
    s->immediate = true;
}

void mp_coll_sched_set_local(mp_coll_sched_t *s, bool local)
{
    s->on_local = local && s->user_comm->is_inter;
}

/* Immediate mode: runs a step now rather than recording it. Returns whether it did. */
static bool run_now(mp_coll_sched_t *s, const step_t *st)
{
    if (!s->immediate) {
        return false;
    }
    /* After a failure (a truncated receive) the steps still run, as recorded ones do: the
     * peers wait for this rank's part. */
    if (st->kind == STEP_SEND || st->kind == STEP_RECV) {
        if (!grow((void **)&s->reqs, &s->reqs_cap, s->nreqs + 1, sizeof(mp_request_t *))) {
            s->error = MP_ERR_NOMEM;
            return true;
        }
        start_comm(s, st);
    } else {
        run_local(s, st);
    }
    return true;
}

static step_t *add(mp_coll_sched_t *s, step_kind_t kind)
{
    if (s->error != MP_OK) {
        return NULL;
    }
    if (!grow((void **)&s->steps, &s->steps_cap, s->nsteps + 1, sizeof(step_t))) {
        s->error = MP_ERR_NOMEM;
        return NULL;
    }
    step_t *st = &s->steps[s->nsteps++];
    memset(st, 0, sizeof(*st));
    st->kind = kind;
    return st;
}

/* Counts a send or receive of the round being built and keeps room for its request. */
static void add_comm(mp_coll_sched_t *s, step_t *st)
{
    s->round_reqs++;
    if (!grow((void **)&s->reqs, &s->reqs_cap, s->round_reqs, sizeof(mp_request_t *))) {
        s->error = MP_ERR_NOMEM;
        (void)st;
    }
}

void mp_coll_sched_send(mp_coll_sched_t *s, const void *buf, size_t count, const mp_datatype_t *dt,
                        int peer)
{
    step_t step = {.kind = STEP_SEND,
                   .peer = peer,
                   .src = buf,
                   .scount = count,
                   .sdt = dt,
                   .local = s->on_local};
    if (run_now(s, &step)) {
        return;
    }
    step_t *st = add(s, STEP_SEND);
    if (st != NULL) {
        *st = step;
        types_retain(st);
        add_comm(s, st);
    }
}

void mp_coll_sched_recv(mp_coll_sched_t *s, void *buf, size_t count, const mp_datatype_t *dt,
                        int peer)
{
    step_t step = {.kind = STEP_RECV,
                   .peer = peer,
                   .dst = buf,
                   .rcount = count,
                   .rdt = dt,
                   .local = s->on_local};
    if (run_now(s, &step)) {
        return;
    }
    step_t *st = add(s, STEP_RECV);
    if (st != NULL) {
        *st = step;
        types_retain(st);
        add_comm(s, st);
    }
}

void mp_coll_sched_copy(mp_coll_sched_t *s, const void *src, size_t scount,
                        const mp_datatype_t *sdt, void *dst, size_t rcount,
                        const mp_datatype_t *rdt)
{
    if (mp_datatype_bytes(sdt, scount) == 0 || src == dst) {
        return;
    }
    if (run_now(s, &(step_t){.kind = STEP_COPY,
                             .src = src,
                             .scount = scount,
                             .sdt = sdt,
                             .dst = dst,
                             .rcount = rcount,
                             .rdt = rdt})) {
        return;
    }
    step_t *st = add(s, STEP_COPY);
    if (st != NULL) {
        *st = (step_t){.kind = STEP_COPY,
                       .src = src,
                       .scount = scount,
                       .sdt = sdt,
                       .dst = dst,
                       .rcount = rcount,
                       .rdt = rdt};
        types_retain(st);
    }
}

void mp_coll_sched_reduce(mp_coll_sched_t *s, const void *in, void *inout, size_t count,
                          const mp_datatype_t *dt, const mp_op_t *op)
{
    if (run_now(s, &(step_t){.kind = STEP_REDUCE,
                             .src = in,
                             .scount = count,
                             .sdt = dt,
                             .dst = inout,
                             .op = op})) {
        return;
    }
    step_t *st = add(s, STEP_REDUCE);
#if MP_COLL_HAVE_OP
    /* The user may free the op before a nonblocking collective completes. */
    if (st != NULL && s->op == NULL) {
        mp_op_retain(op);
        s->op = op;
    }
#endif
    if (st != NULL) {
        *st = (step_t){
            .kind = STEP_REDUCE, .src = in, .scount = count, .sdt = dt, .dst = inout, .op = op};
        types_retain(st);
    }
}

void mp_coll_sched_fence(mp_coll_sched_t *s)
{
    if (s->immediate) {
        wait_round(s);
        return;
    }
    /* A fence right after another (or at the start) is an empty round: drop it. */
    if (s->nsteps == 0 || s->steps[s->nsteps - 1].kind == STEP_FENCE) {
        return;
    }
    if (add(s, STEP_FENCE) != NULL) {
        s->round_reqs = 0;
    }
}

/* The bytes from the lowest to the highest byte that count elements of dt touch, and where the
 * lowest lies relative to the buffer address. */
static void data_span(const mp_datatype_t *dt, size_t count, size_t *bytes_p, ptrdiff_t *lo_p)
{
    ptrdiff_t lo = dt->true_lb, hi = dt->true_lb + dt->true_extent;
    ptrdiff_t step = (ptrdiff_t)(count > 0 ? count - 1 : 0) * dt->extent;
    if (step < 0) {
        lo += step;
    } else {
        hi += step;
    }
    *bytes_p = count > 0 ? (size_t)(hi - lo) : 0;
    *lo_p = lo;
}

void *mp_coll_sched_tmp(mp_coll_sched_t *s, size_t count, const mp_datatype_t *dt)
{
    if (s->error != MP_OK) {
        return NULL;
    }
    size_t bytes;
    ptrdiff_t lo;
    data_span(dt, count, &bytes, &lo);
    bytes = (bytes + 15) & ~(size_t)15;
    char *base;
    if (bytes <= SCRATCH_BYTES - s->scratch_used) {
        base = s->scratch + s->scratch_used;
        s->scratch_used += bytes;
    } else {
        if (!grow((void **)&s->tmps, &s->tmps_cap, s->ntmps + 1, sizeof(void *)) ||
            (base = tmp_alloc(bytes > 0 ? bytes : 1)) == NULL) {
            s->error = MP_ERR_NOMEM;
            return NULL;
        }
        s->tmps[s->ntmps++] = base;
    }
    return base - lo;
}

/* ---- Running ---- */

/* Copies between two typed buffers through a small packed buffer on the stack. */
static void copy_typed(const step_t *st)
{
    size_t sbytes = mp_datatype_bytes(st->sdt, st->scount);
    size_t rbytes = mp_datatype_bytes(st->rdt, st->rcount);
    size_t len = sbytes < rbytes ? sbytes : rbytes;
    if (st->sdt->contiguous && st->rdt->contiguous) {
        memmove((char *)st->dst + st->rdt->lb, (const char *)st->src + st->sdt->lb, len);
        return;
    }
    char chunk[4096];
    for (size_t off = 0; off < len; off += sizeof(chunk)) {
        size_t n = len - off < sizeof(chunk) ? len - off : sizeof(chunk);
        mp_datatype_pack(st->sdt, st->scount, st->src, off, chunk, n);
        mp_datatype_unpack(st->rdt, st->rcount, st->dst, off, chunk, n);
    }
}

static void run_local(mp_coll_sched_t *s, const step_t *st)
{
    if (st->kind == STEP_COPY) {
        copy_typed(st);
        return;
    }
#if MP_COLL_HAVE_OP
    mp_status_t rc = mp_op_reduce(st->op, st->src, st->dst, st->scount, st->sdt);
    if (rc != MP_OK && s->error == MP_OK) {
        s->error = rc;
    }
#else
    /* Without the op module the API refuses reductions before building a schedule. */
    s->error = MP_ERR_INVALID;
#endif
}

static void start_comm(mp_coll_sched_t *s, const step_t *st)
{
    mp_request_t *req = NULL;
    mp_status_t rc;
    mp_comm_t *wire = st->local ? &s->local : &s->comm;
    int tag = st->local ? s->local_tag : s->tag;
    if (st->kind == STEP_SEND) {
        rc = mp_pt2pt_isend(st->src, st->scount, st->sdt, st->peer, tag, wire, MP_SEND_STANDARD,
                            &req);
    } else {
        rc = mp_pt2pt_irecv(st->dst, st->rcount, st->rdt, st->peer, tag, wire, &req);
    }
    if (rc != MP_OK) {
        if (s->error == MP_OK) {
            s->error = rc;
        }
        return;
    }
    s->reqs[s->nreqs++] = req;
}

/* Starts the steps of the next round. */
static void start_round(mp_coll_sched_t *s)
{
    while (s->next < s->nsteps) {
        const step_t *st = &s->steps[s->next++];
        if (st->kind == STEP_FENCE) {
            return;
        }
        if (st->kind == STEP_SEND || st->kind == STEP_RECV) {
            start_comm(s, st);
        } else {
            run_local(s, st);
        }
    }
}

/* Whether the current round's requests all completed; frees them if so. */
static bool round_complete(mp_coll_sched_t *s)
{
    for (size_t i = 0; i < s->nreqs; i++) {
        if (!mp_request_is_complete(s->reqs[i])) {
            return false;
        }
    }
    for (size_t i = 0; i < s->nreqs; i++) {
        mp_status_t e = s->reqs[i]->status.error;
        if (e != MP_OK && s->error == MP_OK) {
            s->error = e;
        }
        mp_request_free(s->reqs[i]);
    }
    s->nreqs = 0;
    return true;
}

/* Advances s as far as it goes now; returns the rounds started. */
static int advance(mp_coll_sched_t *s)
{
    int rounds = 0;
    while (!s->done && round_complete(s)) {
        if (s->next >= s->nsteps) {
            s->done = true;
            break;
        }
        start_round(s);
        rounds++;
    }
    return rounds;
}

static void active_remove(mp_coll_sched_t *s)
{
    if (s->prev_active != NULL) {
        s->prev_active->next_active = s->next_active;
    } else {
        active = s->next_active;
    }
    if (s->next_active != NULL) {
        s->next_active->prev_active = s->prev_active;
    }
}

/* Completes the request of a finished nonblocking schedule and recycles the schedule. */
static void finish(mp_coll_sched_t *s)
{
    mp_request_t *req = s->req;
    active_remove(s);
    req->status.error = s->error;
    req->owner = NULL;
    mp_coll_sched_destroy(s);
    mp_request_complete(req);
}

static int progress_hook(void)
{
    static bool busy; /* a step's call may poll progress again: do not recurse */
    if (busy || active == NULL) {
        return 0;
    }
    busy = true;
    int events = 0;
    mp_coll_sched_t *next;
    for (mp_coll_sched_t *s = active; s != NULL; s = next) {
        next = s->next_active;
        events += advance(s);
        if (s->done) {
            finish(s);
            events++;
        }
    }
    busy = false;
    return events;
}

mp_status_t mp_coll_sched_start(mp_coll_sched_t *s, mp_request_t **req_p)
{
    if (s->error != MP_OK) {
        mp_status_t rc = s->error;
        mp_coll_sched_destroy(s);
        return rc;
    }
    mp_request_t *req = mp_request_create(MP_REQ_COLL);
    if (req == NULL) {
        mp_coll_sched_destroy(s);
        return MP_ERR_NOMEM;
    }
    /* What MPI_Wait reports for a collective: the empty status. */
    req->status.source = MPI_ANY_SOURCE;
    req->status.tag = MPI_ANY_TAG;
    req->comm = s->user_comm;
    req->owner = s;
    s->req = req;
    mp_progress_hook_add(progress_hook);
    s->next_active = active;
    if (active != NULL) {
        active->prev_active = s;
    }
    active = s;
    advance(s);
    if (s->done) {
        finish(s);
    }
    *req_p = req;
    return MP_OK;
}

static bool round_done(void *arg)
{
    mp_coll_sched_t *s = arg;
    for (size_t i = 0; i < s->nreqs; i++) {
        if (!mp_request_is_complete(s->reqs[i])) {
            return false;
        }
    }
    return true;
}

/* Immediate mode: waits for the sends and receives started since the last fence. */
static void wait_round(mp_coll_sched_t *s)
{
    if (s->nreqs > 0) {
        mp_progress_wait(round_done, s);
        round_complete(s);
    }
}

static bool sched_done(void *arg)
{
    mp_coll_sched_t *s = arg;
    advance(s);
    return s->done;
}

mp_status_t mp_coll_sched_run(mp_coll_sched_t *s)
{
    if (s->immediate) {
        wait_round(s); /* after a failure too: no request may outlive the call */
    } else if (s->error == MP_OK) {
        mp_progress_wait(sched_done, s);
    }
    mp_status_t rc = s->error;
    mp_coll_sched_destroy(s);
    return rc;
}
