/*
 * Reduce and allreduce through node memory, for contiguous data up to a slot (a reduce to a
 * root up to PIECES_MAX, or any size where ranks share cores, a slot's worth at a time). Every rank
 * but the root posts its data (inside the post when it is small, else in one of its slots) to the
 * root (rank 0 for allreduce), which folds them in a fixed order, from the last rank to the first,
 * each rank's data the left operand of the ranks above it: a0 op (a1 op (... op a(p-1))), rank
 * order for non-commutative ops, the same bits whatever the timing. Allreduce then posts the result
 * to every rank, which copies it: one computation, so every rank holds the same bits. A small
 * allreduce (a post's worth, or between two ranks up to FLAT_FOLD_MAX bytes) skips the round trip:
 * every rank folds every rank's data, in that same order. Large data, where single copy works,
 * takes a reduce-scatter by single copies instead (shm_reduce_copy.c); large data without it, the
 * point-to-point algorithms.
 */
#include <mpi.h>
#include <stdint.h>
#include <string.h>

#include "coll/shm.h"

/* Bytes from which single copy wins, with a core per rank and where ranks share cores, for
 * allreduce and for reduce: measured on 2 cores, see the README's tuning table. With a core
 * each, two ranks reduce to a root faster through point-to-point messages, whose transfers
 * both ranks share: the root of a reduce-scatter copies as much and waits for a round more. */
#define ALL_COPY_MIN_OWN (32 * 1024)
#define ALL_COPY_MIN_SHARED SIZE_MAX
#define ROOT_COPY_MIN_OWN SIZE_MAX
#define ROOT_COPY_MIN_SHARED SIZE_MAX
/* Bytes from which two ranks, a core each, reduce to a root by shm_reduce_pair.c: measured on 2
 * cores against the point-to-point reduce (whose transfer both ranks share from 64 KiB). */
#define PAIR_COPY_MIN (64 * 1024)
/* Bytes up to which a reduce to a root goes through the slots a piece at a time (where single
 * copy does not take it first), with a core per rank; where ranks share cores, every size does:
 * the others post and go on while the root folds, rather than wait for a reduce-scatter's rounds
 * (loaded VM, n = 4: 512 KiB 154 against 330 us by single copy, 1 MiB 287 / 684, 4 MiB
 * 1713 / 5486; n = 8: 512 KiB 384 / 847, 1 MiB 944 / 2147). */
#define PIECES_MAX (512 * 1024)

/* Bytes up to which two ranks each fold an allreduce out of the other's slot (allreduce_flat)
 * rather than wait for rank 0's result: the same bytes cross, in one hop rather than two.
 * Measured on 2 cores, a core each: 0.44 against 0.50 us of CPU per 1 KiB call, 3.2-4.9
 * against 5.9-8.5 us per 16 KiB. With more ranks every rank would read every other's data
 * (n (n - 1) blocks against 2 (n - 1)): n = 4 and 8 on 2 cores, 1 KiB, took more CPU per call
 * (4.0 against 3.4 us at n = 8) for fewer context switches. */
#define FLAT_FOLD_MAX (16 * 1024)

/* Where rank i's data is: mine, its slot, or its post, whose data is aligned to 8 bytes only:
 * for types that need more, a copy of it in inline_copy. */
static const unsigned char *data_of(const mp_coll_shm_t *v, int i, const unsigned char *mine,
                                    const mp_datatype_t *dt,
                                    unsigned char inline_copy[MP_COLL_SHM_INLINE])
{
    if (i == v->rank) {
        return mine;
    }
    const mp_coll_shm_post_t *p = mp_coll_shm_wait(v->lr[i]);
    if (p->slot >= 0) {
        return mp_coll_shm_slot(v->lr[i], p->slot);
    }
    if (dt->align <= 8) {
        return p->data;
    }
    memcpy(inline_copy, p->data, p->len);
    return inline_copy;
}

