/*
 * Collectives on intercommunicators (MPI 4.1 section 6.2.2). Steps inside a group reuse the
 * intracommunicator builders on the local communicator's context; the groups meet through their
 * leaders (rank 0 of each) or, where every pair must exchange data anyway, directly.
 */
#include <mpi.h>

#include "coll/coll.h"

static char *at(const void *buf, ptrdiff_t bytes)
{
    return (char *)buf + bytes;
}

/* Runs the intracommunicator builder calls that follow on the local group. */
static void local_begin(mp_coll_sched_t *s)
{
    mp_coll_sched_fence(s);
    mp_coll_sched_set_local(s, true);
}

static void local_end(mp_coll_sched_t *s)
{
    mp_coll_sched_fence(s);
    mp_coll_sched_set_local(s, false);
}

static bool is_leader(const mp_coll_sched_t *s)
{
    return mp_coll_sched_comm(s)->rank == 0;
}

/* Each group enters a barrier of its own; the leaders then tell each other, and each leader
 * releases its group: nobody leaves before every rank of the other group entered. */
void mp_coll_inter_barrier(mp_coll_sched_t *s)
{
    const mp_datatype_t *byte = mp_coll_byte();
    char *token = mp_coll_sched_tmp(s, 1, byte);
    if (token == NULL) {
        return;
    }
    *token = 0;
    local_begin(s);
    mp_coll_barrier(s);
    local_end(s);
    if (is_leader(s)) {
        mp_coll_sched_recv(s, NULL, 0, byte, 0);
        mp_coll_sched_send(s, NULL, 0, byte, 0);
    }
    local_begin(s);
    mp_coll_bcast(s, token, 1, byte, 0);
    local_end(s);
}

/* The root hands the data to the other group's leader, which broadcasts it in its group. */
void mp_coll_inter_bcast(mp_coll_sched_t *s, void *buf, size_t count, const mp_datatype_t *dt,
                         mp_coll_root_t root)
{
    if (root.in_root_group) {
        if (root.is_root) {
            mp_coll_sched_send(s, buf, count, dt, 0);
            mp_coll_sched_fence(s);
        }
        return;
    }
    if (is_leader(s)) {
        mp_coll_sched_recv(s, buf, count, dt, root.root);
    }
    local_begin(s);
    mp_coll_bcast(s, buf, count, dt, 0);
    local_end(s);
}

/* The root posts one receive (or send) per rank of the other group, straight into (out of) its
 * buffer; each of those ranks sends (receives) its block. */
void mp_coll_inter_gatherv(mp_coll_sched_t *s, bool is_scatter, void *many, const size_t *counts,
                           const ptrdiff_t *displs, const mp_datatype_t *many_dt, void *one,
                           size_t one_count, const mp_datatype_t *one_dt, mp_coll_root_t root)
{
    if (!root.in_root_group) {
        if (is_scatter) {
            mp_coll_sched_recv(s, one, one_count, one_dt, root.root);
        } else {
            mp_coll_sched_send(s, one, one_count, one_dt, root.root);
        }
        mp_coll_sched_fence(s);
        return;
    }
    if (!root.is_root) {
        return;
    }
    int m = mp_comm_peer_size(mp_coll_sched_comm(s));
    for (int i = 0; i < m; i++) {
        char *blk = at(many, displs[i] * many_dt->extent);
        if (is_scatter) {
            mp_coll_sched_send(s, blk, counts[i], many_dt, i);
        } else {
            mp_coll_sched_recv(s, blk, counts[i], many_dt, i);
        }
    }
    mp_coll_sched_fence(s);
}

/* The group's data reduced (in rank order) at its leader into a temporary buffer; NULL on the
 * other ranks, or when out of memory (the failure is remembered by the schedule). */
static void *local_reduce(mp_coll_sched_t *s, const void *sbuf, size_t count,
                          const mp_datatype_t *dt, const mp_op_t *op, bool commutative)
{
    void *acc = is_leader(s) ? mp_coll_sched_tmp(s, count, dt) : NULL;
    if (is_leader(s) && acc == NULL) {
        return NULL;
    }
    local_begin(s);
    mp_coll_reduce(s, sbuf, acc, count, dt, op, commutative, 0);
    local_end(s);
    return acc;
}

