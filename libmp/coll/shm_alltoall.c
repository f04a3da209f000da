/*
 * Alltoall through node memory: a small block travels inside the post to its rank; larger
 * ones (all of a rank's blocks fitting in a slot) are packed into one of its slots, which is
 * posted to every rank, and each takes its own block from there. Every rank copies its blocks
 * out before it receives any, so MPI_IN_PLACE needs no more room.
 */
#include <mpi.h>

#include "coll/shm.h"

bool mp_coll_shm_alltoall_fits(size_t block, int size)
{
    return block <= MP_COLL_SHM_INLINE || block * (size_t)size <= MP_COLL_SHM_SLOT_BYTES;
}

mp_status_t mp_coll_shm_alltoall(const mp_coll_shm_t *v, const void *sbuf, size_t scount,
                                 const mp_datatype_t *sdt, void *rbuf, size_t rcount,
                                 const mp_datatype_t *rdt)
{
    size_t b = mp_datatype_bytes(rdt, rcount);
    size_t n = (size_t)v->size;
    int me = v->lr[v->rank];
    if (b == 0) {
        return MP_OK;
    }
    /* What I send, as one array of elements: MPI_IN_PLACE sends from the receive buffer. */
    bool in_place = sbuf == MPI_IN_PLACE;
    const void *src = in_place ? rbuf : sbuf;
    const mp_datatype_t *src_dt = in_place ? rdt : sdt;
    size_t src_all = (in_place ? rcount : scount) * n;
    if (b <= MP_COLL_SHM_INLINE) {
        _Alignas(16) unsigned char block[MP_COLL_SHM_INLINE];
        for (int k = 1; k < v->size; k++) {
            int i = (v->rank + k) % v->size;
            mp_datatype_pack(src_dt, src_all, src, (size_t)i * b, block, b);
            mp_coll_shm_post(v->lr[i], -1, block, b);
        }
        if (!in_place) {
            mp_datatype_pack(src_dt, src_all, src, (size_t)v->rank * b, block, b);
            mp_datatype_unpack(rdt, rcount * n, rbuf, (size_t)v->rank * b, block, b);
        }
    } else {
        int s = mp_coll_shm_slot_take();
        unsigned char *slot = mp_coll_shm_slot(me, s);
        mp_datatype_pack(src_dt, src_all, src, 0, slot, b * n);
        for (int k = 1; k < v->size; k++) {
            mp_coll_shm_post(v->lr[(v->rank + k) % v->size], s, NULL, 0);
        }
        if (!in_place) {
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