/* Folds every rank's data into acc; returns the first failure of the op. */
static mp_status_t fold(const mp_coll_shm_t *v, const unsigned char *mine, unsigned char *acc,
                        size_t count, const mp_datatype_t *dt, const mp_op_t *op)
{
    mp_status_t st = MP_OK;
    int last = v->size - 1;
    _Alignas(64) unsigned char inline_copy[MP_COLL_SHM_INLINE];
    memcpy(acc, data_of(v, last, mine, dt, inline_copy), mp_datatype_bytes(dt, count));
    if (last != v->rank) {
        mp_coll_shm_ack(v->lr[last]);
    }
    for (int i = last - 1; i >= 0; i--) {
        const unsigned char *in = data_of(v, i, mine, dt, inline_copy);
        /* The op sees buffers as the user's: the data starts lb past the address. */
        mp_status_t rc = mp_op_reduce(op, in - dt->lb, acc - dt->lb, count, dt);
        if (st == MP_OK) {
            st = rc;
        }
        if (i != v->rank) {
            mp_coll_shm_ack(v->lr[i]);
        }
    }
    return st;
}

/* A rank other than the root: posts its data, and with all, copies the result. */
static void contribute(const mp_coll_shm_t *v, const unsigned char *mine, unsigned char *out,
                       size_t bytes, int root, bool all)
{
    int to = v->lr[root];
    if (bytes <= MP_COLL_SHM_INLINE) {
        mp_coll_shm_post(to, -1, mine, bytes);
    } else {
        int s = mp_coll_shm_slot_take();
        memcpy(mp_coll_shm_slot(v->lr[v->rank], s), mine, bytes);
        mp_coll_shm_post(to, s, NULL, 0);
    }
    if (all) {
        const mp_coll_shm_post_t *p = mp_coll_shm_wait(to);
        memcpy(out, p->slot < 0 ? p->data : mp_coll_shm_slot(to, p->slot), bytes);
        mp_coll_shm_ack(to);
    }
}

/* A small allreduce: every rank posts its data to every other (inside the posts, or in one of
 * its slots), and each folds them all in the same order as the root would: the same operations
 * on the same operands, so the same bits everywhere, after one hop rather than a round trip
 * through the root. */
static mp_status_t allreduce_flat(const mp_coll_shm_t *v, const unsigned char *mine,
                                  unsigned char *out, size_t count, const mp_datatype_t *dt,
                                  const mp_op_t *op)
{
    size_t bytes = mp_datatype_bytes(dt, count);
    int s = -1;
    if (bytes > MP_COLL_SHM_INLINE) {
        /* The slot's copy is my operand from now on: out may be my data (MPI_IN_PLACE), and
         * the fold overwrites it. */
        s = mp_coll_shm_slot_take();
        unsigned char *slot = mp_coll_shm_slot(v->lr[v->rank], s);
        memcpy(slot, mine, bytes);
        mine = slot;
    }
    for (int k = 1; k < v->size; k++) {
        mp_coll_shm_post(v->lr[(v->rank + k) % v->size], s, mine, s < 0 ? bytes : 0);
    }
    if (s >= 0) {
        return fold(v, mine, out, count, dt, op);
    }
    _Alignas(64) unsigned char acc[MP_COLL_SHM_INLINE];
    mp_status_t st = fold(v, mine, acc, count, dt, op);
    memcpy(out, acc, bytes);
    return st;
}

/* A reduce of more than a slot: a slot's worth of elements at a time, every rank but the root
 * posts its piece in a slot, and the root folds each piece as it comes, into its result (or a
 * slot of its own where the result buffer holds its data). The slots let ranks run ahead of
 * the root, which point-to-point rendezvous would not. */
