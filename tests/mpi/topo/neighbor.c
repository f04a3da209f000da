/*
 * Neighbourhood collectives, every form (allgather, allgatherv, alltoall, alltoallv, alltoallw;
 * blocking, nonblocking, several in flight at once, persistent (MPI_Neighbor_X_init, started
 * again and again), and the _c forms) on 2-D and 3-D Cartesian
 * grids, periodic and not (a periodic extent of 1 or 2 makes one process both neighbours: the
 * block sent in direction -1 must land in the +1 block, MPI 4.1 section 8.6), on a general
 * graph with a self-loop and a doubled edge, and on an irregular distributed graph. Every
 * received element is checked against the sender and slot that must have sent it; blocks of
 * MPI_PROC_NULL neighbours and the gaps between blocks must stay untouched.
 */
#include "topotest.h"

#define MAXN 32 /* neighbours at most */
#define UNTOUCHED (-1)

/* A topology, as the test defines it: each process's neighbour lists follow from it. */
typedef struct model {
    const char *name;
    MPI_Comm comm;
    int kind; /* MPI_CART, MPI_GRAPH or MPI_DIST_GRAPH */
    int ndims, dims[3], periods[3];
    int size;
} model_t;

/* ---- The graphs ---- */

/* The out-edges of rank r in the test's graphs: r+1, r+3 (mod n, when n > 3), r itself when r
 * is a multiple of 3, and r+1 a second time on rank 1. */
static int graph_out(int r, int n, int *out)
{
    int k = 0;
    out[k++] = (r + 1) % n;
    if (n > 3) {
        out[k++] = (r + 3) % n;
    }
    if (r % 3 == 0) {
        out[k++] = r;
    }
    if (r == 1) {
        out[k++] = (r + 1) % n;
    }
    return k;
}

/* The in-edges of rank me: every edge s -> me, by s, in the order s lists them. */
static int graph_in(int me, int n, int *in)
{
    int k = 0, out[MAXN];
    for (int s = 0; s < n; s++) {
        int m = graph_out(s, n, out);
        for (int j = 0; j < m; j++) {
            if (out[j] == me) {
                in[k++] = s;
            }
        }
    }
    return k;
}

/* A general graph (MPI_Graph_create) is undirected: each node's list is its out-edges and the
 * reverse of its in-edges, the way the test builds it. */
static int undirected(int r, int n, int *nbrs)
{
    int k = graph_out(r, n, nbrs);
    return k + graph_in(r, n, nbrs + k);
}

/* ---- The model's neighbour lists ---- */

/* The out-neighbours of rank r (the in-neighbours are the same list on Cartesian and general
 * graph topologies). */
static int model_out(const model_t *m, int r, int *out)
{
    if (m->kind == MPI_CART) {
        for (int d = 0; d < m->ndims; d++) {
            out[2 * d] = topo_ref_shift(m->ndims, m->dims, m->periods, r, d, -1);
            out[2 * d + 1] = topo_ref_shift(m->ndims, m->dims, m->periods, r, d, 1);
        }
        return 2 * m->ndims;
    }
    if (m->kind == MPI_GRAPH) {
        return undirected(r, m->size, out);
    }
    return graph_out(r, m->size, out);
}

static int model_in(const model_t *m, int r, int *in)
{
    return m->kind == MPI_DIST_GRAPH ? graph_in(r, m->size, in) : model_out(m, r, in);
}

/* The slot j of its out-list through which in[i]'s sender sends to me (-1: MPI_PROC_NULL).
 * Cartesian: the -1 and +1 blocks swap. Graphs: the k-th edge from p to me is p's k-th edge to
 * me. */
static int sender_slot(const model_t *m, int me, const int *in, int i)
{
    int p = in[i];
    if (p == MPI_PROC_NULL) {
        return -1;
    }
    if (m->kind == MPI_CART) {
        return i ^ 1;
    }
    int k = 0, out[MAXN];
    for (int a = 0; a < i; a++) {
        k += in[a] == p;
    }
    int n = model_out(m, p, out);
    for (int j = 0; j < n; j++) {
        if (out[j] == me && k-- == 0) {
            return j;
        }
    }
    mpt_fail(__FILE__, __LINE__, "%s: the model has no edge %d -> %d", m->name, p, me);
    return 0;
}

