/*
 * Broadcast through node memory. Up to MP_COLL_SHM_INLINE bytes travel inside the root's posts,
 * so the root may run ahead of slow ranks; more is packed into the root's slots, a slot's worth
 * at a time, and every other rank unpacks it straight from there (two slots take turns, so the
 * root fills the next piece while the last is read). Each post carries the root's byte count: a
 * rank with a smaller buffer keeps what fits. Large messages are left to the point-to-point
 * algorithms, whose single copies beat two; the root's post tells the others so.
 */
#include <stdint.h>
#include <string.h>

#include "coll/shm.h"

/* The mark a root posts when the point-to-point algorithm moves the data. */
#define TAKE_PT2PT (-2)

static void bcast_root(const mp_coll_shm_t *v, const void *buf, size_t count,
                       const mp_datatype_t *dt, int root)
{
    size_t bytes = mp_datatype_bytes(dt, count);
    if (bytes <= MP_COLL_SHM_INLINE) {
        _Alignas(16) unsigned char data[MP_COLL_SHM_INLINE];
        if (bytes > 0) {
            mp_datatype_pack(dt, count, buf, 0, data, bytes);
        }
        for (int i = 0; i < v->size; i++) {
            if (i != root) {
                mp_coll_shm_post(v->lr[i], -1, data, bytes);
            }
        }
        return;
    }
    uint64_t total = bytes;
    for (size_t off = 0; off < bytes; off += MP_COLL_SHM_SLOT_BYTES) {
        size_t n = bytes - off < MP_COLL_SHM_SLOT_BYTES ? bytes - off : MP_COLL_SHM_SLOT_BYTES;
        int s = mp_coll_shm_slot_take();
        mp_datatype_pack(dt, count, buf, off, mp_coll_shm_slot(v->lr[root], s), n);
        for (int i = 0; i < v->size; i++) {
            if (i != root) {
                mp_coll_shm_post(v->lr[i], s, &total, sizeof(total));
            }
        }
    }
}

/* Unpacks n bytes of the stream at offset off into my buffer, as far as it holds them. */
static void take(void *buf, size_t count, const mp_datatype_t *dt, size_t off, const void *data,
                 size_t n)
{
    size_t capacity = mp_datatype_bytes(dt, count);
    if (off < capacity) {
        mp_datatype_unpack(dt, count, buf, off, data, capacity - off < n ? capacity - off : n);
    }
}

static mp_status_t bcast_leaf(const mp_coll_shm_t *v, void *buf, size_t count,
                              const mp_datatype_t *dt, int root, bool *pt2pt_p)
{
    int from = v->lr[root];
    size_t bytes = 0;
    for (size_t off = 0; off == 0 || off < bytes; off += MP_COLL_SHM_SLOT_BYTES) {
        const mp_coll_shm_post_t *p = mp_coll_shm_wait(from);
        if (p->slot == TAKE_PT2PT) {
            mp_coll_shm_ack(from);
            *pt2pt_p = true;
            return MP_OK;
        }
        if (p->slot < 0) {
            bytes = p->len;
            take(buf, count, dt, 0, p->data, bytes);
            mp_coll_shm_ack(from);
            break;
        }
        uint64_t total;
        memcpy(&total, p->data, sizeof(total));
        bytes = (size_t)total;
        size_t n = bytes - off < MP_COLL_SHM_SLOT_BYTES ? bytes - off : MP_COLL_SHM_SLOT_BYTES;
        take(buf, count, dt, off, mp_coll_shm_slot(from, p->slot), n);
        mp_coll_shm_ack(from);
    }
    return bytes > mp_datatype_bytes(dt, count) ? MP_ERR_TRUNCATE : MP_OK;
}

mp_status_t mp_coll_shm_bcast(const mp_coll_shm_t *v, void *buf, size_t count,
                              const mp_datatype_t *dt, int root, bool *pt2pt_p)
{
    size_t bytes = mp_datatype_bytes(dt, count);
    *pt2pt_p = false;
    /* Every rank takes part even without data (an empty post): ranks whose counts disagree
     * then still consume the same posts, and the error shows as a truncation. */
    if (v->rank != root) {
        return bcast_leaf(v, buf, count, dt, root, pt2pt_p);
    }
    if (bytes >= mp_coll_shm_bcast_max()) {
        for (int i = 0; i < v->size; i++) {
            if (i != root) {
                mp_coll_shm_post(v->lr[i], TAKE_PT2PT, NULL, 0);
            }
        }
        *pt2pt_p = true;
        return MP_OK;
    }
    bcast_root(v, buf, count, dt, root);
    return MP_OK;
}
