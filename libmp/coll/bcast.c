/*
 * Broadcast: a binomial tree rooted at root for short messages; for long ones on more than two
 * ranks, a binomial scatter of the message followed by a ring allgather (van de Geijn), which
 * moves each byte about twice instead of log2(p) times.
 */
#include "coll/coll.h"

/* Messages from this size on are scattered then gathered around a ring. */
#define BCAST_LONG_BYTES (256 * 1024)

static void bcast_binomial(mp_coll_sched_t *s, void *buf, size_t count, const mp_datatype_t *dt,
                           int root)
{
    const mp_comm_t *comm = mp_coll_sched_comm(s);
    int p = comm->size, rel = (comm->rank - root + p) % p;
    int mask = 1;
    while (mask < p) {
        if (rel & mask) {
            mp_coll_sched_recv(s, buf, count, dt, (rel - mask + root) % p);
            mp_coll_sched_fence(s);
            break;
        }
        mask <<= 1;
    }
    for (mask >>= 1; mask > 0; mask >>= 1) {
        if (rel + mask < p) {
            mp_coll_sched_send(s, buf, count, dt, (rel + mask + root) % p);
        }
    }
}

/* Elements [first, first + n) of segment i of p over count, so that every element is in one. */
static void segment(size_t count, int p, int i, size_t *first_p, size_t *n_p)
{
    size_t base = count / (size_t)p, extra = count % (size_t)p;
    size_t ui = (size_t)i;
    *first_p = ui * base + (ui < extra ? ui : extra);
    *n_p = base + (ui < extra ? 1 : 0);
}

static char *elem_at(void *buf, const mp_datatype_t *dt, size_t i)
{
    return (char *)buf + (ptrdiff_t)i * dt->extent;
}

static void bcast_scatter_ring(mp_coll_sched_t *s, void *buf, size_t count, const mp_datatype_t *dt,
                               int root)
{
    const mp_comm_t *comm = mp_coll_sched_comm(s);
    int p = comm->size, rel = (comm->rank - root + p) % p;
    /* Scatter: relative rank rel ends up with segment rel; a subtree's segments are adjacent. */
    int mask = 1;
    while (mask < p) {
        if (rel & mask) {
            int span = p - rel < mask ? p - rel : mask;
            size_t first, n, last_first, last_n;
            segment(count, p, rel, &first, &n);
            segment(count, p, rel + span - 1, &last_first, &last_n);
            mp_coll_sched_recv(s, elem_at(buf, dt, first), last_first + last_n - first, dt,
                               (rel - mask + root) % p);
            mp_coll_sched_fence(s);
            break;
        }
        mask <<= 1;
    }
    for (mask >>= 1; mask > 0; mask >>= 1) {
        int child = rel + mask;
        if (child < p) {
            int span = p - child < mask ? p - child : mask;
            size_t first, n, last_first, last_n;
            segment(count, p, child, &first, &n);
            segment(count, p, child + span - 1, &last_first, &last_n);
            mp_coll_sched_send(s, elem_at(buf, dt, first), last_first + last_n - first, dt,
                               (child + root) % p);
        }
    }
    mp_coll_sched_fence(s);
    /* Ring allgather of the segments, in relative ranks. */
    int right = (rel + 1) % p, left = (rel - 1 + p) % p;
    for (int k = 0; k < p - 1; k++) {
        int sseg = (rel - k + p) % p, rseg = (rel - k - 1 + p) % p;
        size_t sf, sn, rf, rn;
        segment(count, p, sseg, &sf, &sn);
        segment(count, p, rseg, &rf, &rn);
        mp_coll_sched_recv(s, elem_at(buf, dt, rf), rn, dt, (left + root) % p);
        mp_coll_sched_send(s, elem_at(buf, dt, sf), sn, dt, (right + root) % p);
        mp_coll_sched_fence(s);
    }
}

void mp_coll_bcast(mp_coll_sched_t *s, void *buf, size_t count, const mp_datatype_t *dt, int root)
{
    const mp_comm_t *comm = mp_coll_sched_comm(s);
    size_t bytes = mp_datatype_bytes(dt, count);
    if (comm->size == 1 || bytes == 0) {
        return;
    }
    if (bytes >= BCAST_LONG_BYTES && comm->size > 2 && count >= (size_t)comm->size) {
        bcast_scatter_ring(s, buf, count, dt, root);
    } else {
        bcast_binomial(s, buf, count, dt, root);
    }
}