/* ---- Data ---- */

/* Element e (< 32768) of the block that sender sends through its out-slot slot (< 128). */
static int value(int sender, int slot, int e)
{
    return ((sender * 128 + slot) << 15) + e;
}

/* Counts of the v and w forms: per edge (sender, slot); allgatherv: per sender (slot 99). */
static int count_of(int sender, int slot)
{
    return 1 + (sender + slot) % 3;
}

static MPI_Datatype type_of(int sender, int slot)
{
    return (sender + slot) % 2 ? MPI_INT : MPI_UNSIGNED;
}

/* Displacements that put blocks in reverse order with a one-element gap after each; returns
 * the elements the buffer needs. */
static int layout(int n, const int *counts, int *displs)
{
    int pos = 0;
    for (int i = n - 1; i >= 0; i--) {
        displs[i] = pos;
        pos += counts[i] + 1;
    }
    return pos + 1;
}

/* What one call exchanges, seen from this process. */
typedef struct plan {
    int indeg, outdeg, in[MAXN], out[MAXN], from_slot[MAXN];
    int scounts[MAXN], sdispls[MAXN], rcounts[MAXN], rdispls[MAXN];
    MPI_Aint sbytes[MAXN], rbytes[MAXN], sdispls_c[MAXN], rdispls_c[MAXN];
    MPI_Count scounts_c[MAXN], rcounts_c[MAXN];
    MPI_Datatype stypes[MAXN], rtypes[MAXN];
    int slen, rlen;
    int *sbuf, *rbuf;
} plan_t;

typedef enum form { ALLGATHER, ALLGATHERV, ALLTOALL, ALLTOALLV, ALLTOALLW } form_t;
static const char *form_names[] = {"allgather", "allgatherv", "alltoall", "alltoallv", "alltoallw"};

/* Fills a plan for form with a block of `count` elements (allgather, alltoall). */
static void plan_make(plan_t *p, const model_t *m, form_t f, int count)
{
    int me;
    MPI_Comm_rank(m->comm, &me);
    p->outdeg = model_out(m, me, p->out);
    p->indeg = model_in(m, me, p->in);
    for (int i = 0; i < p->indeg; i++) {
        p->from_slot[i] = sender_slot(m, me, p->in, i);
    }
    bool v = f == ALLGATHERV || f == ALLTOALLV || f == ALLTOALLW;
    for (int j = 0; j < p->outdeg; j++) {
        p->scounts[j] = f == ALLTOALLV || f == ALLTOALLW ? count_of(me, j) : count;
        p->stypes[j] = f == ALLTOALLW ? type_of(me, j) : MPI_INT;
    }
    for (int i = 0; i < p->indeg; i++) {
        int src = p->in[i], slot = p->from_slot[i];
        int c = src == MPI_PROC_NULL ? 2
                : f == ALLGATHERV    ? count_of(src, 99)
                : v                  ? count_of(src, slot)
                                     : count;
        p->rcounts[i] = c;
        p->rtypes[i] = f == ALLTOALLW && src != MPI_PROC_NULL ? type_of(src, slot) : MPI_INT;
    }
    if (f == ALLGATHER || f == ALLGATHERV) {
        int c = f == ALLGATHERV ? count_of(me, 99) : count;
        p->slen = c;
        p->sbuf = p2p_malloc(sizeof(int) * (size_t)c);
        for (int e = 0; e < c; e++) {
            p->sbuf[e] = value(me, 99, e);
        }
        p->scounts[0] = c;
    } else {
        if (v) {
            p->slen = layout(p->outdeg, p->scounts, p->sdispls);
        } else {
            p->slen = p->outdeg * count;
            for (int j = 0; j < p->outdeg; j++) {
                p->sdispls[j] = j * count;
            }
        }
        p->sbuf = p2p_malloc(sizeof(int) * (size_t)(p->slen + 1));
        for (int j = 0; j < p->outdeg; j++) {
            for (int e = 0; e < p->scounts[j]; e++) {
                p->sbuf[p->sdispls[j] + e] = value(me, j, e);
            }
        }
    }
    if (v) {
        p->rlen = layout(p->indeg, p->rcounts, p->rdispls);
    } else {
        p->rlen = p->indeg * count;
        for (int i = 0; i < p->indeg; i++) {
            p->rdispls[i] = i * count;
        }
    }
    p->rbuf = p2p_malloc(sizeof(int) * (size_t)(p->rlen + 1));
    for (int i = 0; i < p->rlen; i++) {
        p->rbuf[i] = UNTOUCHED;
    }
    for (int j = 0; j < p->outdeg; j++) {
        p->sbytes[j] = (MPI_Aint)sizeof(int) * p->sdispls[j];
        p->sdispls_c[j] = p->sdispls[j];
        p->scounts_c[j] = p->scounts[j];
    }
    for (int i = 0; i < p->indeg; i++) {
        p->rbytes[i] = (MPI_Aint)sizeof(int) * p->rdispls[i];
        p->rdispls_c[i] = p->rdispls[i];
        p->rcounts_c[i] = p->rcounts[i];
    }
}

