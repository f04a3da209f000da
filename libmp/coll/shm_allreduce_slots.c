/*
 * Allreduce of more than a slot through node memory: every rank copies its data into its slots,
 * each folds its segment of every rank's copy in rank order into its own slots, and every rank
 * copies the others' results out; in rounds where the data is more than the slots hold. Each
 * element is computed once, so every rank holds the same bits; no rank reads all the data, as the
 * root of a fold would.
 */
#include <string.h>

#include "coll/shm.h"

/* A call's reduction, as each step sees it. */
typedef struct red {
    const mp_coll_shm_t *v;
    size_t count, es, per; /* elements, bytes of one, elements a slot holds */
    /* The slot that holds each piece of each rank's data (pieces of per elements). */
    int8_t slots[MP_COLL_SHM_MAX_RANKS][MP_COLL_SHM_SLOTS];
} red_t;

bool mp_coll_shm_allreduce_slots_fits(const mp_datatype_t *dt)
{
    return dt->size > 0 && dt->size <= MP_COLL_SHM_SLOT_BYTES;
}

/* The first element of rank i's segment; segment i is [seg_lo(i), seg_lo(i + 1)). */
static size_t seg_lo(const red_t *r, int i)
{
    size_t n = (size_t)r->v->size, ui = (size_t)i;
    size_t base = r->count / n, extra = r->count % n;
    return ui * base + (ui < extra ? ui : extra);
}

/* Element e of rank i's copy, in its slot. */
static unsigned char *elem(const red_t *r, int i, size_t e)
{
    return mp_coll_shm_slot(r->v->lr[i], r->slots[i][e / r->per]) + e % r->per * r->es;
}

/* Elements from e on up to hi that lie in one slot. */
static size_t run_of(const red_t *r, size_t e, size_t hi)
{
    size_t left = r->per - e % r->per;
    return hi - e < left ? hi - e : left;
}

/* Folds my segment, a0 op (a1 op (... op a(p-1))), a slot's run at a time, in my slots (where
 * my data there was never copied: nobody else reads it), for the others to copy, and into out;
 * my own data comes from mine, which out may be (in place), written only after its last use. */
static mp_status_t fold_segment(const red_t *r, const unsigned char *mine, unsigned char *out,
                                const mp_datatype_t *dt, const mp_op_t *op)
{
    mp_status_t st = MP_OK;
    int me = r->v->rank, last = r->v->size - 1;
    size_t hi = seg_lo(r, me + 1);
    for (size_t e = seg_lo(r, me); e < hi;) {
        size_t cnt = run_of(r, e, hi), off = e * r->es;
        unsigned char *acc = elem(r, me, e);
        memcpy(acc, last == me ? mine + off : elem(r, last, e), cnt * r->es);
        for (int i = last - 1; i >= 0; i--) {
            const unsigned char *in = i == me ? mine + off : elem(r, i, e);
            /* The op sees buffers as the user's: the data starts lb past the address. */
            mp_status_t rc = mp_op_reduce(op, in - dt->lb, acc - dt->lb, cnt, dt);
            if (st == MP_OK) {
                st = rc;
            }
        }
        memcpy(out + off, acc, cnt * r->es);
        e += cnt;
    }
    return st;
}

/* Copies rank i's folded segment out of its slots into out. */
static void copy_segment(const red_t *r, int i, unsigned char *out)
{
    size_t hi = seg_lo(r, i + 1);
    for (size_t e = seg_lo(r, i); e < hi;) {
        size_t cnt = run_of(r, e, hi);
        memcpy(out + e * r->es, elem(r, i, e), cnt * r->es);
        e += cnt;
    }
}

/* Copies elements [lo, hi) of mine into my slots. */
static void copy_in(const red_t *r, const unsigned char *mine, size_t lo, size_t hi)
{
    for (size_t e = lo; e < hi;) {
        size_t cnt = run_of(r, e, hi);
        memcpy(elem(r, r->v->rank, e), mine + e * r->es, cnt * r->es);
        e += cnt;
    }
}

