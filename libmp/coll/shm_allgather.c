/*
 * Allgather through node memory. Small blocks: every rank posts its block to every other
 * (inside the posts when it is small, else in its slots, a piece in each), then unpacks each
 * other rank's block from its post or slots. Large blocks, with a core per rank where single
 * copy works: every rank posts where its block is, each copies every other's straight into
 * place, and none returns before the others are done with its block; else a piece at a time
 * through the slots. No rank waits for another's forwarding, so a rank that is not
 * running delays only the ranks that need its block.
 */
#include <mpi.h>
#include <stdint.h>
#include <string.h>

#include "coll/shm.h"

/* Bytes from which single copy wins (measured on 2 cores, see the README's tuning table): with
 * a core per rank from 32 KiB; where ranks share cores, never: up to two slots (n = 8, 64 KiB:
 * 100 us by slots, 217 us by single copy), and beyond, a piece at a time (loaded VM, n = 4:
 * 128 KiB 135 / 328 us, 512 KiB 463 / 715; n = 8: 128 KiB 703 / 1646, 512 KiB 3142 / 4489; 1
 * MiB about even, memory-bound). */
/* Slots a rank's block may fill in allgather_slots: all of them are taken at once, before any is
 * posted. */
#define PIECES_MAX 2
#define COPY_MIN_OWN (32 * 1024)
#define COPY_MIN_SHARED SIZE_MAX

static mp_status_t allgather_slots(const mp_coll_shm_t *v, const void *sbuf, size_t scount,
                                   const mp_datatype_t *sdt, void *rbuf, size_t rcount,
                                   const mp_datatype_t *rdt, size_t b)
{
    size_t all = rcount * (size_t)v->size; /* rbuf as one array of elements of rdt */
    int me = v->lr[v->rank];
    /* My block, in the post itself when small, else in one slot per piece (all of mine). */
    _Alignas(16) unsigned char small[MP_COLL_SHM_INLINE];
    int s[PIECES_MAX] = {-1};
    unsigned char *mine[PIECES_MAX] = {small};
    size_t pieces = 1;
    if (b > MP_COLL_SHM_INLINE) {
        pieces = (b + MP_COLL_SHM_SLOT_BYTES - 1) / MP_COLL_SHM_SLOT_BYTES;
        for (size_t q = 0; q < pieces; q++) {
            s[q] = mp_coll_shm_slot_take();
            mine[q] = mp_coll_shm_slot(me, s[q]);
        }
    }
    size_t sb = sbuf == MPI_IN_PLACE ? b : mp_datatype_bytes(sdt, scount);
    for (size_t q = 0; q < pieces; q++) {
        size_t off = q * MP_COLL_SHM_SLOT_BYTES, end = off + MP_COLL_SHM_SLOT_BYTES;
        end = end < b ? end : b;
        end = end < sb ? end : sb;
        if (end <= off) {
            break;
        }
        if (sbuf == MPI_IN_PLACE) {
            mp_datatype_pack(rdt, all, rbuf, (size_t)v->rank * b + off, mine[q], end - off);
        } else {
            mp_datatype_pack(sdt, scount, sbuf, off, mine[q], end - off);
            mp_datatype_unpack(rdt, all, rbuf, (size_t)v->rank * b + off, mine[q], end - off);
        }
    }
    for (int k = 1; k < v->size; k++) {
        int i = (v->rank + k) % v->size;
        for (size_t q = 0; q < pieces; q++) {
            mp_coll_shm_post(v->lr[i], s[q], mine[q], s[q] < 0 ? b : 0);
        }
    }
    /* From the rank below me downwards: the ranks that posted to me first, as I posted upwards. */
    for (int k = 1; k < v->size; k++) {
        int i = (v->rank - k + v->size) % v->size;
        for (size_t q = 0; q < pieces; q++) {
            size_t off = q * MP_COLL_SHM_SLOT_BYTES;
            size_t n = b - off < MP_COLL_SHM_SLOT_BYTES ? b - off : MP_COLL_SHM_SLOT_BYTES;
            const mp_coll_shm_post_t *p = mp_coll_shm_wait(v->lr[i]);
            const unsigned char *in = p->slot < 0 ? p->data : mp_coll_shm_slot(v->lr[i], p->slot);
            mp_datatype_unpack(rdt, all, rbuf, (size_t)i * b + off, in, n);
            mp_coll_shm_ack(v->lr[i]);
        }
    }
    return MP_OK;
}

/* Pieces a rank may post ahead of the last it copied out of every other rank's slots: fewer
 * than the slots, so that a rank waiting to take a slot waits only for ranks that are through
 * the piece it needs (none waits for another in turn), and half of them, so that a rank that
 * runs posts several pieces before it must wait for the others. */
#define STREAM_AHEAD (MP_COLL_SHM_SLOTS / 2)

/* Blocks of any size through the slots, a piece at a time: every rank posts its piece q in a
 * slot to every other, then copies piece q - STREAM_AHEAD of every other rank's block. */
