/*
 * Broadcast through node memory. Up to MP_COLL_SHM_INLINE bytes travel inside the root's posts,
 * so the root may run ahead of slow ranks; more is packed into the root's slots, a slot's worth
 * at a time, and every other rank unpacks it straight from there (eight slots take turns, so the
 * root fills the next piece while the last is read). Each post carries the root's byte count: a
 * rank with a smaller buffer keeps what fits. With a core per rank and single copy working,
 * messages from 16 KiB are copied by every rank straight out of the root's buffer (the root's
 * post says where; it returns once all have acknowledged it), and from MP_COLL_SHM_BCAST_MAX
 * on they are left to the point-to-point algorithms, whose transfers the root and the
 * receiver share. Where ranks share cores the slots serve every size: seven single copies of
 * 1 MiB out of one root cost more there than the root's pipeline. The root's post tells the
 * others which way the data comes.
 */
#include <stdint.h>
#include <string.h>

#include "coll/shm.h"

/* The mark a root posts when the point-to-point algorithm moves the data. */
#define TAKE_PT2PT (-2)
/* The mark of a post that says where the root's data is, for a single copy. */
#define TAKE_COPY (-3)

/* Bytes from which single copy wins, with a core per rank and where ranks share cores:
 * measured on 2 cores, see the README's tuning table. */
#define COPY_MIN_OWN (16 * 1024)
#define COPY_MIN_SHARED SIZE_MAX

/* The root's side of a single-copy broadcast. */
static mp_status_t bcast_root_copy(const mp_coll_shm_t *v, const void *buf, size_t count,
                                   const mp_datatype_t *dt, int root)
{
    size_t bytes = mp_datatype_bytes(dt, count);
    mp_coll_shm_src_t src;
    mp_status_t st = mp_coll_shm_src_init(&src, buf, count, dt, 0, bytes, false);
    /* Without a source the others still hear from me, and fail (address 0) rather than wait. */
    mp_coll_shm_addr_t a = {.addr = st == MP_OK ? (uint64_t)(uintptr_t)src.base : 0,
                            .bytes = bytes};
    for (int i = 0; i < v->size; i++) {
        if (i != root) {
            mp_coll_shm_post(v->lr[i], TAKE_COPY, &a, sizeof(a));
        }
    }
    for (int i = 0; i < v->size; i++) {
        if (i != root) {
            mp_coll_shm_drain(v->lr[i]);
        }
    }
    mp_coll_shm_src_fini(&src);
    return st;
}

/* A leaf's side: copies what fits out of the root's buffer, then acknowledges. */
static mp_status_t bcast_leaf_copy(const mp_coll_shm_post_t *p, int from, void *buf, size_t count,
                                   const mp_datatype_t *dt)
{
    mp_coll_shm_addr_t a;
    memcpy(&a, p->data, sizeof(a));
    size_t capacity = mp_datatype_bytes(dt, count);
    mp_status_t st = MP_ERR_PEER; /* the root had nothing to offer: it reports why */
    if (a.addr != 0) {
        st = mp_coll_shm_get_into(from, a.addr, a.bytes < capacity ? a.bytes : capacity, buf, count,
                                  dt, 0);
    }
    mp_coll_shm_ack(from);
    if (st == MP_OK && a.bytes > capacity) {
        st = MP_ERR_TRUNCATE;
    }
    return st;
}

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
        if (p->slot == TAKE_COPY) {
            return bcast_leaf_copy(p, from, buf, count, dt);
        }
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
    if (mp_coll_shm_single_copy(v, bytes, COPY_MIN_OWN, COPY_MIN_SHARED)) {
        return bcast_root_copy(v, buf, count, dt, root);
    }
    bcast_root(v, buf, count, dt, root);
    return MP_OK;
}
