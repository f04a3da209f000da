/*
 * General graph topologies (MPI 4.1 section 8.5.3 and 8.5.5): MPI_Graph_create, where every
 * process passes the whole graph, and the queries of its nodes and edges.
 */
#include "api/topo.h"

/* Checks the nnodes, index and edges of MPI_Graph_create and MPI_Graph_map against comm. */
static int check_graph(const char *call, const mp_comm_t *comm, int nnodes, const int *index,
                       const int *edges)
{
    if (nnodes < 0 || nnodes > comm->size) {
        return mp_api_error(comm, call, MPI_ERR_ARG,
                            "nnodes %d is out of range 0..%d (the size of %s)", nnodes, comm->size,
                            comm->name);
    }
    if (nnodes > 0 && index == NULL) {
        return mp_api_error(comm, call, MPI_ERR_ARG,
                            "index is NULL; pass an array of nnodes = %d entries", nnodes);
    }
    for (int i = 0; i < nnodes; i++) {
        int prev = i == 0 ? 0 : index[i - 1];
        if (index[i] < prev) {
            return mp_api_error(comm, call, MPI_ERR_ARG,
                                "index[%d] = %d is smaller than %s %d; index holds the running "
                                "total of the degrees, so it never decreases",
                                i, index[i], i == 0 ? "" : "the entry before it,", prev);
        }
    }
    int nedges = nnodes > 0 ? index[nnodes - 1] : 0;
    if (nedges > 0 && edges == NULL) {
        return mp_api_error(comm, call, MPI_ERR_ARG,
                            "edges is NULL; pass an array of index[nnodes - 1] = %d entries",
                            nedges);
    }
    for (int j = 0; j < nedges; j++) {
        if (edges[j] < 0 || edges[j] >= nnodes) {
            return mp_api_error(comm, call, MPI_ERR_ARG,
                                "edges[%d] = %d is not a node: nodes are 0..%d", j, edges[j],
                                nnodes - 1);
        }
    }
    return MPI_SUCCESS;
}

typedef struct graph_args {
    int nnodes;
    const int *index;
    const int *edges;
} graph_args_t;

static mp_status_t build_graph(void *arg, int newrank, mp_topo_t **topo_p)
{
    const graph_args_t *a = arg;
    return mp_topo_graph_create(a->nnodes, a->index, a->edges, newrank, topo_p);
}

