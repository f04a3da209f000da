/*
 * Distributed graph topologies (MPI 4.1 section 8.5.4 and 8.5.5): the adjacent form, where each
 * process names its own sources and destinations, the general form, where any process may
 * name any edge and the edges are exchanged so that each process learns its own, and the
 * neighbour queries.
 */
#include <stdlib.h>
#include <string.h>

#include "api/topo.h"
#include "pt2pt/pt2pt.h"

/* ---- Argument checks ---- */

/* Checks n ranks of comm in ranks[] (what names the array). */
static int check_ranks(const char *call, const mp_comm_t *c, const int *ranks, int n,
                       const char *what)
{
    if (n > 0 && ranks == NULL) {
        return mp_api_error(c, call, MPI_ERR_ARG, "%s is NULL; pass an array of %d ranks", what, n);
    }
    for (int i = 0; i < n; i++) {
        if (ranks[i] < 0 || ranks[i] >= c->size) {
            return mp_api_error(c, call, MPI_ERR_RANK, "%s[%d] = %d is out of range 0..%d of %s",
                                what, i, ranks[i], c->size - 1, c->name);
        }
    }
    return MPI_SUCCESS;
}

/* Checks an array of n weights, or MPI_UNWEIGHTED, or MPI_WEIGHTS_EMPTY (n == 0 only). */
static int check_weights(const char *call, const mp_comm_t *c, const int *w, int n,
                         const char *what)
{
    if (w == MPI_UNWEIGHTED) {
        return MPI_SUCCESS;
    }
    if (n == 0) {
        return MPI_SUCCESS; /* MPI_WEIGHTS_EMPTY, NULL or any array: nothing is read */
    }
    if (w == MPI_WEIGHTS_EMPTY || w == NULL) {
        return mp_api_error(c, call, MPI_ERR_ARG,
                            "%s is %s but there are %d edges; pass %d weights or "
                            "MPI_UNWEIGHTED",
                            what, w == NULL ? "NULL" : "MPI_WEIGHTS_EMPTY", n, n);
    }
    for (int i = 0; i < n; i++) {
        if (w[i] < 0) {
            return mp_api_error(c, call, MPI_ERR_ARG,
                                "%s[%d] = %d is negative; weights are 0 or more", what, i, w[i]);
        }
    }
    return MPI_SUCCESS;
}

static int check_degree(const char *call, const mp_comm_t *c, int degree, const char *what)
{
    if (degree < 0) {
        return mp_api_error(c, call, MPI_ERR_ARG, "%s %d is negative", what, degree);
    }
    return MPI_SUCCESS;
}

static int check_info(const char *call, const mp_comm_t *c, MPI_Info info)
{
    /* MPI_INFO_NULL or a valid info object; its hints (reordering) are not used. */
    if (info == MPI_INFO_NULL) {
        return MPI_SUCCESS;
    }
    struct mp_info *obj = NULL;
    return mp_api_info_check(c, call, info, &obj);
}

/* ---- MPI_Dist_graph_create_adjacent ---- */

typedef struct adjacent_args {
    int indegree;
    const int *sources;
    const int *sourceweights; /* NULL: unweighted */
    int outdegree;
    const int *destinations;
    const int *destweights;
} adjacent_args_t;

static mp_status_t build_adjacent(void *arg, int newrank, mp_topo_t **topo_p)
{
    const adjacent_args_t *a = arg;
    (void)newrank; /* ranks keep their order: the given ranks are the new ones */
    return mp_topo_dist_graph_create(a->indegree, a->sources, a->sourceweights, a->outdegree,
                                     a->destinations, a->destweights, topo_p);
}

/* What a weights argument says: -1 unweighted (MPI_UNWEIGHTED), 1 weighted (an array for some
 * edges), 0 nothing (no edges, and MPI_WEIGHTS_EMPTY or an array). */
static int weights_verdict(const int *w, int degree)
{
    if (w == MPI_UNWEIGHTED) {
        return -1;
    }
    return degree > 0 ? 1 : 0;
}

/* The weights to store: NULL when unweighted; a non-NULL dummy for an empty weighted list. */
static const int *weights_of(const int *w, int n, bool weighted)
{
    static const int none[1] = {1};
    if (!weighted) {
        return NULL;
    }
    return n > 0 && w != MPI_UNWEIGHTED ? w : none;
}