static mp_status_t allgather_stream(const mp_coll_shm_t *v, const void *sbuf, size_t scount,
                                    const mp_datatype_t *sdt, void *rbuf, size_t rcount,
                                    const mp_datatype_t *rdt, size_t b)
{
    size_t all = rcount * (size_t)v->size; /* rbuf as one array of elements of rdt */
    int me = v->lr[v->rank];
    size_t sb = sbuf == MPI_IN_PLACE ? b : mp_datatype_bytes(sdt, scount);
    size_t pieces = (b + MP_COLL_SHM_SLOT_BYTES - 1) / MP_COLL_SHM_SLOT_BYTES;
    for (size_t q = 0; q < pieces + STREAM_AHEAD; q++) {
        if (q < pieces) {
            int s = mp_coll_shm_slot_take();
            unsigned char *slot = mp_coll_shm_slot(me, s);
            size_t off = q * MP_COLL_SHM_SLOT_BYTES, end = off + MP_COLL_SHM_SLOT_BYTES;
            end = end < b ? end : b;
            end = end < sb ? end : sb;
            if (end > off && sbuf == MPI_IN_PLACE) {
                mp_datatype_pack(rdt, all, rbuf, (size_t)v->rank * b + off, slot, end - off);
            } else if (end > off) {
                mp_datatype_pack(sdt, scount, sbuf, off, slot, end - off);
                mp_datatype_unpack(rdt, all, rbuf, (size_t)v->rank * b + off, slot, end - off);
            }
            for (int k = 1; k < v->size; k++) {
                mp_coll_shm_post(v->lr[(v->rank + k) % v->size], s, NULL, 0);
            }
        }
        if (q < STREAM_AHEAD) {
            continue;
        }
        size_t off = (q - STREAM_AHEAD) * MP_COLL_SHM_SLOT_BYTES;
        if (off >= b) {
            continue;
        }
        size_t n = b - off < MP_COLL_SHM_SLOT_BYTES ? b - off : MP_COLL_SHM_SLOT_BYTES;
        for (int k = 1; k < v->size; k++) {
            int i = (v->rank - k + v->size) % v->size;
            const mp_coll_shm_post_t *p = mp_coll_shm_wait(v->lr[i]);
            mp_datatype_unpack(rdt, all, rbuf, (size_t)i * b + off,
                               mp_coll_shm_slot(v->lr[i], p->slot), n);
            mp_coll_shm_ack(v->lr[i]);
        }
    }
    return MP_OK;
}

static mp_status_t allgather_single(const mp_coll_shm_t *v, const void *sbuf, size_t scount,
                                    const mp_datatype_t *sdt, void *rbuf, size_t rcount,
                                    const mp_datatype_t *rdt, size_t b)
{
    size_t all = rcount * (size_t)v->size;
    int me = v->lr[v->rank];
    /* My block as the others copy it: in place, it is already in my receive buffer. */
    mp_coll_shm_src_t src;
    mp_coll_shm_addr_t a = {.bytes = b};
    mp_status_t st;
    if (sbuf == MPI_IN_PLACE) {
        st = mp_coll_shm_src_init(&src, rbuf, all, rdt, (size_t)v->rank * b, b, false);
    } else {
        size_t sb = mp_datatype_bytes(sdt, scount);
        a.bytes = sb < b ? sb : b;
        st = mp_coll_shm_src_init(&src, sbuf, scount, sdt, 0, a.bytes, false);
    }
    /* Without a source every rank still takes part, with nothing to offer: no one waits for
     * ever, and the error is reported here. */
    a.addr = (uint64_t)(uintptr_t)src.base;
    if (st != MP_OK) {
        a.bytes = 0;
    }
    for (int k = 1; k < v->size; k++) {
        mp_coll_shm_post(v->lr[(v->rank + k) % v->size], -1, &a, sizeof(a));
    }
    if (sbuf != MPI_IN_PLACE && st == MP_OK) {
        st = mp_coll_shm_get_into(me, a.addr, a.bytes, rbuf, all, rdt, (size_t)v->rank * b);
    }
    for (int k = 1; k < v->size; k++) {
        int i = (v->rank - k + v->size) % v->size;
        const mp_coll_shm_post_t *p = mp_coll_shm_wait(v->lr[i]);
        mp_coll_shm_addr_t from;
        memcpy(&from, p->data, sizeof(from));
        size_t n = from.bytes < b ? from.bytes : b;
        mp_status_t rc =
            mp_coll_shm_get_into(v->lr[i], from.addr, n, rbuf, all, rdt, (size_t)i * b);
        if (st == MP_OK) {
            st = rc;
        }
        mp_coll_shm_ack(v->lr[i]);
    }
    /* My block stays where it is until every rank copied it. */
    for (int k = 1; k < v->size; k++) {
        mp_coll_shm_drain(v->lr[(v->rank + k) % v->size]);
    }
    mp_coll_shm_src_fini(&src);
    return st;
}

mp_status_t mp_coll_shm_allgather(const mp_coll_shm_t *v, const void *sbuf, size_t scount,
                                  const mp_datatype_t *sdt, void *rbuf, size_t rcount,
                                  const mp_datatype_t *rdt, bool *pt2pt_p)
{
    size_t b = mp_datatype_bytes(rdt, rcount);
    *pt2pt_p = false;
    if (b == 0) {
        return MP_OK;
    }
    /* b is the same on every rank, and so is each test below. */
    if (mp_coll_shm_single_copy(v, b, COPY_MIN_OWN, COPY_MIN_SHARED)) {
        return allgather_single(v, sbuf, scount, sdt, rbuf, rcount, rdt, b);
    }
    if (b <= PIECES_MAX * MP_COLL_SHM_SLOT_BYTES) {
        return allgather_slots(v, sbuf, scount, sdt, rbuf, rcount, rdt, b);
    }
    return allgather_stream(v, sbuf, scount, sdt, rbuf, rcount, rdt, b);
}