/* Checks every element of the receive buffer. */
static void plan_verify(const plan_t *p, const model_t *m, form_t f, const char *how)
{
    char *seen = calloc((size_t)p->rlen + 1, 1);
    for (int i = 0; i < p->indeg; i++) {
        int src = p->in[i];
        for (int e = 0; e < p->rcounts[i]; e++) {
            int at = p->rdispls[i] + e;
            int want = src == MPI_PROC_NULL                ? UNTOUCHED
                       : f == ALLGATHER || f == ALLGATHERV ? value(src, 99, e)
                                                           : value(src, p->from_slot[i], e);
            seen[at] = 1;
            MPT_CHECK(p->rbuf[at] == want,
                      "%s %s %s: block %d (from %d, its slot %d) element %d = %d, expected %d",
                      m->name, form_names[f], how, i, src, p->from_slot[i], e, p->rbuf[at], want);
        }
    }
    for (int at = 0; at < p->rlen; at++) {
        MPT_CHECK(seen[at] || p->rbuf[at] == UNTOUCHED,
                  "%s %s %s: element %d between blocks was written (%d)", m->name, form_names[f],
                  how, at, p->rbuf[at]);
    }
    free(seen);
}

/* Checks every element of the receive buffer, then frees the plan's buffers. */
static void plan_check(plan_t *p, const model_t *m, form_t f, const char *how)
{
    plan_verify(p, m, f, how);
    free(p->sbuf);
    free(p->rbuf);
}

