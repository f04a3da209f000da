/*
 * Reduce of two ranks by single copy, for large contiguous data: the root copies the first half
 * of the other rank's data out of its buffer while the other writes the second half into the
 * root's, so both cores move data at once and each half crosses once; then the root folds. The
 * reduce-scatter of shm_reduce_copy.c would have the root wait for a second round.
 */
#include <mpi.h>
#include <string.h>

#include "coll/shm.h"
#include "core/log.h"
#include "util/memcheck.h"

/* What each rank posts first: where its half of the transfer goes or comes from. */
typedef struct pair_post {
    uint64_t addr;  /* the root: where the other's data goes; the other: its data (0: none) */
    int32_t status; /* the other's second post: how its write went */
} pair_post_t;

/* Folds elements [lo, hi) of the two operands: inout = in op inout. */
static mp_status_t fold(const mp_op_t *op, const mp_datatype_t *dt, const unsigned char *in,
                        unsigned char *inout, size_t lo, size_t hi)
{
    size_t off = lo * dt->size;
    /* The op sees buffers as the user's: the data starts lb past the address. */
    return mp_op_reduce(op, in + off - dt->lb, inout + off - dt->lb, hi - lo, dt);
}

/* The root: the other's data lands in dest (my result buffer, or scratch when that holds my
 * data or the op's order needs mine in place), then each half is folded in rank order. */
static mp_status_t pair_root(const mp_coll_shm_t *v, const unsigned char *mine, unsigned char *out,
                             bool in_place, size_t count, const mp_datatype_t *dt,
                             const mp_op_t *op)
{
    int other = v->lr[1 - v->rank];
    size_t es = dt->size, bytes = count * es, half = count / 2;
    bool left = v->rank == 0; /* my data is the left operand */
    bool commutative = mp_op_is_commutative(op);
    /* out = mine op other lands straight in out; other op mine needs mine in out first. */
    bool direct = !in_place && (left || commutative);
    unsigned char *dest = direct ? out : mp_coll_shm_scratch(bytes);
    mp_status_t st = MP_OK;
    if (dest == NULL) {
        mp_log_error("out of memory for %zu bytes of reduction scratch", bytes);
        st = MP_ERR_NOMEM;
    }
    pair_post_t mine_post = {.addr = (uint64_t)(uintptr_t)dest};
    mp_coll_shm_post(other, -1, &mine_post, sizeof(mine_post));
    pair_post_t p;
    memcpy(&p, mp_coll_shm_wait(other)->data, sizeof(p));
    if (st == MP_OK) {
        st = p.addr != 0 ? mp_coll_shm_get(other, dest, p.addr, half * es) : MP_ERR_PEER;
    }
    mp_coll_shm_ack(other);
    /* Where the fold reads and writes: out = mine op out, out = dest op out (my data copied to
     * out first), or dest = out op dest (my data in out), copied back. */
    bool back = !direct && left && !commutative && in_place;
    const unsigned char *in = direct ? mine : back ? out : dest;
    unsigned char *inout = direct || !back ? out : dest;
    if (st == MP_OK && !direct && !back && !in_place) {
        memcpy(out, mine, bytes);
    }
    /* The first half is in while the other still writes the second: fold it now, warm. */
    mp_status_t rc = st == MP_OK ? fold(op, dt, in, inout, 0, half) : st;
    memcpy(&p, mp_coll_shm_wait(other)->data, sizeof(p));
    mp_coll_shm_ack(other);
    if (st == MP_OK) {
        st = p.status != MP_OK ? (mp_status_t)p.status : rc;
    }
    if (st == MP_OK) {
        MP_MEM_DEFINED(dest + half * es, (count - half) * es); /* the other wrote it */
        st = fold(op, dt, in, inout, half, count);
    }
    if (st == MP_OK && back) {
        memcpy(out, dest, bytes);
    }
    return st;
}

/* The other rank: offers its data, writes the second half where the root says, reports. */
static mp_status_t pair_other(const mp_coll_shm_t *v, const unsigned char *mine, size_t count,
                              const mp_datatype_t *dt)
{
    int root = v->lr[1 - v->rank];
    size_t es = dt->size, half = count / 2;
    pair_post_t mine_post = {.addr = (uint64_t)(uintptr_t)mine};
    mp_coll_shm_post(root, -1, &mine_post, sizeof(mine_post));
    pair_post_t p;
    memcpy(&p, mp_coll_shm_wait(root)->data, sizeof(p));
    mp_status_t st = MP_ERR_PEER; /* the root had nowhere to put it: it reports why */
    if (p.addr != 0) {
        st = mp_coll_shm_put(root, mine + half * es, p.addr + half * es, (count - half) * es);
    }
    mp_coll_shm_ack(root);
    mine_post.status = st;
    mp_coll_shm_post(root, -1, &mine_post, sizeof(mine_post));
    /* The root reads the first half of my data until it acknowledges my posts. */
    mp_coll_shm_drain(root);
    return st == MP_ERR_PEER ? MP_OK : st;
}

mp_status_t mp_coll_shm_reduce_pair(const mp_coll_shm_t *v, const void *sbuf, void *rbuf,
                                    size_t count, const mp_datatype_t *dt, const mp_op_t *op,
                                    int root)
{
    bool in_place = sbuf == MPI_IN_PLACE;
    const unsigned char *mine = (const unsigned char *)(in_place ? rbuf : sbuf) + dt->lb;
    if (v->rank != root) {
        return pair_other(v, mine, count, dt);
    }
    return pair_root(v, mine, (unsigned char *)rbuf + dt->lb, in_place, count, dt, op);
}
