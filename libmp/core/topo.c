/*
 * Virtual topologies: the objects stored in comm->topo and the arithmetic of grids and graphs
 * (balanced dimensions, coordinates, shifts, neighbour lists). Pure functions of their
 * arguments; the API layer checks what users pass before calling them.
 */
#include "core/topo.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <mpi.h> /* MPI_PROC_NULL: the constant only, as pt2pt uses it */

/* ---- Allocation ---- */

/* A copy of n ints (NULL when src is NULL); *ok is cleared when out of memory. */
static int *ints_dup(const int *src, int n, bool *ok)
{
    if (src == NULL) {
        return NULL;
    }
    int *p = malloc(sizeof(int) * (size_t)(n > 0 ? n : 1));
    if (p == NULL) {
        *ok = false;
        return NULL;
    }
    if (n > 0) {
        memcpy(p, src, sizeof(int) * (size_t)n);
    }
    return p;
}

static int *ints_alloc(int n, bool *ok)
{
    int *p = calloc((size_t)(n > 0 ? n : 1), sizeof(int));
    if (p == NULL) {
        *ok = false;
    }
    return p;
}

void mp_topo_release(void *topo)
{
    mp_topo_t *t = topo;
    if (t == NULL) {
        return;
    }
    free(t->dims);
    free(t->period);
    free(t->index);
    free(t->edges);
    free(t->in);
    free(t->out);
    free(t->in_weights);
    free(t->out_weights);
    free(t);
}

/* ---- Balanced dimensions ---- */

/* The search for the most balanced factorisation: factors are chosen in non-increasing order,
 * so the first is the largest and the last the smallest. Candidates are the divisors of the
 * number to factor (at most 1344 for an int), in increasing order. */
#define DIMS_MAX_FACTORS 32 /* 2^31 > INT_MAX: more free dimensions than this are all 1 */

typedef struct dims_search {
    int k;           /* factors to choose */
    const int *divs; /* the divisors, increasing */
    int ndivs;
    int cur[DIMS_MAX_FACTORS];  /* the factors chosen so far */
    int best[DIMS_MAX_FACTORS]; /* the best complete choice */
    long best_diff;             /* largest minus smallest of best; LONG_MAX while none */
    int best_min;               /* smallest factor of best: the tie-break, larger wins (MPICH) */
    long best_sq;               /* sum of squares of best: then smaller is more even */
} dims_search_t;

static void dims_consider(dims_search_t *s)
{
    long diff = (long)s->cur[0] - s->cur[s->k - 1];
    long sq = 0;
    for (int i = 0; i < s->k; i++) {
        sq += (long)s->cur[i] * s->cur[i];
    }
    int smallest = s->cur[s->k - 1];
    bool better = diff < s->best_diff;
    if (diff == s->best_diff) {
        better = smallest > s->best_min || (smallest == s->best_min && sq < s->best_sq);
    }
    if (better) {
        s->best_min = smallest;
        s->best_diff = diff;
        s->best_sq = sq;
        memcpy(s->best, s->cur, sizeof(int) * (size_t)s->k);
    }
}

/* Whether f^slots >= rem: a non-increasing choice of slots factors of product rem starts with
 * such an f. */
static bool pow_reaches(int f, int slots, int rem)
{
    long long p = 1;
    for (int i = 0; i < slots && p < rem; i++) {
        p *= f;
    }
    return p >= rem;
}

static void dims_search(dims_search_t *s, int depth, int rem, int maxf)
{
    int slots = s->k - depth;
    if (slots == 1) {
        if (rem <= maxf) {
            s->cur[depth] = rem;
            dims_consider(s);
        }
        return;
    }
    for (int i = s->ndivs - 1; i >= 0; i--) {
        int f = s->divs[i];
        if (f > maxf || f > rem || rem % f != 0) {
            continue;
        }
        if (!pow_reaches(f, slots, rem)) {
            break; /* smaller f cannot be the largest of the remaining factors */
        }
        /* Every later factor is at most f, so the spread is at least cur[0] - f. */
        if (depth > 0 && (long)s->cur[0] - f > s->best_diff) {
            break;
        }
        s->cur[depth] = f;
        dims_search(s, depth + 1, rem / f, f);
    }
}

