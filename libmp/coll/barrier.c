/*
 * Barrier by dissemination: in round k every rank signals rank + 2^k and waits for rank - 2^k,
 * so after ceil(log2 p) rounds every rank has heard, directly or not, from every other.
 */
#include "coll/coll.h"

void mp_coll_barrier(mp_coll_sched_t *s)
{
    const mp_comm_t *comm = mp_coll_sched_comm(s);
    int p = comm->size, r = comm->rank;
    for (int k = 1; k < p; k <<= 1) {
        mp_coll_sched_recv(s, NULL, 0, mp_coll_byte(), (r - k + p) % p);
        mp_coll_sched_send(s, NULL, 0, mp_coll_byte(), (r + k) % p);
        mp_coll_sched_fence(s);
    }
}