/* Starts (request != NULL) or runs the form on plan p. */
static int run_form(plan_t *p, const model_t *m, form_t f, int count, bool large_count,
                    MPI_Request *req)
{
    MPI_Comm c = m->comm;
    switch (f) {
    case ALLGATHER:
        if (large_count) {
            return req ? MPI_Ineighbor_allgather_c(p->sbuf, count, MPI_INT, p->rbuf, count, MPI_INT,
                                                   c, req)
                       : MPI_Neighbor_allgather_c(p->sbuf, count, MPI_INT, p->rbuf, count, MPI_INT,
                                                  c);
        }
        return req ? MPI_Ineighbor_allgather(p->sbuf, count, MPI_INT, p->rbuf, count, MPI_INT, c,
                                             req)
                   : MPI_Neighbor_allgather(p->sbuf, count, MPI_INT, p->rbuf, count, MPI_INT, c);
    case ALLGATHERV:
        if (large_count) {
            return req ? MPI_Ineighbor_allgatherv_c(p->sbuf, p->slen, MPI_INT, p->rbuf,
                                                    p->rcounts_c, p->rdispls_c, MPI_INT, c, req)
                       : MPI_Neighbor_allgatherv_c(p->sbuf, p->slen, MPI_INT, p->rbuf, p->rcounts_c,
                                                   p->rdispls_c, MPI_INT, c);
        }
        return req ? MPI_Ineighbor_allgatherv(p->sbuf, p->slen, MPI_INT, p->rbuf, p->rcounts,
                                              p->rdispls, MPI_INT, c, req)
                   : MPI_Neighbor_allgatherv(p->sbuf, p->slen, MPI_INT, p->rbuf, p->rcounts,
                                             p->rdispls, MPI_INT, c);
    case ALLTOALL:
        if (large_count) {
            return req ? MPI_Ineighbor_alltoall_c(p->sbuf, count, MPI_INT, p->rbuf, count, MPI_INT,
                                                  c, req)
                       : MPI_Neighbor_alltoall_c(p->sbuf, count, MPI_INT, p->rbuf, count, MPI_INT,
                                                 c);
        }
        return req ? MPI_Ineighbor_alltoall(p->sbuf, count, MPI_INT, p->rbuf, count, MPI_INT, c,
                                            req)
                   : MPI_Neighbor_alltoall(p->sbuf, count, MPI_INT, p->rbuf, count, MPI_INT, c);
    case ALLTOALLV:
        if (large_count) {
            return req ? MPI_Ineighbor_alltoallv_c(p->sbuf, p->scounts_c, p->sdispls_c, MPI_INT,
                                                   p->rbuf, p->rcounts_c, p->rdispls_c, MPI_INT, c,
                                                   req)
                       : MPI_Neighbor_alltoallv_c(p->sbuf, p->scounts_c, p->sdispls_c, MPI_INT,
                                                  p->rbuf, p->rcounts_c, p->rdispls_c, MPI_INT, c);
        }
        return req ? MPI_Ineighbor_alltoallv(p->sbuf, p->scounts, p->sdispls, MPI_INT, p->rbuf,
                                             p->rcounts, p->rdispls, MPI_INT, c, req)
                   : MPI_Neighbor_alltoallv(p->sbuf, p->scounts, p->sdispls, MPI_INT, p->rbuf,
                                            p->rcounts, p->rdispls, MPI_INT, c);
    case ALLTOALLW:
        if (large_count) {
            return req ? MPI_Ineighbor_alltoallw_c(p->sbuf, p->scounts_c, p->sbytes, p->stypes,
                                                   p->rbuf, p->rcounts_c, p->rbytes, p->rtypes, c,
                                                   req)
                       : MPI_Neighbor_alltoallw_c(p->sbuf, p->scounts_c, p->sbytes, p->stypes,
                                                  p->rbuf, p->rcounts_c, p->rbytes, p->rtypes, c);
        }
        return req ? MPI_Ineighbor_alltoallw(p->sbuf, p->scounts, p->sbytes, p->stypes, p->rbuf,
                                             p->rcounts, p->rbytes, p->rtypes, c, req)
                   : MPI_Neighbor_alltoallw(p->sbuf, p->scounts, p->sbytes, p->stypes, p->rbuf,
                                            p->rcounts, p->rbytes, p->rtypes, c);
    }
    return MPI_ERR_INTERN;
}

/* Creates the persistent form of f on plan p (MPI_Neighbor_X_init, or its _c form). */
static int init_form(plan_t *p, const model_t *m, form_t f, int count, bool large_count,
                     MPI_Request *req)
{
    MPI_Comm c = m->comm;
    MPI_Info i = MPI_INFO_NULL;
    switch (f) {
    case ALLGATHER:
        return large_count ? MPI_Neighbor_allgather_init_c(p->sbuf, count, MPI_INT, p->rbuf, count,
                                                           MPI_INT, c, i, req)
                           : MPI_Neighbor_allgather_init(p->sbuf, count, MPI_INT, p->rbuf, count,
                                                         MPI_INT, c, i, req);
    case ALLGATHERV:
        return large_count
                   ? MPI_Neighbor_allgatherv_init_c(p->sbuf, p->slen, MPI_INT, p->rbuf,
                                                    p->rcounts_c, p->rdispls_c, MPI_INT, c, i, req)
                   : MPI_Neighbor_allgatherv_init(p->sbuf, p->slen, MPI_INT, p->rbuf, p->rcounts,
                                                  p->rdispls, MPI_INT, c, i, req);
    case ALLTOALL:
        return large_count ? MPI_Neighbor_alltoall_init_c(p->sbuf, count, MPI_INT, p->rbuf, count,
                                                          MPI_INT, c, i, req)
                           : MPI_Neighbor_alltoall_init(p->sbuf, count, MPI_INT, p->rbuf, count,
                                                        MPI_INT, c, i, req);
    case ALLTOALLV:
        return large_count
                   ? MPI_Neighbor_alltoallv_init_c(p->sbuf, p->scounts_c, p->sdispls_c, MPI_INT,
                                                   p->rbuf, p->rcounts_c, p->rdispls_c, MPI_INT, c,
                                                   i, req)
                   : MPI_Neighbor_alltoallv_init(p->sbuf, p->scounts, p->sdispls, MPI_INT, p->rbuf,
                                                 p->rcounts, p->rdispls, MPI_INT, c, i, req);
    case ALLTOALLW:
        return large_count
                   ? MPI_Neighbor_alltoallw_init_c(p->sbuf, p->scounts_c, p->sbytes, p->stypes,
                                                   p->rbuf, p->rcounts_c, p->rbytes, p->rtypes, c,
                                                   i, req)
                   : MPI_Neighbor_alltoallw_init(p->sbuf, p->scounts, p->sbytes, p->stypes, p->rbuf,
                                                 p->rcounts, p->rbytes, p->rtypes, c, i, req);
    }
    return MPI_ERR_INTERN;
}