/* The group without the root reduces to its leader, which sends the result to the root. */
void mp_coll_inter_reduce(mp_coll_sched_t *s, const void *sbuf, void *rbuf, size_t count,
                          const mp_datatype_t *dt, const mp_op_t *op, bool commutative,
                          mp_coll_root_t root)
{
    if (root.in_root_group) {
        if (root.is_root) {
            mp_coll_sched_recv(s, rbuf, count, dt, 0);
            mp_coll_sched_fence(s);
        }
        return;
    }
    void *acc = local_reduce(s, sbuf, count, dt, op, commutative);
    if (is_leader(s) && acc != NULL) {
        mp_coll_sched_send(s, acc, count, dt, root.root);
        mp_coll_sched_fence(s);
    }
}

/* Each group reduces to its leader; the leaders swap results; each leader broadcasts the other
 * group's result in its own group. */
void mp_coll_inter_allreduce(mp_coll_sched_t *s, const void *sbuf, void *rbuf, size_t count,
                             const mp_datatype_t *dt, const mp_op_t *op, bool commutative)
{
    void *acc = local_reduce(s, sbuf, count, dt, op, commutative);
    if (is_leader(s)) {
        if (acc == NULL) {
            return;
        }
        mp_coll_sched_recv(s, rbuf, count, dt, 0);
        mp_coll_sched_send(s, acc, count, dt, 0);
    }
    local_begin(s);
    mp_coll_bcast(s, rbuf, count, dt, 0);
    local_end(s);
}

/* Every rank needs every remote rank's block: each pair exchanges directly, all at once. */
void mp_coll_inter_allgatherv(mp_coll_sched_t *s, const void *sbuf, size_t scount,
                              const mp_datatype_t *sdt, void *rbuf, const size_t *rcounts,
                              const ptrdiff_t *displs, const mp_datatype_t *rdt)
{
    int m = mp_comm_peer_size(mp_coll_sched_comm(s));
    int r = mp_coll_sched_comm(s)->rank;
    for (int k = 0; k < m; k++) {
        int i = (r + k) % m; /* start at a different peer on each rank */
        mp_coll_sched_recv(s, at(rbuf, displs[i] * rdt->extent), rcounts[i], rdt, i);
        mp_coll_sched_send(s, sbuf, scount, sdt, i);
    }
    mp_coll_sched_fence(s);
}

/* Block i goes to remote rank i and block i comes from it. */
void mp_coll_inter_alltoallw(mp_coll_sched_t *s, const void *sbuf, const size_t *scounts,
                             const ptrdiff_t *sdispls, const mp_datatype_t *const *sdts, void *rbuf,
                             const size_t *rcounts, const ptrdiff_t *rdispls,
                             const mp_datatype_t *const *rdts, bool bytes_displs)
{
    int m = mp_comm_peer_size(mp_coll_sched_comm(s));
    int r = mp_coll_sched_comm(s)->rank;
    for (int k = 0; k < m; k++) {
        int i = (r + k) % m;
        ptrdiff_t soff = bytes_displs ? sdispls[i] : sdispls[i] * sdts[i]->extent;
        ptrdiff_t roff = bytes_displs ? rdispls[i] : rdispls[i] * rdts[i]->extent;
        mp_coll_sched_recv(s, at(rbuf, roff), rcounts[i], rdts[i], i);
        mp_coll_sched_send(s, at(sbuf, soff), scounts[i], sdts[i], i);
    }
    mp_coll_sched_fence(s);
}

/* Each group reduces its whole vector to its leader; the leaders swap them; each leader
 * scatters the other group's result over its group by rcounts. */
void mp_coll_inter_reduce_scatter(mp_coll_sched_t *s, const void *sbuf, void *rbuf,
                                  const size_t *rcounts, const mp_datatype_t *dt, const mp_op_t *op,
                                  bool commutative)
{
    const mp_comm_t *comm = mp_coll_sched_comm(s);
    size_t total = 0;
    for (int i = 0; i < comm->size; i++) {
        total += rcounts[i];
    }
    void *acc = local_reduce(s, sbuf, total, dt, op, commutative);
    void *theirs = NULL;
    ptrdiff_t *displs = NULL;
    if (is_leader(s)) {
        theirs = mp_coll_sched_tmp(s, total, dt);
        displs = mp_coll_sched_tmp(s, (size_t)comm->size * sizeof(ptrdiff_t), mp_coll_byte());
        if (acc == NULL || theirs == NULL || displs == NULL) {
            return;
        }
        ptrdiff_t off = 0;
        for (int i = 0; i < comm->size; i++) {
            displs[i] = off;
            off += (ptrdiff_t)rcounts[i];
        }
        mp_coll_sched_recv(s, theirs, total, dt, 0);
        mp_coll_sched_send(s, acc, total, dt, 0);
    }
    local_begin(s);
    mp_coll_scatterv(s, theirs, rcounts, displs, dt, rbuf, rcounts[comm->rank], dt, 0);
    local_end(s);
}
