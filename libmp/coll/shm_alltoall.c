/*
 * Alltoall through node memory: a small block travels inside the post to its rank; larger
 * ones (all of a rank's blocks fitting in a slot) are packed into one of its slots, which is
 * posted to every rank, and each takes its own block from there; larger still, a slot's piece of
 * each block at a time, a slot for each rank. Every rank copies its blocks
 * out before it receives any, so MPI_IN_PLACE needs no more room. Large blocks, where single
 * copy works: every rank posts where its send buffer is, and each copies its block straight out
 * of every other's.
 */
#include <mpi.h>
#include <string.h>

#include "coll/shm.h"

/* Bytes from which single copy wins, with a core per rank and where ranks share cores:
 * measured on 2 cores, see the README's tuning table. */
#define COPY_MIN_OWN (16 * 1024)
#define COPY_MIN_SHARED (512 * 1024)

static bool fits_slots(size_t block, int size)
{
    return block <= MP_COLL_SHM_INLINE || block * (size_t)size <= MP_COLL_SHM_SLOT_BYTES;
}

/* What a rank sends, as one array of elements: MPI_IN_PLACE sends from the receive buffer. */
typedef struct send_side {
    bool in_place;
    const void *buf;
    const mp_datatype_t *dt;
    size_t all; /* elements of dt in all the blocks */
} send_side_t;

static send_side_t send_side(int size, const void *sbuf, size_t scount, const mp_datatype_t *sdt,
                             void *rbuf, size_t rcount, const mp_datatype_t *rdt)
{
    bool in_place = sbuf == MPI_IN_PLACE;
    return (send_side_t){.in_place = in_place,
                         .buf = in_place ? rbuf : sbuf,
                         .dt = in_place ? rdt : sdt,
                         .all = (in_place ? rcount : scount) * (size_t)size};
}

static mp_status_t alltoall_slots(const mp_coll_shm_t *v, const void *sbuf, size_t scount,
                                  const mp_datatype_t *sdt, void *rbuf, size_t rcount,
                                  const mp_datatype_t *rdt, size_t b)
{
    size_t n = (size_t)v->size;
    int me = v->lr[v->rank];
    send_side_t from = send_side(v->size, sbuf, scount, sdt, rbuf, rcount, rdt);
    if (b <= MP_COLL_SHM_INLINE) {
        _Alignas(16) unsigned char block[MP_COLL_SHM_INLINE];
        for (int k = 1; k < v->size; k++) {
            int i = (v->rank + k) % v->size;
            mp_datatype_pack(from.dt, from.all, from.buf, (size_t)i * b, block, b);
            mp_coll_shm_post(v->lr[i], -1, block, b);
        }
        if (!from.in_place) {
            mp_datatype_pack(from.dt, from.all, from.buf, (size_t)v->rank * b, block, b);
            mp_datatype_unpack(rdt, rcount * n, rbuf, (size_t)v->rank * b, block, b);
        }
    } else {
        int s = mp_coll_shm_slot_take();
        unsigned char *slot = mp_coll_shm_slot(me, s);
        mp_datatype_pack(from.dt, from.all, from.buf, 0, slot, b * n);
        for (int k = 1; k < v->size; k++) {
            mp_coll_shm_post(v->lr[(v->rank + k) % v->size], s, NULL, 0);
        }
        if (!from.in_place) {
            mp_datatype_unpack(rdt, rcount * n, rbuf, (size_t)v->rank * b,
                               slot + (size_t)v->rank * b, b);
        }
    }
    for (int k = 1; k < v->size; k++) {
        int i = (v->rank - k + v->size) % v->size;
        const mp_coll_shm_post_t *p = mp_coll_shm_wait(v->lr[i]);
        const unsigned char *in =
            p->slot < 0 ? p->data : mp_coll_shm_slot(v->lr[i], p->slot) + (size_t)v->rank * b;
        mp_datatype_unpack(rdt, rcount * n, rbuf, (size_t)i * b, in, b);
        mp_coll_shm_ack(v->lr[i]);
    }
    return MP_OK;
}

/* Blocks too large for one slot together: a piece of each at a time, every rank posting its
 * piece of the block for each other rank in a slot of its own, then copying its piece of every
 * other rank's block. With MPI_IN_PLACE, a piece of my receive buffer is overwritten only after
 * I posted it. */
