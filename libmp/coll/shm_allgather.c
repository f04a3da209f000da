/*
 * Allgather through node memory, for blocks up to a slot: every rank posts its block to every
 * other rank (inside the posts when it is small, else in one of its slots), then unpacks each
 * other rank's block from its post or slot. No rank waits for another's forwarding, so a rank
 * that is not running delays only the ranks that need its block.
 */
#include <mpi.h>

#include "coll/shm.h"

bool mp_coll_shm_allgather_fits(size_t block)
{
    return block <= MP_COLL_SHM_SLOT_BYTES;
}

mp_status_t mp_coll_shm_allgather(const mp_coll_shm_t *v, const void *sbuf, size_t scount,
                                  const mp_datatype_t *sdt, void *rbuf, size_t rcount,
                                  const mp_datatype_t *rdt)
{
    size_t b = mp_datatype_bytes(rdt, rcount);
    size_t all = rcount * (size_t)v->size; /* rbuf as one array of elements of rdt */
    int me = v->lr[v->rank];
    if (b == 0) {
        return MP_OK;
    }
    _Alignas(16) unsigned char small[MP_COLL_SHM_INLINE];
    int s = -1;
    unsigned char *mine = small;
    if (b > MP_COLL_SHM_INLINE) {
        s = mp_coll_shm_slot_take();
        mine = mp_coll_shm_slot(me, s);
    }
    if (sbuf == MPI_IN_PLACE) {
        mp_datatype_pack(rdt, all, rbuf, (size_t)v->rank * b, mine, b);
    } else {
        size_t sb = mp_datatype_bytes(sdt, scount);
        mp_datatype_pack(sdt, scount, sbuf, 0, mine, sb < b ? sb : b);
        mp_datatype_unpack(rdt, all, rbuf, (size_t)v->rank * b, mine, sb < b ? sb : b);
    }
    for (int k = 1; k < v->size; k++) {
        int i = (v->rank + k) % v->size;
        mp_coll_shm_post(v->lr[i], s, mine, s < 0 ? b : 0);
    }
    /* From the rank below me downwards: the ranks that posted to me first, as I posted upwards. */
    for (int k = 1; k < v->size; k++) {
        int i = (v->rank - k + v->size) % v->size;
        const mp_coll_shm_post_t *p = mp_coll_shm_wait(v->lr[i]);
        const unsigned char *in = p->slot < 0 ? p->data : mp_coll_shm_slot(v->lr[i], p->slot);
        mp_datatype_unpack(rdt, all, rbuf, (size_t)i * b, in, b);
        mp_coll_shm_ack(v->lr[i]);
    }
    return MP_OK;
}