/* Persistent forms: all five made while the send buffers hold other values (a start sends what
 * they hold then), started together three times with MPI_Startall (the receive buffers reset
 * between rounds), then one of them started alone; the requests go inactive, not null. */
static void check_persistent(const model_t *m, int count, bool large)
{
    plan_t p[5];
    MPI_Request reqs[5];
    const char *how = large ? "persistent _c" : "persistent";
    for (form_t f = ALLGATHER; f <= ALLTOALLW; f++) {
        plan_make(&p[f], m, f, count);
        int *keep = p2p_malloc(sizeof(int) * (size_t)(p[f].slen + 1));
        memcpy(keep, p[f].sbuf, sizeof(int) * (size_t)p[f].slen);
        for (int e = 0; e < p[f].slen; e++) {
            p[f].sbuf[e] = -7;
        }
        P2P_MPI(init_form(&p[f], m, f, count, large, &reqs[f]));
        memcpy(p[f].sbuf, keep, sizeof(int) * (size_t)p[f].slen);
        free(keep);
    }
    for (int round = 0; round < 3; round++) {
        for (form_t f = ALLGATHER; f <= ALLTOALLW; f++) {
            for (int e = 0; e < p[f].rlen; e++) {
                p[f].rbuf[e] = UNTOUCHED;
            }
        }
        P2P_MPI(MPI_Startall(5, reqs));
        P2P_MPI(MPI_Waitall(5, reqs, MPI_STATUSES_IGNORE));
        for (form_t f = ALLGATHER; f <= ALLTOALLW; f++) {
            MPT_CHECK(reqs[f] != MPI_REQUEST_NULL, "%s: Waitall freed a persistent request", how);
            plan_verify(&p[f], m, f, how);
        }
    }
    for (int e = 0; e < p[ALLTOALLV].rlen; e++) {
        p[ALLTOALLV].rbuf[e] = UNTOUCHED;
    }
    P2P_MPI(MPI_Start(&reqs[ALLTOALLV]));
    P2P_MPI(MPI_Wait(&reqs[ALLTOALLV], MPI_STATUS_IGNORE));
    plan_verify(&p[ALLTOALLV], m, ALLTOALLV, how);
    for (form_t f = ALLGATHER; f <= ALLTOALLW; f++) {
        P2P_MPI(MPI_Request_free(&reqs[f]));
        MPT_CHECK(reqs[f] == MPI_REQUEST_NULL, "MPI_Request_free left the request");
        plan_check(&p[f], m, f, how);
    }
}

