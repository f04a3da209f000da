/*
 * Virtual process topologies (MPI 4.1 chapter 8): the object a communicator carries in
 * comm->topo (Cartesian grid, general graph, or distributed graph) and the pure arithmetic on
 * it: balanced dimensions, ranks to coordinates and back, shifts, and the neighbour lists that
 * the neighbourhood collectives walk. Nothing here communicates.
 */
#ifndef MP_CORE_TOPO_H
#define MP_CORE_TOPO_H

#include <stdbool.h>

#include "core/status.h"

typedef enum mp_topo_kind {
    MP_TOPO_CART,
    MP_TOPO_GRAPH,
    MP_TOPO_DIST_GRAPH,
} mp_topo_kind_t;

typedef struct mp_topo {
    mp_topo_kind_t kind;
    /* Cartesian: a grid of ndims dimensions (ndims may be 0: one process). */
    int ndims;
    int *dims;    /* ndims extents, each >= 1 */
    bool *period; /* whether each dimension wraps around */
    /* Graph (MPI_Graph_create): the whole graph, in the standard's index/edges form. */
    int nnodes;
    int *index; /* nnodes cumulative degrees */
    int *edges; /* index[nnodes - 1] neighbours */
    /* Every kind: this process's neighbours in the standard's order (section 8.6). For a
     * Cartesian grid both lists are, per dimension, the -1 then the +1 neighbour (MPI_PROC_NULL
     * at a non-periodic edge); for a graph both are the adjacency list; for a distributed graph
     * the sources and the destinations. */
    int indegree;
    int outdegree;
    int *in;
    int *out;
    /* Distributed graph: the weights of in and out, when the graph was created with them. */
    bool weighted;
    int *in_weights;
    int *out_weights;
} mp_topo_t;

/* MPI_Dims_create: fills the zero entries of dims (ndims of them, the others fixed and
 * positive) so that the product of all is nnodes and the filled ones are as close to each other
 * as possible, in non-increasing order (like MPICH). MP_ERR_INVALID when the fixed entries do not
 * divide nnodes; dims is then unchanged. The caller has checked nnodes >= 0, ndims >= 0 and that
 * no entry is negative. */
mp_status_t mp_topo_dims_create(int nnodes, int ndims, int *dims);

/* The number of processes of a grid (the product of dims); -1 when it exceeds INT_MAX. */
int mp_topo_cart_size(int ndims, const int *dims);

/* A Cartesian topology for process rank (of a grid of mp_topo_cart_size processes). periods may
 * be NULL (no dimension wraps). The caller has checked the arguments. */
mp_status_t mp_topo_cart_create(int ndims, const int *dims, const int *periods, int rank,
                                mp_topo_t **topo_p);

/* The rank at coords (row-major: the last dimension varies fastest). A coordinate out of range
 * wraps in a periodic dimension; in a non-periodic one it is MP_ERR_INVALID. */
mp_status_t mp_topo_cart_rank(const mp_topo_t *topo, const int *coords, int *rank_p);

/* The ndims coordinates of rank (0 <= rank < grid size). */
void mp_topo_cart_coords(const mp_topo_t *topo, int rank, int *coords);

/* MPI_Cart_shift of rank along dimension dim by disp: the ranks it receives from and sends to,
 * MPI_PROC_NULL past a non-periodic edge. */
void mp_topo_cart_shift(const mp_topo_t *topo, int rank, int dim, int disp, int *source_p,
                        int *dest_p);

/* MPI_Cart_sub for rank: which sub-grid it falls in (color: the linear index of its coordinates
 * in the dropped dimensions) and its rank there (key: the linear index in the kept ones). */
void mp_topo_cart_sub_split(const mp_topo_t *topo, int rank, const int *remain_dims, int *color_p,
                            int *key_p);

/* The topology of the sub-grid that keeps the dimensions with remain_dims[i] true, for the
 * process of rank newrank in it. */
mp_status_t mp_topo_cart_sub_create(const mp_topo_t *topo, const int *remain_dims, int newrank,
                                    mp_topo_t **topo_p);

/* A general graph (MPI_Graph_create) of nnodes nodes, for process rank (< nnodes). The caller
 * has checked index (non-decreasing, from >= 0) and edges (each in 0..nnodes-1). */
mp_status_t mp_topo_graph_create(int nnodes, const int *index, const int *edges, int rank,
                                 mp_topo_t **topo_p);

/* The neighbours of node rank of a graph topology: *count_p of them starting at *nbrs_p. */
void mp_topo_graph_neighbors(const mp_topo_t *topo, int rank, int *count_p, const int **nbrs_p);

/* A distributed graph with this process's in-edges (sources) and out-edges (destinations).
 * Weights are NULL when the graph is unweighted. The arrays are copied. */
mp_status_t mp_topo_dist_graph_create(int indegree, const int *sources, const int *sourceweights,
                                      int outdegree, const int *destinations,
                                      const int *destweights, mp_topo_t **topo_p);

/* A deep copy (MPI_Comm_dup keeps the topology). */
mp_status_t mp_topo_dup(const mp_topo_t *topo, mp_topo_t **copy_p);

/* Frees a topology: the hook the communicator layer calls when it frees a communicator whose
 * comm->topo is not NULL. NULL is allowed. */
void mp_topo_release(void *topo);

#endif
