/*
 * Reduce and allreduce of large contiguous data by single copy: a reduce-scatter in which rank i
 * folds segment i of every rank's data, copied straight out of their buffers, in rank order;
 * then the root (reduce) or every rank (allreduce) copies the folded segments out of their
 * folders. Each segment is computed once, so every rank holds the same bits.
 */
#include <mpi.h>
#include <string.h>

#include "coll/shm.h"
#include "core/log.h"

/* Bytes folded at a time: the operands of one step stay in the cache. */
#define CHUNK_BYTES (64 * 1024)

/* A reduction, as every step sees it. */
typedef struct red {
    const mp_coll_shm_t *v;
    size_t count;
    const mp_datatype_t *dt;
    const mp_op_t *op;
    const unsigned char *mine;            /* my data (its first byte) */
    uint64_t addr[MP_COLL_SHM_MAX_RANKS]; /* each rank's data, in its address space */
} red_t;

/* The first element of rank i's segment; segment i is [seg_lo(i), seg_lo(i + 1)). */
static size_t seg_lo(const red_t *r, int i)
{
    size_t n = (size_t)r->v->size, ui = (size_t)i;
    size_t base = r->count / n, extra = r->count % n;
    return ui * base + (ui < extra ? ui : extra);
}

/* Copies n bytes at byte offset off of rank i's data into to. */
static mp_status_t get_data(const red_t *r, int i, size_t off, unsigned char *to, size_t n)
{
    if (i == r->v->rank) {
        memcpy(to, r->mine + off, n);
        return MP_OK;
    }
    return mp_coll_shm_get(r->v->lr[i], to, r->addr[i] + off, n);
}

/* Folds my segment into dest: a0 op (a1 op (... op a(p-1))), a chunk at a time; acc (when not
 * NULL: dest overlaps my data) and tmp hold a chunk each. Returns the first failure. */
static mp_status_t fold_segment(const red_t *r, unsigned char *dest, unsigned char *acc_buf,
                                unsigned char *tmp)
{
    size_t es = r->dt->size;
    size_t lo = seg_lo(r, r->v->rank), hi = seg_lo(r, r->v->rank + 1);
    size_t per = CHUNK_BYTES / es > 0 ? CHUNK_BYTES / es : 1;
    int last = r->v->size - 1;
    mp_status_t st = MP_OK;
    for (size_t c = lo; c < hi; c += per) {
        size_t cnt = hi - c < per ? hi - c : per;
        size_t off = c * es, len = cnt * es;
        unsigned char *acc = acc_buf != NULL ? acc_buf : dest + (off - lo * es);
        mp_status_t rc = get_data(r, last, off, acc, len);
        for (int k = last - 1; k >= 0 && rc == MP_OK; k--) {
            const unsigned char *in = r->mine + off;
            if (k != r->v->rank) {
                rc = get_data(r, k, off, tmp, len);
                in = tmp;
            }
            if (rc == MP_OK) {
                /* The op sees buffers as the user's: the data starts lb past the address. */
                rc = mp_op_reduce(r->op, in - r->dt->lb, acc - r->dt->lb, cnt, r->dt);
            }
        }
        if (acc_buf != NULL) {
            memcpy(dest + (off - lo * es), acc, len);
        }
        if (st == MP_OK) {
            st = rc;
        }
    }
    return st;
}

/* Copies the folded segments of the others (they post where each is) into out. */
static mp_status_t gather_segments(const red_t *r, unsigned char *out)
{
    mp_status_t st = MP_OK;
    size_t es = r->dt->size;
    for (int k = 1; k < r->v->size; k++) {
        int i = (r->v->rank - k + r->v->size) % r->v->size;
        const mp_coll_shm_post_t *p = mp_coll_shm_wait(r->v->lr[i]);
        mp_coll_shm_addr_t a;
        memcpy(&a, p->data, sizeof(a));
        size_t lo = seg_lo(r, i), n = (seg_lo(r, i + 1) - lo) * es;
        mp_status_t rc = a.addr != 0 || n == 0
                             ? mp_coll_shm_get(r->v->lr[i], out + lo * es, a.addr, n)
                             : MP_ERR_PEER;
        if (st == MP_OK) {
            st = rc;
        }
        mp_coll_shm_ack(r->v->lr[i]);
    }
    return st;
}

mp_status_t mp_coll_shm_reduce_copy(const mp_coll_shm_t *v, const void *sbuf, void *rbuf,
                                    size_t count, const mp_datatype_t *dt, const mp_op_t *op,
                                    int root, bool all)
{
    red_t r = {.v = v, .count = count, .dt = dt, .op = op};
    bool in_place = sbuf == MPI_IN_PLACE;
    r.mine = (const unsigned char *)(in_place ? rbuf : sbuf) + dt->lb;
    bool gets_result = all || v->rank == root;
    unsigned char *out = gets_result ? (unsigned char *)rbuf + dt->lb : NULL;
    size_t es = dt->size;
    size_t lo = seg_lo(&r, v->rank), seg = (seg_lo(&r, v->rank + 1) - lo) * es;
    size_t chunk = seg < CHUNK_BYTES ? seg : CHUNK_BYTES;
    if (chunk < es) {
        chunk = es;
    }
    /* Scratch: a chunk of operands, a chunk of accumulator when my result overwrites my data
     * (in place), and my folded segment when I keep no result. */
    bool alias = in_place && gets_result;
    size_t scratch = chunk + (alias ? chunk : 0) + (gets_result ? 0 : seg);
    unsigned char *tmp = mp_coll_shm_scratch(scratch);
    mp_status_t st = MP_OK;
    if (tmp == NULL) {
        mp_log_error("out of memory for %zu bytes of reduction scratch", scratch);
        st = MP_ERR_NOMEM;
    }

    mp_coll_shm_addr_t a = {.addr = (uint64_t)(uintptr_t)r.mine, .bytes = count * es};
    for (int k = 1; k < v->size; k++) {
        mp_coll_shm_post(v->lr[(v->rank + k) % v->size], -1, &a, sizeof(a));
    }
    for (int k = 1; k < v->size; k++) {
        int i = (v->rank - k + v->size) % v->size;
        const mp_coll_shm_post_t *p = mp_coll_shm_wait(v->lr[i]);
        memcpy(&a, p->data, sizeof(a));
        r.addr[i] = a.addr;
    }
    unsigned char *dest = gets_result ? out + lo * es : (tmp != NULL ? tmp + chunk : NULL);
    if (st == MP_OK) {
        st = fold_segment(&r, dest, alias ? tmp + chunk : NULL, tmp);
    }
    /* Done with the others' data: they may return once they have what they need from me. */
    for (int k = 1; k < v->size; k++) {
        mp_coll_shm_ack(v->lr[(v->rank - k + v->size) % v->size]);
    }

    /* My folded segment, for those that get the result (address 0 if it failed). */
    a.addr = st == MP_OK ? (uint64_t)(uintptr_t)dest : 0;
    a.bytes = seg;
    for (int k = 1; k < v->size; k++) {
        int i = (v->rank + k) % v->size;
        if (all || i == root) {
            mp_coll_shm_post(v->lr[i], -1, &a, sizeof(a));
        }
    }
    if (gets_result) {
        mp_status_t rc = gather_segments(&r, out);
        if (st == MP_OK) {
            st = rc;
        }
    }
    /* My data and my segment stay where they are until every rank is done with them. */
    for (int k = 1; k < v->size; k++) {
        mp_coll_shm_drain(v->lr[(v->rank + k) % v->size]);
    }
    return st;
}
