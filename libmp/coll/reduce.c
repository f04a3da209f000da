/*
 * Reduce by a binomial tree: each rank combines the partial results of its subtree, lower ranks
 * on the left, and passes the result up. A commutative op uses the tree rooted at root; a
 * non-commutative one the tree rooted at rank 0, whose subtrees are runs of consecutive ranks,
 * so the result is a0 op a1 op ... op a(p-1) exactly; rank 0 then sends it to root.
 */
#include <mpi.h>

#include "coll/coll.h"

void mp_coll_reduce(mp_coll_sched_t *s, const void *sbuf, void *rbuf, size_t count,
                    const mp_datatype_t *dt, const mp_op_t *op, bool commutative, int root)
{
    const mp_comm_t *comm = mp_coll_sched_comm(s);
    int p = comm->size, r = comm->rank;
    int top = commutative ? root : 0; /* the tree's root */
    int rel = (r - top + p) % p;
    const void *acc = sbuf == MPI_IN_PLACE ? rbuf : sbuf; /* my subtree's result so far */
    void *spare = NULL, *other = NULL;
    int mask = 1;
    for (; mask < p; mask <<= 1) {
        if (rel & mask) {
            break;
        }
        if (rel + mask >= p) {
            continue;
        }
        /* A child: receive its subtree's result (ranks above mine) into a spare buffer. */
        if (spare == NULL) {
            spare = mp_coll_sched_tmp(s, count, dt);
            other = mp_coll_sched_tmp(s, count, dt);
            if (spare == NULL || other == NULL) {
                return;
            }
        }
        mp_coll_sched_recv(s, spare, count, dt, (rel + mask + top) % p);
        mp_coll_sched_fence(s);
        mp_coll_sched_reduce(s, acc, spare, count, dt, op); /* spare = acc op child */
        acc = spare;
        spare = other;
        other = (void *)acc;
    }
    bool at_top = rel == 0;
    if (!at_top) {
        mp_coll_sched_send(s, acc, count, dt, (rel - mask + top) % p);
        mp_coll_sched_fence(s);
    }
    if (top == root) {
        if (at_top) {
            mp_coll_sched_copy(s, acc, count, dt, rbuf, count, dt);
        }
        return;
    }
    /* Non-commutative with root != 0: rank 0 hands the result to root. */
    if (at_top) {
        mp_coll_sched_send(s, acc, count, dt, root);
    } else if (r == root) {
        mp_coll_sched_recv(s, rbuf, count, dt, 0);
    }
}
