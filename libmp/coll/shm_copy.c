/*
 * The buffers of the single-copy fast paths: what a rank offers its peers to copy out of (its
 * own buffer when contiguous, a packed copy otherwise) and a copy from a peer into any datatype.
 */
#include <stdlib.h>

#include "coll/shm.h"
#include "core/log.h"

/* Bytes a bounce buffer holds when a non-contiguous destination is filled in pieces. */
#define BOUNCE_BYTES (64 * 1024)

mp_status_t mp_coll_shm_src_init(mp_coll_shm_src_t *src, const void *buf, size_t count,
                                 const mp_datatype_t *dt, size_t off, size_t bytes, bool copy)
{
    src->tmp = NULL;
    if (dt->contiguous && !copy) {
        src->base = (const unsigned char *)buf + dt->lb + off;
        return MP_OK;
    }
    src->tmp = malloc(bytes > 0 ? bytes : 1);
    if (src->tmp == NULL) {
        mp_log_error("out of memory packing %zu bytes for a collective", bytes);
        src->base = NULL;
        return MP_ERR_NOMEM;
    }
    mp_datatype_pack(dt, count, buf, off, src->tmp, bytes);
    src->base = src->tmp;
    return MP_OK;
}

void mp_coll_shm_src_fini(mp_coll_shm_src_t *src)
{
    free(src->tmp);
    src->tmp = NULL;
}

mp_status_t mp_coll_shm_get_into(int lr, uint64_t remote, size_t bytes, void *buf, size_t count,
                                 const mp_datatype_t *dt, size_t off)
{
    if (dt->contiguous) {
        return mp_coll_shm_get(lr, (unsigned char *)buf + dt->lb + off, remote, bytes);
    }
    size_t piece = bytes < BOUNCE_BYTES ? bytes : BOUNCE_BYTES;
    unsigned char *bounce = malloc(piece > 0 ? piece : 1);
    if (bounce == NULL) {
        mp_log_error("out of memory for a %zu-byte bounce buffer of a collective", piece);
        return MP_ERR_NOMEM;
    }
    mp_status_t st = MP_OK;
    for (size_t done = 0; done < bytes && st == MP_OK; done += piece) {
        size_t n = bytes - done < piece ? bytes - done : piece;
        st = mp_coll_shm_get(lr, bounce, remote + done, n);
        if (st == MP_OK) {
            mp_datatype_unpack(dt, count, buf, off + done, bounce, n);
        }
    }
    free(bounce);
    return st;
}