/* One round: count elements, in at most all of my slots. */
static mp_status_t allreduce_round(const mp_coll_shm_t *v, const unsigned char *mine,
                                   unsigned char *out, size_t count, const mp_datatype_t *dt,
                                   const mp_op_t *op)
{
    red_t r = {.v = v, .count = count, .es = dt->size};
    r.per = MP_COLL_SHM_SLOT_BYTES / r.es;
    size_t pieces = (count + r.per - 1) / r.per;
    /* My data into my slots, but for my own segment, which only I read. */
    unsigned mask = 0;
    for (size_t p = 0; p < pieces; p++) {
        int s = mp_coll_shm_slot_take();
        r.slots[v->rank][p] = (int8_t)s;
        mask |= 1u << s;
    }
    size_t lo = seg_lo(&r, v->rank), hi = seg_lo(&r, v->rank + 1);
    copy_in(&r, mine, 0, lo);
    copy_in(&r, mine, hi, count);
    for (int k = 1; k < v->size; k++) {
        mp_coll_shm_post_slots(v->lr[(v->rank + k) % v->size], mask, r.slots[v->rank], pieces);
    }
    /* Where every other rank's data is: its posts stay unacknowledged while I read it. A rank
     * whose count differs (an erroneous program) names other slots: I read my own slots' numbers
     * for it rather than past its memory, and report the truncation. */
    mp_status_t bad = MP_OK;
    for (int k = 1; k < v->size; k++) {
        int i = (v->rank - k + v->size) % v->size;
        const mp_coll_shm_post_t *p = mp_coll_shm_wait(v->lr[i]);
        memcpy(r.slots[i], p->len == pieces ? p->data : (const unsigned char *)r.slots[v->rank],
               pieces);
        if (p->len != pieces) {
            bad = MP_ERR_TRUNCATE;
        }
    }
    mp_status_t st = fold_segment(&r, mine, out, dt, op);
    if (st == MP_OK) {
        st = bad;
    }
    for (int k = 1; k < v->size; k++) {
        mp_coll_shm_ack(v->lr[(v->rank - k + v->size) % v->size]);
    }
    /* My folded segment is in my slots: the others copy it from there; the post names the slots
     * again, so that I rewrite none before they did. */
    int32_t code = st;
    for (int k = 1; k < v->size; k++) {
        mp_coll_shm_post_slots(v->lr[(v->rank + k) % v->size], mask, &code, sizeof(code));
    }
    for (int k = 1; k < v->size; k++) {
        int i = (v->rank - k + v->size) % v->size;
        memcpy(&code, mp_coll_shm_wait(v->lr[i])->data, sizeof(code));
        copy_segment(&r, i, out);
        mp_coll_shm_ack(v->lr[i]);
        if (st == MP_OK) {
            st = (mp_status_t)code;
        }
    }
    return st;
}

mp_status_t mp_coll_shm_allreduce_slots(const mp_coll_shm_t *v, const unsigned char *mine,
                                        unsigned char *out, size_t count, const mp_datatype_t *dt,
                                        const mp_op_t *op)
{
    size_t per = MP_COLL_SHM_SLOT_BYTES / dt->size;
    /* All of my slots a round: half of them a round, so that the ranks through a round could
     * fill the other half while the last ones still copy this one out, took more CPU and more
     * context switches (loaded VM, 1 MiB, n = 8: 589-941 against 742-1367 ms of CPU for 200
     * calls, n = 4: 141-276 against 193-660). */
    size_t round = per * MP_COLL_SHM_SLOTS;
    mp_status_t st = MP_OK;
    for (size_t c = 0; c < count; c += round) {
        size_t n = count - c < round ? count - c : round;
        mp_status_t rc = allreduce_round(v, mine + c * dt->size, out + c * dt->size, n, dt, op);
        if (st == MP_OK) {
            st = rc;
        }
    }
    return st;
}