#pragma weak MPI_Dist_graph_create_adjacent = PMPI_Dist_graph_create_adjacent
int PMPI_Dist_graph_create_adjacent(MPI_Comm comm_old, int indegree, const int sources[],
                                    const int *sourceweights, int outdegree,
                                    const int destinations[], const int *destweights, MPI_Info info,
                                    int reorder, MPI_Comm *comm_dist_graph)
{
    MP_API_LOCK();
    const char *call = "MPI_Dist_graph_create_adjacent";
    (void)reorder; /* ranks keep their order */
    mp_api_topo_null_out(comm_dist_graph);
    mp_comm_t *c = NULL;
    int rc = mp_api_topo_intra_check(call, comm_old, &c);
    if (rc == MPI_SUCCESS) {
        rc = check_degree(call, c, indegree, "indegree");
    }
    if (rc == MPI_SUCCESS) {
        rc = check_degree(call, c, outdegree, "outdegree");
    }
    if (rc == MPI_SUCCESS) {
        rc = check_ranks(call, c, sources, indegree, "sources");
    }
    if (rc == MPI_SUCCESS) {
        rc = check_ranks(call, c, destinations, outdegree, "destinations");
    }
    if (rc == MPI_SUCCESS) {
        rc = check_weights(call, c, sourceweights, indegree, "sourceweights");
    }
    if (rc == MPI_SUCCESS) {
        rc = check_weights(call, c, destweights, outdegree, "destweights");
    }
    if (rc == MPI_SUCCESS) {
        rc = check_info(call, c, info);
    }
    if (rc == MPI_SUCCESS) {
        rc = mp_api_topo_check_ptr(c, call, comm_dist_graph, "comm_dist_graph");
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    /* Weighted unless MPI_UNWEIGHTED was given; a list without edges has no say. */
    int in_says = weights_verdict(sourceweights, indegree);
    int out_says = weights_verdict(destweights, outdegree);
    if (in_says * out_says < 0) {
        return mp_api_error(c, call, MPI_ERR_ARG,
                            "%s is MPI_UNWEIGHTED but %s is not; pass MPI_UNWEIGHTED for both "
                            "or weights for both",
                            in_says < 0 ? "sourceweights" : "destweights",
                            in_says < 0 ? "destweights" : "sourceweights");
    }
    bool weighted = in_says + out_says > 0 || (in_says == 0 && out_says == 0);
    adjacent_args_t args = {indegree,  sources,      weights_of(sourceweights, indegree, weighted),
                            outdegree, destinations, weights_of(destweights, outdegree, weighted)};
    return mp_api_topo_comm_create(call, c, 0, c->rank, build_adjacent, &args, comm_dist_graph);
}

/* ---- MPI_Dist_graph_create: the exchange of edges ---- */

/* Edges for one process: pairs (peer, weight), its out-edges then its in-edges. */
typedef struct edge_list {
    int nout, nin;
    int *pairs;            /* 2 * (nout + nin) ints */
    int fill_out, fill_in; /* pairs written so far: out-edges from 0, in-edges from nout */
} edge_list_t;

typedef struct exchange {
    mp_comm_t coll; /* the parent on its collective context */
    int tag;
    int size;
    edge_list_t *to; /* what this process tells each process */
    int *hdrs;       /* 2 per process: the nout and nin I tell each process */
    int *counts;     /* 2 per process: the nout and nin each process tells me */
    int *got;        /* the pairs received, concatenated by sender */
} exchange_t;

static void exchange_free(exchange_t *x)
{
    if (x->to != NULL) {
        for (int r = 0; r < x->size; r++) {
            free(x->to[r].pairs);
        }
    }
    free(x->to);
    free(x->hdrs);
    free(x->counts);
    free(x->got);
}

/* Sorts the given edges by the process that must learn them: the source learns an out-edge,
 * the destination an in-edge. Counts first, then fills. */
static mp_status_t exchange_sort(exchange_t *x, int n, const int *sources, const int *degrees,
                                 const int *destinations, const int *weights)
{
    x->to = calloc((size_t)x->size, sizeof(edge_list_t));
    if (x->to == NULL) {
        return MP_ERR_NOMEM;
    }
    for (int i = 0, e = 0; i < n; i++) {
        for (int k = 0; k < degrees[i]; k++, e++) {
            x->to[sources[i]].nout++;
            x->to[destinations[e]].nin++;
        }
    }
    for (int r = 0; r < x->size; r++) {
        edge_list_t *l = &x->to[r];
        l->fill_in = l->nout;
        l->pairs = malloc(sizeof(int) * 2 * (size_t)(l->nout + l->nin + 1));
        if (l->pairs == NULL) {
            return MP_ERR_NOMEM;
        }
    }
    for (int i = 0, e = 0; i < n; i++) {
        for (int k = 0; k < degrees[i]; k++, e++) {
            int w = weights == MPI_UNWEIGHTED ? 1 : weights[e];
            edge_list_t *src = &x->to[sources[i]], *dst = &x->to[destinations[e]];
            src->pairs[2 * src->fill_out] = destinations[e];
            src->pairs[2 * src->fill_out + 1] = w;
            src->fill_out++;
            dst->pairs[2 * dst->fill_in] = sources[i];
            dst->pairs[2 * dst->fill_in + 1] = w;
            dst->fill_in++;
        }
    }
    return MP_OK;
}

/* Sends one message to every process (including this one) and receives one from each: in the
 * counts round, how many out- and in-edges; then the edges. Blocking. */
static mp_status_t exchange_round(exchange_t *x, bool counts_round)
{
    const mp_datatype_t *int_t = mp_datatype_predefined((uintptr_t)MPI_INT);
    int n = x->size;
    mp_request_t **reqs = calloc(2 * (size_t)n, sizeof(*reqs));
    if (reqs == NULL) {
        return MP_ERR_NOMEM;
    }
    mp_status_t st = MP_OK;
    size_t off = 0;
    int nreq = 0;
    for (int r = 0; r < n && st == MP_OK; r++) {
        if (counts_round) {
            st = mp_pt2pt_irecv(&x->counts[2 * r], 2, int_t, r, x->tag, &x->coll, &reqs[nreq++]);
        } else {
            size_t len = 2 * (size_t)(x->counts[2 * r] + x->counts[2 * r + 1]);
            st = mp_pt2pt_irecv(x->got + off, len, int_t, r, x->tag, &x->coll, &reqs[nreq++]);
            off += len;
        }
    }
    for (int r = 0; r < n && st == MP_OK; r++) {
        const edge_list_t *l = &x->to[r];
        if (counts_round) {
            x->hdrs[2 * r] = l->nout;
            x->hdrs[2 * r + 1] = l->nin;
            st = mp_pt2pt_isend(&x->hdrs[2 * r], 2, int_t, r, x->tag, &x->coll, MP_SEND_STANDARD,
                                &reqs[nreq++]);
        } else {
            st = mp_pt2pt_isend(l->pairs, 2 * (size_t)(l->nout + l->nin), int_t, r, x->tag,
                                &x->coll, MP_SEND_STANDARD, &reqs[nreq++]);
        }
    }
    for (int i = 0; i < nreq; i++) {
        mp_request_wait(reqs[i]);
        if (st == MP_OK && reqs[i]->status.error != MP_OK) {
            st = reqs[i]->status.error;
        }
        mp_request_free(reqs[i]);
    }
    free(reqs);
    return st;
}

/* The topology for this process from what every process told it: out-edges first from each
 * sender, in the order of the senders' ranks. */
static mp_status_t exchange_build(const exchange_t *x, bool weighted, mp_topo_t **topo_p)
{
    int nout = 0, nin = 0;
    for (int r = 0; r < x->size; r++) {
        nout += x->counts[2 * r];
        nin += x->counts[2 * r + 1];
    }
    int *lists = malloc(sizeof(int) * 2 * (size_t)(nout + nin + 1));
    if (lists == NULL) {
        return MP_ERR_NOMEM;
    }
    int *out = lists, *outw = lists + nout, *in = lists + 2 * nout, *inw = in + nin;
    const int *p = x->got;
    for (int r = 0, io = 0, ii = 0; r < x->size; r++) {
        for (int k = 0; k < x->counts[2 * r]; k++, io++, p += 2) {
            out[io] = p[0];
            outw[io] = p[1];
        }
        for (int k = 0; k < x->counts[2 * r + 1]; k++, ii++, p += 2) {
            in[ii] = p[0];
            inw[ii] = p[1];
        }
    }
    mp_status_t st = mp_topo_dist_graph_create(nin, in, weighted ? inw : NULL, nout, out,
                                               weighted ? outw : NULL, topo_p);
    free(lists);
    return st;
}

/* Every process tells each process the edges it gave that start or end there. */
static mp_status_t exchange_run(mp_comm_t *parent, int n, const int *sources, const int *degrees,
                                const int *destinations, const int *weights, bool weighted,
                                mp_topo_t **topo_p)
{
    exchange_t x = {.coll = mp_api_topo_coll_comm(parent),
                    .tag = (int)(parent->coll_seq++ & INT32_MAX),
                    .size = parent->size};
    mp_status_t st = exchange_sort(&x, n, sources, degrees, destinations, weights);
    if (st == MP_OK) {
        x.counts = calloc(2 * (size_t)x.size, sizeof(int));
        x.hdrs = calloc(2 * (size_t)x.size, sizeof(int));
        st = x.counts != NULL && x.hdrs != NULL ? MP_OK : MP_ERR_NOMEM;
    }
    if (st == MP_OK) {
        st = exchange_round(&x, true);
    }
    if (st == MP_OK) {
        size_t total = 0;
        for (int r = 0; r < x.size; r++) {
            total += 2 * (size_t)(x.counts[2 * r] + x.counts[2 * r + 1]);
        }
        x.got = malloc(sizeof(int) * (total + 1));
        st = x.got != NULL ? MP_OK : MP_ERR_NOMEM;
    }
    if (st == MP_OK) {
        st = exchange_round(&x, false);
    }
    if (st == MP_OK) {
        st = exchange_build(&x, weighted, topo_p);
    }
    exchange_free(&x);
    return st;
}

static mp_status_t build_taken(void *arg, int newrank, mp_topo_t **topo_p)
{
    (void)newrank; /* ranks keep their order */
    *topo_p = arg;
    return MP_OK;
}

/* Checks the edges of MPI_Dist_graph_create; sets *nedges_p. */
static int check_edges(const char *call, const mp_comm_t *c, int n, const int *sources,
                       const int *degrees, const int *destinations, const int *weights,
                       int *nedges_p)
{
    if (n < 0) {
        return mp_api_error(c, call, MPI_ERR_ARG, "n %d is negative", n);
    }
    int rc = check_ranks(call, c, sources, n, "sources");
    if (rc == MPI_SUCCESS && n > 0 && degrees == NULL) {
        rc = mp_api_error(c, call, MPI_ERR_ARG, "degrees is NULL; pass an array of n = %d", n);
    }
    long long nedges = 0;
    for (int i = 0; i < n && rc == MPI_SUCCESS; i++) {
        if (degrees[i] < 0) {
            rc = mp_api_error(c, call, MPI_ERR_ARG, "degrees[%d] = %d is negative", i, degrees[i]);
        }
        nedges += degrees[i];
    }
    if (rc == MPI_SUCCESS && nedges > INT32_MAX) {
        rc = mp_api_error(c, call, MPI_ERR_ARG, "the degrees add up to %lld edges, too many",
                          nedges);
    }
    if (rc == MPI_SUCCESS) {
        rc = check_ranks(call, c, destinations, (int)nedges, "destinations");
    }
    if (rc == MPI_SUCCESS) {
        rc = check_weights(call, c, weights, (int)nedges, "weights");
    }
    *nedges_p = (int)nedges;
    return rc;
}

#pragma weak MPI_Dist_graph_create = PMPI_Dist_graph_create
int PMPI_Dist_graph_create(MPI_Comm comm_old, int n, const int sources[], const int degrees[],
                           const int destinations[], const int *weights, MPI_Info info, int reorder,
                           MPI_Comm *comm_dist_graph)
{
    MP_API_LOCK();
    const char *call = "MPI_Dist_graph_create";
    (void)reorder; /* ranks keep their order */
    mp_api_topo_null_out(comm_dist_graph);
    mp_comm_t *c = NULL;
    int nedges = 0;
    int rc = mp_api_topo_intra_check(call, comm_old, &c);
    if (rc == MPI_SUCCESS) {
        rc = check_edges(call, c, n, sources, degrees, destinations, weights, &nedges);
    }
    if (rc == MPI_SUCCESS) {
        rc = check_info(call, c, info);
    }
    if (rc == MPI_SUCCESS) {
        rc = mp_api_topo_check_ptr(c, call, comm_dist_graph, "comm_dist_graph");
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    mp_topo_t *topo = NULL;
    mp_status_t st = exchange_run(c, n, sources, degrees, destinations, weights,
                                  weights != MPI_UNWEIGHTED, &topo);
    if (st != MP_OK) {
        return mp_api_error(c, call, mp_api_errclass(st), "cannot exchange the edges: %s",
                            mp_status_string(st));
    }
    rc = mp_api_topo_comm_create(call, c, 0, c->rank, build_taken, topo, comm_dist_graph);
    if (rc != MPI_SUCCESS) {
        mp_topo_release(topo);
    }
    return rc;
}

/* ---- Queries ---- */

#pragma weak MPI_Dist_graph_neighbors_count = PMPI_Dist_graph_neighbors_count
int PMPI_Dist_graph_neighbors_count(MPI_Comm comm, int *indegree, int *outdegree, int *weighted)
{
    MP_API_LOCK();
    const char *call = "MPI_Dist_graph_neighbors_count";
    mp_comm_t *c = NULL;
    const mp_topo_t *t = NULL;
    int rc = mp_api_topo_get(call, comm, MP_TOPO_DIST_GRAPH, &c, &t);
    if (rc == MPI_SUCCESS) {
        rc = mp_api_topo_check_ptr(c, call, indegree, "indegree");
    }
    if (rc == MPI_SUCCESS) {
        rc = mp_api_topo_check_ptr(c, call, outdegree, "outdegree");
    }
    if (rc == MPI_SUCCESS) {
        rc = mp_api_topo_check_ptr(c, call, weighted, "weighted");
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    *indegree = t->indegree;
    *outdegree = t->outdegree;
    *weighted = t->weighted;
    return MPI_SUCCESS;
}

/* Copies up to max of n neighbours, and their weights when w is an array and t is weighted. */
static void copy_neighbors(const int *nbrs, const int *nw, int n, int max, int *out, int *w)
{
    for (int i = 0; i < n && i < max; i++) {
        out[i] = nbrs[i];
        if (nw != NULL && w != MPI_UNWEIGHTED && w != MPI_WEIGHTS_EMPTY && w != NULL) {
            w[i] = nw[i];
        }
    }
}

#pragma weak MPI_Dist_graph_neighbors = PMPI_Dist_graph_neighbors
int PMPI_Dist_graph_neighbors(MPI_Comm comm, int maxindegree, int sources[], int *sourceweights,
                              int maxoutdegree, int destinations[], int *destweights)
{
    MP_API_LOCK();
    const char *call = "MPI_Dist_graph_neighbors";
    mp_comm_t *c = NULL;
    const mp_topo_t *t = NULL;
    int rc = mp_api_topo_get(call, comm, MP_TOPO_DIST_GRAPH, &c, &t);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    if (maxindegree < 0 || maxoutdegree < 0) {
        return mp_api_error(c, call, MPI_ERR_ARG, "%s %d is negative",
                            maxindegree < 0 ? "maxindegree" : "maxoutdegree",
                            maxindegree < 0 ? maxindegree : maxoutdegree);
    }
    if (maxindegree > 0 && t->indegree > 0) {
        rc = mp_api_topo_check_ptr(c, call, sources, "sources");
    }
    if (rc == MPI_SUCCESS && maxoutdegree > 0 && t->outdegree > 0) {
        rc = mp_api_topo_check_ptr(c, call, destinations, "destinations");
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    copy_neighbors(t->in, t->in_weights, t->indegree, maxindegree, sources, sourceweights);
    copy_neighbors(t->out, t->out_weights, t->outdegree, maxoutdegree, destinations, destweights);
    return MPI_SUCCESS;
}