/* The divisors of n >= 1 in increasing order into divs (room for 2048); returns how many. */
static int divisors(int n, int *divs)
{
    int lo = 0, hi = 0;
    int large[1024];
    for (int f = 1; (long long)f * f <= n; f++) {
        if (n % f == 0) {
            divs[lo++] = f;
            if (f != n / f) {
                large[hi++] = n / f;
            }
        }
    }
    while (hi > 0) {
        divs[lo++] = large[--hi];
    }
    return lo;
}

mp_status_t mp_topo_dims_create(int nnodes, int ndims, int *dims)
{
    long long fixed = 1;
    int nfree = 0;
    for (int i = 0; i < ndims; i++) {
        if (dims[i] > 0) {
            fixed *= dims[i];
            if (fixed > nnodes) {
                return MP_ERR_INVALID;
            }
        } else {
            nfree++;
        }
    }
    if (nnodes < 1 || nnodes % fixed != 0) {
        return MP_ERR_INVALID;
    }
    int rem = (int)(nnodes / fixed);
    if (nfree == 0) {
        return rem == 1 ? MP_OK : MP_ERR_INVALID;
    }
    int divs[2048];
    dims_search_t s = {.k = nfree < DIMS_MAX_FACTORS ? nfree : DIMS_MAX_FACTORS,
                       .divs = divs,
                       .ndivs = divisors(rem, divs),
                       .best_diff = LONG_MAX,
                       .best_sq = LONG_MAX};
    dims_search(&s, 0, rem, rem);
    for (int i = 0, j = 0; i < ndims; i++) {
        if (dims[i] == 0) {
            dims[i] = j < s.k ? s.best[j] : 1;
            j++;
        }
    }
    return MP_OK;
}

/* ---- Cartesian grids ---- */

int mp_topo_cart_size(int ndims, const int *dims)
{
    long long n = 1;
    for (int i = 0; i < ndims; i++) {
        n *= dims[i];
        if (n > INT_MAX) {
            return -1;
        }
    }
    return (int)n;
}

/* The neighbour lists of rank: per dimension, the -1 then the +1 neighbour. */
static void cart_fill_neighbors(mp_topo_t *t, int rank)
{
    for (int d = 0; d < t->ndims; d++) {
        int src, dst;
        mp_topo_cart_shift(t, rank, d, 1, &src, &dst);
        t->in[2 * d] = src;
        t->in[2 * d + 1] = dst;
    }
    if (t->ndims > 0) {
        memcpy(t->out, t->in, sizeof(int) * 2 * (size_t)t->ndims);
    }
}

mp_status_t mp_topo_cart_create(int ndims, const int *dims, const int *periods, int rank,
                                mp_topo_t **topo_p)
{
    mp_topo_t *t = calloc(1, sizeof(*t));
    if (t == NULL) {
        return MP_ERR_NOMEM;
    }
    bool ok = true;
    t->kind = MP_TOPO_CART;
    t->ndims = ndims;
    t->dims = ints_alloc(ndims, &ok);
    t->period = calloc((size_t)(ndims > 0 ? ndims : 1), sizeof(bool));
    t->indegree = t->outdegree = 2 * ndims;
    t->in = ints_alloc(2 * ndims, &ok);
    t->out = ints_alloc(2 * ndims, &ok);
    if (!ok || t->period == NULL) {
        mp_topo_release(t);
        return MP_ERR_NOMEM;
    }
    for (int i = 0; i < ndims; i++) {
        t->dims[i] = dims[i];
        t->period[i] = periods != NULL && periods[i] != 0;
    }
    cart_fill_neighbors(t, rank);
    *topo_p = t;
    return MP_OK;
}

