/*
 * Gather and scatter with their v-variants: the root posts one receive (or send) per rank,
 * straight into (or out of) the user's buffer, so no data is copied on the way; the root's own
 * block is a local copy unless it is MPI_IN_PLACE.
 */
#include <mpi.h>

#include "coll/coll.h"

static char *block(const void *buf, const mp_datatype_t *dt, ptrdiff_t elems)
{
    return (char *)buf + elems * dt->extent;
}

void mp_coll_gatherv(mp_coll_sched_t *s, const void *sbuf, size_t scount, const mp_datatype_t *sdt,
                     void *rbuf, const size_t *rcounts, const ptrdiff_t *displs,
                     const mp_datatype_t *rdt, int root)
{
    const mp_comm_t *comm = mp_coll_sched_comm(s);
    if (comm->rank != root) {
        mp_coll_sched_send(s, sbuf, scount, sdt, root);
        return;
    }
    for (int i = 0; i < comm->size; i++) {
        if (i != root) {
            mp_coll_sched_recv(s, block(rbuf, rdt, displs[i]), rcounts[i], rdt, i);
        }
    }
    if (sbuf != MPI_IN_PLACE) {
        mp_coll_sched_copy(s, sbuf, scount, sdt, block(rbuf, rdt, displs[root]), rcounts[root],
                           rdt);
    }
}

void mp_coll_gather(mp_coll_sched_t *s, const void *sbuf, size_t scount, const mp_datatype_t *sdt,
                    void *rbuf, size_t rcount, const mp_datatype_t *rdt, int root)
{
    const mp_comm_t *comm = mp_coll_sched_comm(s);
    if (comm->rank != root) {
        mp_coll_sched_send(s, sbuf, scount, sdt, root);
        return;
    }
    for (int i = 0; i < comm->size; i++) {
        char *dst = block(rbuf, rdt, (ptrdiff_t)(rcount * (size_t)i));
        if (i != root) {
            mp_coll_sched_recv(s, dst, rcount, rdt, i);
        } else if (sbuf != MPI_IN_PLACE) {
            mp_coll_sched_copy(s, sbuf, scount, sdt, dst, rcount, rdt);
        }
    }
}

void mp_coll_scatterv(mp_coll_sched_t *s, const void *sbuf, const size_t *scounts,
                      const ptrdiff_t *displs, const mp_datatype_t *sdt, void *rbuf, size_t rcount,
                      const mp_datatype_t *rdt, int root)
{
    const mp_comm_t *comm = mp_coll_sched_comm(s);
    if (comm->rank != root) {
        mp_coll_sched_recv(s, rbuf, rcount, rdt, root);
        return;
    }
    for (int i = 0; i < comm->size; i++) {
        if (i != root) {
            mp_coll_sched_send(s, block(sbuf, sdt, displs[i]), scounts[i], sdt, i);
        }
    }
    if (rbuf != MPI_IN_PLACE) {
        mp_coll_sched_copy(s, block(sbuf, sdt, displs[root]), scounts[root], sdt, rbuf, rcount,
                           rdt);
    }
}

void mp_coll_scatter(mp_coll_sched_t *s, const void *sbuf, size_t scount, const mp_datatype_t *sdt,
                     void *rbuf, size_t rcount, const mp_datatype_t *rdt, int root)
{
    const mp_comm_t *comm = mp_coll_sched_comm(s);
    if (comm->rank != root) {
        mp_coll_sched_recv(s, rbuf, rcount, rdt, root);
        return;
    }
    for (int i = 0; i < comm->size; i++) {
        const char *src = block(sbuf, sdt, (ptrdiff_t)(scount * (size_t)i));
        if (i != root) {
            mp_coll_sched_send(s, src, scount, sdt, i);
        } else if (rbuf != MPI_IN_PLACE) {
            mp_coll_sched_copy(s, src, scount, sdt, rbuf, rcount, rdt);
        }
    }
}