static mp_status_t alltoall_stream(const mp_coll_shm_t *v, const void *sbuf, size_t scount,
                                   const mp_datatype_t *sdt, void *rbuf, size_t rcount,
                                   const mp_datatype_t *rdt, size_t b)
{
    size_t n = (size_t)v->size;
    int me = v->lr[v->rank];
    send_side_t from = send_side(v->size, sbuf, scount, sdt, rbuf, rcount, rdt);
    unsigned char *own = from.in_place ? NULL : mp_coll_shm_scratch(MP_COLL_SHM_SLOT_BYTES);
    mp_status_t st = MP_OK;
    if (!from.in_place && own == NULL) {
        st = MP_ERR_NOMEM; /* my own block only: the others still get theirs */
    }
    for (size_t off = 0; off < b; off += MP_COLL_SHM_SLOT_BYTES) {
        size_t len = b - off < MP_COLL_SHM_SLOT_BYTES ? b - off : MP_COLL_SHM_SLOT_BYTES;
        for (int k = 1; k < v->size; k++) {
            int d = (v->rank + k) % v->size;
            int s = mp_coll_shm_slot_take();
            mp_datatype_pack(from.dt, from.all, from.buf, (size_t)d * b + off,
                             mp_coll_shm_slot(me, s), len);
            mp_coll_shm_post(v->lr[d], s, NULL, 0);
        }
        if (own != NULL) {
            mp_datatype_pack(from.dt, from.all, from.buf, (size_t)v->rank * b + off, own, len);
            mp_datatype_unpack(rdt, rcount * n, rbuf, (size_t)v->rank * b + off, own, len);
        }
        for (int k = 1; k < v->size; k++) {
            int i = (v->rank - k + v->size) % v->size;
            const mp_coll_shm_post_t *p = mp_coll_shm_wait(v->lr[i]);
            mp_datatype_unpack(rdt, rcount * n, rbuf, (size_t)i * b + off,
                               mp_coll_shm_slot(v->lr[i], p->slot), len);
            mp_coll_shm_ack(v->lr[i]);
        }
    }
    return st;
}

static mp_status_t alltoall_single(const mp_coll_shm_t *v, const void *sbuf, size_t scount,
                                   const mp_datatype_t *sdt, void *rbuf, size_t rcount,
                                   const mp_datatype_t *rdt, size_t b)
{
    size_t n = (size_t)v->size;
    mp_coll_shm_src_t src;
    mp_coll_shm_addr_t a = {.bytes = b};
    mp_status_t st;
    if (sbuf == MPI_IN_PLACE) {
        /* The others copy my blocks while I overwrite them with theirs: they copy a copy. */
        st = mp_coll_shm_src_init(&src, rbuf, rcount * n, rdt, 0, b * n, true);
    } else {
        a.bytes = mp_datatype_bytes(sdt, scount); /* also the distance between my blocks */
        st = mp_coll_shm_src_init(&src, sbuf, scount * n, sdt, 0, a.bytes * n, false);
    }
    a.addr = (uint64_t)(uintptr_t)src.base;
    if (st != MP_OK) {
        a.addr = 0;
    }
    for (int k = 1; k < v->size; k++) {
        mp_coll_shm_post(v->lr[(v->rank + k) % v->size], -1, &a, sizeof(a));
    }
    if (sbuf != MPI_IN_PLACE && st == MP_OK) {
        st = mp_coll_shm_get_into(v->lr[v->rank], a.addr + (uint64_t)v->rank * a.bytes,
                                  a.bytes < b ? a.bytes : b, rbuf, rcount * n, rdt,
                                  (size_t)v->rank * b);
    }
    for (int k = 1; k < v->size; k++) {
        int i = (v->rank - k + v->size) % v->size;
        const mp_coll_shm_post_t *p = mp_coll_shm_wait(v->lr[i]);
        mp_coll_shm_addr_t from;
        memcpy(&from, p->data, sizeof(from));
        mp_status_t rc = MP_OK;
        if (from.addr != 0) {
            rc = mp_coll_shm_get_into(v->lr[i], from.addr + (uint64_t)v->rank * from.bytes,
                                      from.bytes < b ? from.bytes : b, rbuf, rcount * n, rdt,
                                      (size_t)i * b);
        }
        if (st == MP_OK) {
            st = rc;
        }
        mp_coll_shm_ack(v->lr[i]);
    }
    /* My blocks stay where they are until every rank copied its own. */
    for (int k = 1; k < v->size; k++) {
        mp_coll_shm_drain(v->lr[(v->rank + k) % v->size]);
    }
    mp_coll_shm_src_fini(&src);
    return st;
}

mp_status_t mp_coll_shm_alltoall(const mp_coll_shm_t *v, const void *sbuf, size_t scount,
                                 const mp_datatype_t *sdt, void *rbuf, size_t rcount,
                                 const mp_datatype_t *rdt, bool *pt2pt_p)
{
    size_t b = mp_datatype_bytes(rdt, rcount);
    *pt2pt_p = false;
    if (b == 0) {
        return MP_OK;
    }
    /* b and the size are the same on every rank, and so is each test below. */
    if (mp_coll_shm_single_copy(v, b, COPY_MIN_OWN, COPY_MIN_SHARED)) {
        return alltoall_single(v, sbuf, scount, sdt, rbuf, rcount, rdt, b);
    }
    if (fits_slots(b, v->size)) {
        return alltoall_slots(v, sbuf, scount, sdt, rbuf, rcount, rdt, b);
    }
    /* A piece for every other rank takes a slot each: more of them than slots, and a rank would
     * wait for a slot that a rank waiting for its own slots has not emptied. */
    if (v->size - 1 <= MP_COLL_SHM_SLOTS) {
        return alltoall_stream(v, sbuf, scount, sdt, rbuf, rcount, rdt, b);
    }
    *pt2pt_p = true;
    return MP_OK;
}