mp_status_t mp_topo_cart_rank(const mp_topo_t *topo, const int *coords, int *rank_p)
{
    int rank = 0;
    for (int d = 0; d < topo->ndims; d++) {
        int n = topo->dims[d];
        int c = coords[d];
        if (c < 0 || c >= n) {
            if (!topo->period[d]) {
                return MP_ERR_INVALID;
            }
            c %= n;
            if (c < 0) {
                c += n;
            }
        }
        rank = rank * n + c;
    }
    *rank_p = rank;
    return MP_OK;
}

void mp_topo_cart_coords(const mp_topo_t *topo, int rank, int *coords)
{
    for (int d = topo->ndims - 1; d >= 0; d--) {
        coords[d] = rank % topo->dims[d];
        rank /= topo->dims[d];
    }
}

/* The rank displaced by disp from rank along dim, or MPI_PROC_NULL past a non-periodic edge. */
static int cart_displaced(const mp_topo_t *topo, int rank, int dim, int disp)
{
    int n = topo->dims[dim];
    int stride = 1;
    for (int d = dim + 1; d < topo->ndims; d++) {
        stride *= topo->dims[d];
    }
    int c = (rank / stride) % n;
    long long moved = (long long)c + disp;
    if (moved < 0 || moved >= n) {
        if (!topo->period[dim]) {
            return MPI_PROC_NULL;
        }
        moved %= n;
        if (moved < 0) {
            moved += n;
        }
    }
    return rank + ((int)moved - c) * stride;
}

void mp_topo_cart_shift(const mp_topo_t *topo, int rank, int dim, int disp, int *source_p,
                        int *dest_p)
{
    *source_p = cart_displaced(topo, rank, dim, -disp);
    *dest_p = cart_displaced(topo, rank, dim, disp);
}

void mp_topo_cart_sub_split(const mp_topo_t *topo, int rank, const int *remain_dims, int *color_p,
                            int *key_p)
{
    int color = 0, key = 0;
    int stride = mp_topo_cart_size(topo->ndims, topo->dims);
    for (int d = 0; d < topo->ndims; d++) {
        stride /= topo->dims[d];
        int c = (rank / stride) % topo->dims[d];
        if (remain_dims[d]) {
            key = key * topo->dims[d] + c;
        } else {
            color = color * topo->dims[d] + c;
        }
    }
    *color_p = color;
    *key_p = key;
}

mp_status_t mp_topo_cart_sub_create(const mp_topo_t *topo, const int *remain_dims, int newrank,
                                    mp_topo_t **topo_p)
{
    /* Heap, not stack: ndims is the user's, and dimensions of extent 1 cost no processes. */
    int *dims = malloc(sizeof(int) * 2 * (size_t)(topo->ndims + 1));
    if (dims == NULL) {
        return MP_ERR_NOMEM;
    }
    int *periods = dims + topo->ndims + 1;
    int n = 0;
    for (int d = 0; d < topo->ndims; d++) {
        if (remain_dims[d]) {
            dims[n] = topo->dims[d];
            periods[n] = topo->period[d];
            n++;
        }
    }
    mp_status_t st = mp_topo_cart_create(n, dims, periods, newrank, topo_p);
    free(dims);
    return st;
}

/* ---- Graphs ---- */

void mp_topo_graph_neighbors(const mp_topo_t *topo, int rank, int *count_p, const int **nbrs_p)
{
    int start = rank == 0 ? 0 : topo->index[rank - 1];
    *count_p = topo->index[rank] - start;
    *nbrs_p = topo->edges + start;
}