static mp_status_t reduce_pieces(const mp_coll_shm_t *v, const unsigned char *mine,
                                 unsigned char *out, size_t count, const mp_datatype_t *dt,
                                 const mp_op_t *op, int root, bool in_place)
{
    size_t es = dt->size, per = MP_COLL_SHM_SLOT_BYTES / es;
    int me = v->lr[v->rank];
    mp_status_t st = MP_OK;
    for (size_t c = 0; c < count; c += per) {
        size_t cnt = count - c < per ? count - c : per, off = c * es;
        int s = mp_coll_shm_slot_take();
        unsigned char *slot = mp_coll_shm_slot(me, s);
        if (v->rank != root) {
            memcpy(slot, mine + off, cnt * es);
            mp_coll_shm_post(v->lr[root], s, NULL, 0);
            continue;
        }
        unsigned char *acc = in_place ? slot : out + off;
        mp_status_t rc = fold(v, mine + off, acc, cnt, dt, op);
        if (in_place) {
            memcpy(out + off, acc, cnt * es);
        }
        if (st == MP_OK) {
            st = rc;
        }
    }
    return st;
}

mp_status_t mp_coll_shm_reduce(const mp_coll_shm_t *v, const void *sbuf, void *rbuf, size_t count,
                               const mp_datatype_t *dt, const mp_op_t *op, int root, bool all,
                               bool *pt2pt_p)
{
    size_t bytes = mp_datatype_bytes(dt, count);
    const void *src = sbuf == MPI_IN_PLACE ? rbuf : sbuf;
    const unsigned char *mine = (const unsigned char *)src + dt->lb;
    unsigned char *out = (unsigned char *)rbuf + dt->lb;
    if (all) {
        root = 0;
    }
    *pt2pt_p = false;
    if (bytes == 0) {
        return MP_OK;
    }
    if (all && bytes <= MP_COLL_SHM_INLINE) {
        return allreduce_flat(v, mine, out, count, dt, op);
    }
    /* bytes is the same on every rank, and so is each test below. By default single copy
     * starts above FLAT_FOLD_MAX; MP_COLL_SHM_COPY_MIN may bring it below. */
    if (!all && v->size == 2 && mp_coll_shm_single_copy(v, bytes, PAIR_COPY_MIN, SIZE_MAX)) {
        return mp_coll_shm_reduce_pair(v, sbuf, rbuf, count, dt, op, root);
    }
    if (mp_coll_shm_single_copy(v, bytes, all ? ALL_COPY_MIN_OWN : ROOT_COPY_MIN_OWN,
                                all ? ALL_COPY_MIN_SHARED : ROOT_COPY_MIN_SHARED)) {
        return mp_coll_shm_reduce_copy(v, sbuf, rbuf, count, dt, op, root, all);
    }
    if (all && bytes > MP_COLL_SHM_SLOT_BYTES && mp_coll_shm_allreduce_slots_fits(dt)) {
        return mp_coll_shm_allreduce_slots(v, mine, out, count, dt, op);
    }
    if (all && v->size == 2 && bytes <= FLAT_FOLD_MAX) {
        return allreduce_flat(v, mine, out, count, dt, op);
    }
    if (!all && bytes > MP_COLL_SHM_SLOT_BYTES && (bytes <= PIECES_MAX || mp_coll_shm_shared(v)) &&
        dt->size <= MP_COLL_SHM_SLOT_BYTES) { /* a piece holds whole elements */
        return reduce_pieces(v, mine, out, count, dt, op, root, sbuf == MPI_IN_PLACE);
    }
    if (bytes > MP_COLL_SHM_SLOT_BYTES) {
        *pt2pt_p = true;
        return MP_OK;
    }
    if (v->rank != root) {
        contribute(v, mine, out, bytes, root, all);
        return MP_OK;
    }
    _Alignas(64) unsigned char small[MP_COLL_SHM_INLINE];
    int s = -1;
    unsigned char *acc = small;
    if (bytes > MP_COLL_SHM_INLINE) {
        s = mp_coll_shm_slot_take();
        acc = mp_coll_shm_slot(v->lr[v->rank], s);
    }
    mp_status_t st = fold(v, mine, acc, count, dt, op);
    if (all) {
        for (int i = 0; i < v->size; i++) {
            if (i != root) {
                mp_coll_shm_post(v->lr[i], s, acc, s < 0 ? bytes : 0);
            }
        }
    }
    memcpy(out, acc, bytes);
    return st;
}
