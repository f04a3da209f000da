/*
 * Broadcast through node memory: the root packs the data into its slots, a slot's worth at a
 * time, and posts each piece to every other rank, which unpacks it straight from the root's
 * slot. Two slots take turns, so the root fills the next piece while the last is being read.
 * The pieces follow the root's byte count: a rank with a smaller buffer keeps what fits.
 */
#include "coll/shm.h"

static mp_status_t bcast_root(const mp_coll_shm_t *v, const void *buf, size_t count,
                              const mp_datatype_t *dt, int root)
{
    size_t bytes = mp_datatype_bytes(dt, count);
    size_t off = 0;
    do {
        size_t n = bytes - off < MP_COLL_SHM_SLOT_BYTES ? bytes - off : MP_COLL_SHM_SLOT_BYTES;
        int s = mp_coll_shm_slot_take();
        mp_datatype_pack(dt, count, buf, off, mp_coll_shm_slot(v->lr[root], s), n);
        mp_coll_shm_slot_set_word(s, bytes);
        for (int i = 0; i < v->size; i++) {
            if (i != root) {
                mp_coll_shm_post(v->lr[i], s);
            }
        }
        off += n;
    } while (off < bytes);
    return MP_OK;
}

static mp_status_t bcast_leaf(const mp_coll_shm_t *v, void *buf, size_t count,
                              const mp_datatype_t *dt, int root)
{
    int from = v->lr[root];
    size_t capacity = mp_datatype_bytes(dt, count);
    size_t off = 0, bytes;
    do {
        int s = mp_coll_shm_wait(from);
        bytes = mp_coll_shm_slot_word(from, s);
        size_t n = bytes - off < MP_COLL_SHM_SLOT_BYTES ? bytes - off : MP_COLL_SHM_SLOT_BYTES;
        if (off < capacity) {
            size_t fit = capacity - off < n ? capacity - off : n;
            mp_datatype_unpack(dt, count, buf, off, mp_coll_shm_slot(from, s), fit);
        }
        mp_coll_shm_ack(from);
        off += n;
    } while (off < bytes);
    return bytes > capacity ? MP_ERR_TRUNCATE : MP_OK;
}

mp_status_t mp_coll_shm_bcast(const mp_coll_shm_t *v, void *buf, size_t count,
                              const mp_datatype_t *dt, int root)
{
    if (mp_datatype_bytes(dt, count) == 0) {
        return MP_OK; /* as the point-to-point path: nothing moves */
    }
    if (v->rank == root) {
        return bcast_root(v, buf, count, dt, root);
    }
    return bcast_leaf(v, buf, count, dt, root);
}