static void check_model(const model_t *m)
{
    const int count = 3;

    /* Blocking, int counts then MPI_Count counts. */
    for (int large = 0; large <= 1; large++) {
        for (form_t f = ALLGATHER; f <= ALLTOALLW; f++) {
            plan_t p;
            plan_make(&p, m, f, count);
            P2P_MPI(run_form(&p, m, f, count, large, NULL));
            plan_check(&p, m, f, large ? "blocking _c" : "blocking");
        }
    }
    /* Nonblocking: all five in flight at once, completed together. */
    plan_t p[5];
    MPI_Request reqs[5];
    for (form_t f = ALLGATHER; f <= ALLTOALLW; f++) {
        plan_make(&p[f], m, f, count);
        P2P_MPI(run_form(&p[f], m, f, count, false, &reqs[f]));
    }
    P2P_MPI(MPI_Waitall(5, reqs, MPI_STATUSES_IGNORE));
    for (form_t f = ALLGATHER; f <= ALLTOALLW; f++) {
        plan_check(&p[f], m, f, "nonblocking");
    }
    /* Nonblocking _c, completed in reverse order with MPI_Wait, then MPI_Test. */
    for (form_t f = ALLGATHER; f <= ALLTOALLW; f++) {
        plan_make(&p[f], m, f, count);
        P2P_MPI(run_form(&p[f], m, f, count, true, &reqs[f]));
    }
    for (int f = ALLTOALLW; f >= ALLGATHER; f--) {
        if (f == ALLGATHER) {
            int flag = 0;
            while (!flag) {
                P2P_MPI(MPI_Test(&reqs[f], &flag, MPI_STATUS_IGNORE));
            }
        } else {
            P2P_MPI(MPI_Wait(&reqs[f], MPI_STATUS_IGNORE));
        }
        MPT_CHECK(reqs[f] == MPI_REQUEST_NULL, "completion left the request");
        plan_check(&p[f], m, (form_t)f, "nonblocking _c");
    }
    check_persistent(m, count, false);
    check_persistent(m, count, true);
    /* Blocks past the eager limit (rendezvous). */
    plan_t big;
    plan_make(&big, m, ALLTOALL, 20000);
    P2P_MPI(run_form(&big, m, ALLTOALL, 20000, false, NULL));
    plan_check(&big, m, ALLTOALL, "20000 ints per block");
}

static void check_errors(const model_t *m)
{
    int s[MAXN * 4], r[MAXN * 4], counts[MAXN], displs[MAXN];
    MPI_Aint bd[MAXN];
    MPI_Datatype types[MAXN];
    MPI_Request req = MPI_REQUEST_NULL;
    MPI_Comm c = m->comm;
    int me, deg;
    MPI_Comm_rank(c, &me);
    deg = model_out(m, me, counts);

    TOPO_EXPECT_ERR(MPI_ERR_BUFFER,
                    MPI_Neighbor_alltoall(MPI_IN_PLACE, 1, MPI_INT, r, 1, MPI_INT, c));
    TOPO_EXPECT_ERR(MPI_ERR_COUNT, MPI_Neighbor_allgather(s, -1, MPI_INT, r, 1, MPI_INT, c));
    TOPO_EXPECT_ERR(MPI_ERR_TYPE, MPI_Neighbor_alltoall(s, 1, MPI_DATATYPE_NULL, r, 1, MPI_INT, c));
    TOPO_EXPECT_ERR(MPI_ERR_ARG, MPI_Ineighbor_alltoall(s, 1, MPI_INT, r, 1, MPI_INT, c, NULL));
    TOPO_EXPECT_ERR(MPI_ERR_ARG, MPI_Neighbor_alltoall_init(s, 1, MPI_INT, r, 1, MPI_INT, c,
                                                            MPI_INFO_NULL, NULL));
    TOPO_EXPECT_ERR(MPI_ERR_BUFFER, MPI_Neighbor_allgather_init(MPI_IN_PLACE, 1, MPI_INT, r, 1,
                                                                MPI_INT, c, MPI_INFO_NULL, &req));
    TOPO_EXPECT_ERR(MPI_ERR_COUNT, MPI_Neighbor_alltoall_init_c(s, -1, MPI_INT, r, 1, MPI_INT, c,
                                                                MPI_INFO_NULL, &req));
    TOPO_EXPECT_ERR(MPI_ERR_COMM, MPI_Neighbor_alltoall_init(s, 1, MPI_INT, r, 1, MPI_INT,
                                                             MPI_COMM_NULL, MPI_INFO_NULL, &req));
    TOPO_EXPECT_ERR(MPI_ERR_COMM,
                    MPI_Neighbor_alltoall(s, 1, MPI_INT, r, 1, MPI_INT, MPI_COMM_NULL));
    if (deg > 0) {
        for (int j = 0; j < deg; j++) {
            counts[j] = 1;
            displs[j] = j;
            bd[j] = 0;
            types[j] = MPI_INT;
        }
        counts[deg - 1] = -2;
        TOPO_EXPECT_ERR(MPI_ERR_COUNT, MPI_Neighbor_alltoallv(s, counts, displs, MPI_INT, r, counts,
                                                              displs, MPI_INT, c));
        counts[deg - 1] = 1;
        TOPO_EXPECT_ERR(MPI_ERR_ARG, MPI_Neighbor_alltoallv(s, NULL, displs, MPI_INT, r, counts,
                                                            displs, MPI_INT, c));
        types[0] = MPI_DATATYPE_NULL;
        TOPO_EXPECT_ERR(MPI_ERR_TYPE,
                        MPI_Neighbor_alltoallw(s, counts, bd, types, r, counts, bd, types, c));
        TOPO_EXPECT_ERR(MPI_ERR_BUFFER,
                        MPI_Ineighbor_alltoall(NULL, 1, MPI_INT, r, 1, MPI_INT, c, &req));
    }
    MPT_CHECK(req == MPI_REQUEST_NULL, "a failed Ineighbor call set the request");
}