mp_status_t mp_topo_graph_create(int nnodes, const int *index, const int *edges, int rank,
                                 mp_topo_t **topo_p)
{
    mp_topo_t *t = calloc(1, sizeof(*t));
    if (t == NULL) {
        return MP_ERR_NOMEM;
    }
    bool ok = true;
    int nedges = nnodes > 0 ? index[nnodes - 1] : 0;
    t->kind = MP_TOPO_GRAPH;
    t->nnodes = nnodes;
    t->index = ints_dup(index, nnodes, &ok);
    t->edges = ints_dup(edges != NULL ? edges : index, nedges, &ok);
    if (!ok) {
        mp_topo_release(t);
        return MP_ERR_NOMEM;
    }
    int count = 0;
    const int *nbrs = NULL;
    mp_topo_graph_neighbors(t, rank, &count, &nbrs);
    t->indegree = t->outdegree = count;
    t->in = ints_dup(nbrs, count, &ok);
    t->out = ints_dup(nbrs, count, &ok);
    if (!ok) {
        mp_topo_release(t);
        return MP_ERR_NOMEM;
    }
    *topo_p = t;
    return MP_OK;
}

mp_status_t mp_topo_dist_graph_create(int indegree, const int *sources, const int *sourceweights,
                                      int outdegree, const int *destinations,
                                      const int *destweights, mp_topo_t **topo_p)
{
    mp_topo_t *t = calloc(1, sizeof(*t));
    if (t == NULL) {
        return MP_ERR_NOMEM;
    }
    bool ok = true;
    t->kind = MP_TOPO_DIST_GRAPH;
    t->indegree = indegree;
    t->outdegree = outdegree;
    t->in = ints_alloc(indegree, &ok);
    t->out = ints_alloc(outdegree, &ok);
    t->weighted = sourceweights != NULL || destweights != NULL;
    if (t->weighted) {
        t->in_weights = ints_alloc(indegree, &ok);
        t->out_weights = ints_alloc(outdegree, &ok);
    }
    if (!ok) {
        mp_topo_release(t);
        return MP_ERR_NOMEM;
    }
    for (int i = 0; i < indegree; i++) {
        t->in[i] = sources[i];
        if (t->weighted) {
            t->in_weights[i] = sourceweights != NULL ? sourceweights[i] : 1;
        }
    }
    for (int i = 0; i < outdegree; i++) {
        t->out[i] = destinations[i];
        if (t->weighted) {
            t->out_weights[i] = destweights != NULL ? destweights[i] : 1;
        }
    }
    *topo_p = t;
    return MP_OK;
}

mp_status_t mp_topo_dup(const mp_topo_t *topo, mp_topo_t **copy_p)
{
    mp_topo_t *t = calloc(1, sizeof(*t));
    if (t == NULL) {
        return MP_ERR_NOMEM;
    }
    bool ok = true;
    *t = *topo;
    int nedges = topo->edges != NULL && topo->nnodes > 0 ? topo->index[topo->nnodes - 1] : 0;
    t->dims = ints_dup(topo->dims, topo->ndims, &ok);
    t->period = NULL;
    if (topo->period != NULL) {
        t->period = malloc(sizeof(bool) * (size_t)(topo->ndims > 0 ? topo->ndims : 1));
        if (t->period == NULL) {
            ok = false;
        } else if (topo->ndims > 0) {
            memcpy(t->period, topo->period, sizeof(bool) * (size_t)topo->ndims);
        }
    }
    t->index = ints_dup(topo->index, topo->nnodes, &ok);
    t->edges = ints_dup(topo->edges, nedges, &ok);
    t->in = ints_dup(topo->in, topo->indegree, &ok);
    t->out = ints_dup(topo->out, topo->outdegree, &ok);
    t->in_weights = ints_dup(topo->in_weights, topo->indegree, &ok);
    t->out_weights = ints_dup(topo->out_weights, topo->outdegree, &ok);
    if (!ok) {
        mp_topo_release(t);
        return MP_ERR_NOMEM;
    }
    *copy_p = t;
    return MP_OK;
}