#pragma weak MPI_Graph_create = PMPI_Graph_create
int PMPI_Graph_create(MPI_Comm comm_old, int nnodes, const int index[], const int edges[],
                      int reorder, MPI_Comm *comm_graph)
{
    MP_API_LOCK();
    const char *call = "MPI_Graph_create";
    (void)reorder; /* ranks keep their order */
    mp_api_topo_null_out(comm_graph);
    mp_comm_t *c = NULL;
    int rc = mp_api_topo_intra_check(call, comm_old, &c);
    if (rc == MPI_SUCCESS) {
        rc = check_graph(call, c, nnodes, index, edges);
    }
    if (rc == MPI_SUCCESS) {
        rc = mp_api_topo_check_ptr(c, call, comm_graph, "comm_graph");
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    /* An empty graph gives MPI_COMM_NULL everywhere. */
    graph_args_t args = {nnodes, index, edges};
    int color = c->rank < nnodes ? 0 : -1;
    return mp_api_topo_comm_create(call, c, color, c->rank, build_graph, &args, comm_graph);
}

#pragma weak MPI_Graph_map = PMPI_Graph_map
int PMPI_Graph_map(MPI_Comm comm, int nnodes, const int index[], const int edges[], int *newrank)
{
    MP_API_LOCK();
    const char *call = "MPI_Graph_map";
    mp_comm_t *c = NULL;
    int rc = mp_api_topo_intra_check(call, comm, &c);
    if (rc == MPI_SUCCESS) {
        rc = check_graph(call, c, nnodes, index, edges);
    }
    if (rc == MPI_SUCCESS) {
        rc = mp_api_topo_check_ptr(c, call, newrank, "newrank");
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    *newrank = c->rank < nnodes ? c->rank : MPI_UNDEFINED;
    return MPI_SUCCESS;
}

#pragma weak MPI_Graphdims_get = PMPI_Graphdims_get
int PMPI_Graphdims_get(MPI_Comm comm, int *nnodes, int *nedges)
{
    MP_API_LOCK();
    const char *call = "MPI_Graphdims_get";
    mp_comm_t *c = NULL;
    const mp_topo_t *t = NULL;
    int rc = mp_api_topo_get(call, comm, MP_TOPO_GRAPH, &c, &t);
    if (rc == MPI_SUCCESS) {
        rc = mp_api_topo_check_ptr(c, call, nnodes, "nnodes");
    }
    if (rc == MPI_SUCCESS) {
        rc = mp_api_topo_check_ptr(c, call, nedges, "nedges");
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    *nnodes = t->nnodes;
    *nedges = t->nnodes > 0 ? t->index[t->nnodes - 1] : 0;
    return MPI_SUCCESS;
}

#pragma weak MPI_Graph_get = PMPI_Graph_get
int PMPI_Graph_get(MPI_Comm comm, int maxindex, int maxedges, int index[], int edges[])
{
    MP_API_LOCK();
    const char *call = "MPI_Graph_get";
    mp_comm_t *c = NULL;
    const mp_topo_t *t = NULL;
    int rc = mp_api_topo_get(call, comm, MP_TOPO_GRAPH, &c, &t);
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    int nedges = t->nnodes > 0 ? t->index[t->nnodes - 1] : 0;
    if (maxindex < t->nnodes || maxedges < nedges) {
        return mp_api_error(c, call, MPI_ERR_ARG,
                            "%s %d is smaller than the %d %s of the graph of %s; get the sizes "
                            "with MPI_Graphdims_get",
                            maxindex < t->nnodes ? "maxindex" : "maxedges",
                            maxindex < t->nnodes ? maxindex : maxedges,
                            maxindex < t->nnodes ? t->nnodes : nedges,
                            maxindex < t->nnodes ? "nodes" : "edges", c->name);
    }
    if (t->nnodes > 0) {
        rc = mp_api_topo_check_ptr(c, call, index, "index");
    }
    if (rc == MPI_SUCCESS && nedges > 0) {
        rc = mp_api_topo_check_ptr(c, call, edges, "edges");
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    for (int i = 0; i < t->nnodes; i++) {
        index[i] = t->index[i];
    }
    for (int j = 0; j < nedges; j++) {
        edges[j] = t->edges[j];
    }
    return MPI_SUCCESS;
}

/* Checks the node whose neighbours a graph query asks for. */
static int check_node(const char *call, const mp_comm_t *c, const mp_topo_t *t, int rank)
{
    if (rank < 0 || rank >= t->nnodes) {
        return mp_api_error(c, call, MPI_ERR_RANK,
                            "rank %d is not a node of the graph of %s: nodes are 0..%d", rank,
                            c->name, t->nnodes - 1);
    }
    return MPI_SUCCESS;
}

#pragma weak MPI_Graph_neighbors_count = PMPI_Graph_neighbors_count
int PMPI_Graph_neighbors_count(MPI_Comm comm, int rank, int *nneighbors)
{
    MP_API_LOCK();
    const char *call = "MPI_Graph_neighbors_count";
    mp_comm_t *c = NULL;
    const mp_topo_t *t = NULL;
    int rc = mp_api_topo_get(call, comm, MP_TOPO_GRAPH, &c, &t);
    if (rc == MPI_SUCCESS) {
        rc = check_node(call, c, t, rank);
    }
    if (rc == MPI_SUCCESS) {
        rc = mp_api_topo_check_ptr(c, call, nneighbors, "nneighbors");
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    const int *nbrs = NULL;
    mp_topo_graph_neighbors(t, rank, nneighbors, &nbrs);
    return MPI_SUCCESS;
}

#pragma weak MPI_Graph_neighbors = PMPI_Graph_neighbors
int PMPI_Graph_neighbors(MPI_Comm comm, int rank, int maxneighbors, int neighbors[])
{
    MP_API_LOCK();
    const char *call = "MPI_Graph_neighbors";
    mp_comm_t *c = NULL;
    const mp_topo_t *t = NULL;
    int rc = mp_api_topo_get(call, comm, MP_TOPO_GRAPH, &c, &t);
    if (rc == MPI_SUCCESS) {
        rc = check_node(call, c, t, rank);
    }
    if (rc == MPI_SUCCESS && maxneighbors < 0) {
        rc =
            mp_api_error(c, call, MPI_ERR_ARG,
                         "maxneighbors %d is negative; pass the length of neighbors", maxneighbors);
    }
    if (rc == MPI_SUCCESS && maxneighbors > 0) {
        rc = mp_api_topo_check_ptr(c, call, neighbors, "neighbors");
    }
    if (rc != MPI_SUCCESS) {
        return rc;
    }
    int n = 0;
    const int *nbrs = NULL;
    mp_topo_graph_neighbors(t, rank, &n, &nbrs);
    for (int i = 0; i < n && i < maxneighbors; i++) {
        neighbors[i] = nbrs[i];
    }
    return MPI_SUCCESS;
}