static void run_model(model_t *m)
{
    if (m->comm == MPI_COMM_NULL) {
        return;
    }
    MPI_Comm_set_errhandler(m->comm, MPI_ERRORS_RETURN);
    MPI_Comm_size(m->comm, &m->size);
    check_model(m);
    check_errors(m);
    /* A duplicate keeps the topology, and its collectives are its own. */
    model_t dup = *m;
    P2P_MPI(MPI_Comm_dup(m->comm, &dup.comm));
    MPI_Comm_set_errhandler(dup.comm, MPI_ERRORS_RETURN);
    check_model(&dup);
    P2P_MPI(MPI_Comm_free(&dup.comm));
    P2P_MPI(MPI_Comm_free(&m->comm));
}

static void cart_model(const char *name, int ndims, const int *periods)
{
    int size;
    model_t m = {.name = name, .kind = MPI_CART, .ndims = ndims};

    MPI_Comm_size(MPI_COMM_WORLD, &size);
    MPI_Dims_create(size, ndims, m.dims);
    memcpy(m.periods, periods, sizeof(int) * (size_t)ndims);
    P2P_MPI(MPI_Cart_create(MPI_COMM_WORLD, ndims, m.dims, m.periods, 0, &m.comm));
    run_model(&m);
}

int main(int argc, char **argv)
{
    int rank, size;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mpt_set_rank(rank);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN); /* errors without a communicator */
    if (size > 16) {
        fprintf(stderr, "run with at most 16 processes\n");
        MPI_Abort(MPI_COMM_WORLD, 2);
    }

    cart_model("2-D periodic grid", 2, (int[]){1, 1});
    cart_model("2-D non-periodic grid", 2, (int[]){0, 0});
    cart_model("periodic ring", 1, (int[]){1});
    cart_model("3-D grid, periodic in 0 and 2", 3, (int[]){1, 0, 1});

    /* An irregular distributed graph, as adjacent lists. */
    model_t dg = {.name = "distributed graph", .kind = MPI_DIST_GRAPH, .size = size};
    int in[MAXN], out[MAXN];
    int nin = graph_in(rank, size, in), nout = graph_out(rank, size, out);
    P2P_MPI(MPI_Dist_graph_create_adjacent(MPI_COMM_WORLD, nin, in, MPI_UNWEIGHTED, nout, out,
                                           MPI_UNWEIGHTED, MPI_INFO_NULL, 0, &dg.comm));
    run_model(&dg);

    /* The same edges as an undirected general graph. */
    model_t g = {.name = "general graph", .kind = MPI_GRAPH, .size = size};
    int index[16], edges[16 * MAXN], e = 0;
    for (int r = 0; r < size; r++) {
        e += undirected(r, size, edges + e);
        index[r] = e;
    }
    P2P_MPI(MPI_Graph_create(MPI_COMM_WORLD, size, index, edges, 0, &g.comm));
    run_model(&g);

    MPI_Finalize();
    return mpt_finish(rank);
}
